// The escalation builder's logic, apart from the screen: the severity model (seed 003), the request built from
// the form, and what the redacted preview says about itself. The core builds, redacts and has the last word.
import type { Environment, EscalationField, EscalationRequest, SeverityLevel } from "./bindings";

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

export type EscalationForm = {
  /** Null until the person chooses: there is no default severity. */
  severity: SeverityLevel | null;
  /** Null for the launch's own environment. */
  environment: Environment | null;
  summary: string;
  facts: Record<string, string | undefined>;
};

export function emptyEscalationForm(): EscalationForm {
  return { severity: null, environment: null, summary: "", facts: {} };
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
  return {
    launch_id: launchId,
    severity: form.severity,
    environment: form.environment,
    summary: form.summary.trim() || SUMMARY_PLACEHOLDER,
    facts,
  };
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
