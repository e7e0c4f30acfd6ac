// The escalation builder's logic, apart from the screen: the severity model (seed 003), the request built from
// the form, and what the redacted preview says about itself. The core builds, redacts and has the last word.
import type {
  EscalationEnvironment,
  EscalationField,
  EscalationRequest,
  IdCandidate,
  IncidentScope,
  SeverityLevel,
} from "./bindings";

export type Severity = { level: SeverityLevel; name: string; useWhen: string };

/** The support severity model, as the seed words it (the core's `support::severity_model`). */
export const SEVERITIES: readonly Severity[] = [
  {
    level: "S1",
    name: "production stopped",
    useWhen: "Live checkout, ramp, webhook intake, or reconciliation is unavailable for a production partner",
  },
  {
    level: "S2",
    name: "degraded production",
    useWhen: "Some users or regions are affected, or webhook delivery is delayed but recoverable",
  },
  {
    level: "S3",
    name: "integration blocked",
    useWhen: "Sandbox setup, allowed origin, API auth, idempotency, SDK, or webhook verification blocks launch",
  },
  {
    level: "S4",
    name: "documentation/product question",
    useWhen: "A partner needs clarification before implementation",
  },
];

export function severityOf(level: SeverityLevel | null | undefined): Severity | null {
  return SEVERITIES.find((s) => s.level === level) ?? null;
}

/** The core's limit on the one-line summary. */
export const SUMMARY_MAX = 300;

/** What the preview says in place of a summary not yet written; never saved. */
export const SUMMARY_PLACEHOLDER = "(describe the problem in one line)";

/** The incident an escalation is about, as the form holds it: picked runs and ids, and a window typed as text. */
export type IncidentPick = { runs: string[]; ids: string[]; from: string; until: string };

export type EscalationForm = {
  /** Null until the person chooses: there is no default severity. */
  severity: SeverityLevel | null;
  /** Null for the launch's own environment. */
  environment: EscalationEnvironment | null;
  summary: string;
  facts: Record<string, string | undefined>;
  incident: IncidentPick;
};

export function emptyEscalationForm(): EscalationForm {
  return { severity: null, environment: null, summary: "", facts: {}, incident: { runs: [], ids: [], from: "", until: "" } };
}

/** The environments seed 003 names, as the form offers them. */
export const ESCALATION_ENVIRONMENTS: readonly { value: EscalationEnvironment; label: string }[] = [
  { value: "live", label: "live (production)" },
  { value: "sandbox", label: "sandbox" },
  { value: "local_development", label: "local development" },
];

/** The scope the core reads, or undefined when nothing is picked (then no recorded id goes in). */
export function incidentScope(pick: IncidentPick): IncidentScope | undefined {
  const from = pick.from.trim();
  const until = pick.until.trim();
  if (pick.runs.length === 0 && pick.ids.length === 0 && from === "" && until === "") return undefined;
  const scope: IncidentScope = { runs: [...pick.runs], ids: [...pick.ids] };
  if (from !== "") scope.from = from;
  if (until !== "") scope.until = until;
  return scope;
}

/** A probe run among the candidates, with how many ids it saw: what the picker lists as one choice. */
export type RunChoice = { runId: string; at: string; count: number };

/**
 * What the incident picker offers for `environment`: the probe runs that saw ids (newest first) and every id
 * recorded outside a run (newest first). Local development has no launch records, so nothing.
 */
export function incidentChoices(
  candidates: readonly IdCandidate[],
  environment: EscalationEnvironment | null,
): { runs: RunChoice[]; ids: IdCandidate[] } {
  if (environment === null || environment === "local_development") return { runs: [], ids: [] };
  const here = candidates.filter((c) => c.environment === environment);
  const runs = new Map<string, RunChoice>();
  for (const c of here) {
    if (!c.run_id || c.id_type === "probe_run_id") continue;
    const r = runs.get(c.run_id) ?? { runId: c.run_id, at: c.at, count: 0 };
    r.count += 1;
    runs.set(c.run_id, r);
  }
  const byNewest = <T extends { at: string }>(a: T, b: T) => b.at.localeCompare(a.at);
  return {
    runs: [...runs.values()].sort(byNewest),
    ids: here.filter((c) => !c.run_id || c.id_type === "probe_run_id").sort(byNewest),
  };
}

/** `list` with `value` added or taken out. */
export function toggled(list: readonly string[], value: string, on: boolean): string[] {
  const rest = list.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}

/**
 * The request for the preview, or null while no severity is chosen. An empty summary becomes the placeholder (the
 * preview still shows what the severity needs); facts are trimmed and empty ones left out.
 */
export function previewRequest(launchId: string, form: EscalationForm): EscalationRequest | null {
  if (!form.severity) return null;
  const facts: Record<string, string> = {};
  for (const [name, value] of Object.entries(form.facts)) {
    const v = value?.trim() ?? "";
    if (v !== "") facts[name] = v;
  }
  const request: EscalationRequest = {
    launch_id: launchId,
    severity: form.severity,
    environment: form.environment,
    summary: form.summary.trim() || SUMMARY_PLACEHOLDER,
    facts,
  };
  const scope = incidentScope(form.incident);
  if (scope) request.scope = scope;
  return request;
}

export type SaveCheck = { ok: true; request: EscalationRequest } | { ok: false; message: string };

/** The request to save: only with a chosen severity and a real summary, never the placeholder. */
export function saveRequest(launchId: string, form: EscalationForm): SaveCheck {
  if (!form.severity) return { ok: false, message: "Choose a severity first." };
  const summary = form.summary.trim();
  if (summary === "") return { ok: false, message: "Write the one-line summary before saving." };
  if ([...summary].length > SUMMARY_MAX) {
    return { ok: false, message: `Keep the summary under ${SUMMARY_MAX} characters.` };
  }
  return { ok: true, request: { ...previewRequest(launchId, form)!, summary } };
}

/** The fields a person types (facts), in the severity's order, each once. */
export function factFields(fields: readonly EscalationField[]): (EscalationField & { fact: string })[] {
  const seen = new Set<string>();
  const out: (EscalationField & { fact: string })[] = [];
  for (const f of fields) {
    if (f.fact === null || seen.has(f.fact)) continue;
    seen.add(f.fact);
    out.push({ ...f, fact: f.fact });
  }
  return out;
}

/** The fields filled from the launch's record rather than typed (environment, partner id, recorded ids). */
export function recordedFields(fields: readonly EscalationField[]): EscalationField[] {
  return fields.filter((f) => f.fact === null);
}

const PLACEHOLDER = /\[REDACTED:[A-Za-z0-9_-]+\]/;

/** Whether redaction replaced something in `value` (a field the person typed, as the preview shows it). */
export function isRedacted(value: string | null | undefined): boolean {
  return value != null && PLACEHOLDER.test(value);
}

/** Every `[REDACTED:<class>]` placeholder in `text`, counted by class in the order first seen. */
export function redactions(text: string): { kind: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/\[REDACTED:([A-Za-z0-9_-]+)\]/g)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return [...counts].map(([kind, count]) => ({ kind, count }));
}

/**
 * "Redacted: api-key, private-term ×2", or "" when nothing was. These are places in the text, not distinct values:
 * the summary, for one, shows in the subject and again in the body.
 */
export function redactionsText(found: { kind: string; count: number }[]): string {
  if (found.length === 0) return "";
  return `Redacted: ${found.map((r) => (r.count > 1 ? `${r.kind} ×${r.count}` : r.kind)).join(", ")}`;
}

/** The file name the save dialog suggests: `acme-eur-usdt-escalation-S3.txt`. */
export function suggestedName(launchId: string, severity: SeverityLevel, kind: "json" | "pdf" | "txt"): string {
  return `${launchId}-escalation-${severity}.${kind}`;
}
