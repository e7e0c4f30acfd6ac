// The probes screen's logic, apart from the screen: which steps run where, the live list a run's progress events
// build, failing checks in plain words, the run request built (and checked) from the form, and the overview's
// latest run per environment. Presentation and early feedback only: the core checks everything again and has the last word.
import type {
  AssertionResult,
  Environment,
  Exchange,
  KeyMode,
  LaunchOverview,
  Outcome,
  PackSummary,
  ProbeProgress,
  ProbeRun,
  ProbeRunRequest,
  ProbeRunSummary,
  SecretFingerprint,
  SecretSource,
  StepResult,
  StepSummary,
  Targets,
} from "./bindings";

export const ENVIRONMENTS: Environment[] = ["sandbox", "live"];
export const OUTCOMES: Outcome[] = ["pass", "fail", "error", "skipped"];

// ---------------------------------------------------------------------------------------------------------------
// The plan

/** The pack's steps that run in `environment`, in the pack's order. */
export function stepsFor(pack: PackSummary | null | undefined, environment: Environment): StepSummary[] {
  return pack ? pack.steps.filter((s) => s.environments.includes(environment)) : [];
}

export function targetsFor(overview: LaunchOverview | null | undefined, environment: Environment): Targets {
  const none: Targets = { api_base_url: null, webhook_url: null };
  if (!overview) return none;
  return (environment === "live" ? overview.live : overview.sandbox) ?? none;
}

/** Fills `{{var.name}}` placeholders from `vars`; anything else (captures, secrets, unknown vars) stays as written. */
export function resolveVars(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\{\{\s*var\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** A sensitive step's amount as the run would use it, or null when the step names none. */
export function stepAmount(step: StepSummary, vars: Record<string, string | undefined>): string | null {
  return step.amount === null ? null : resolveVars(step.amount, vars).trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Amounts: decimal text compared exactly, by the core's rule (a plain non-negative decimal, at most 8 places).

const SCALE = 8;

/** "10.00" → 1_000_000_000n (units of 10⁻⁸); null for anything that is not a plain non-negative decimal. */
export function parseAmount(text: string): bigint | null {
  const m = /^(\d{1,20})(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!m) return null;
  const frac = (m[2] ?? "").padEnd(SCALE, "0");
  return BigInt(m[1]) * 10n ** BigInt(SCALE) + BigInt(frac);
}

/** The sensitive steps whose amount is above `cap` (the engine would skip them), with that amount. */
export function aboveCap(
  steps: StepSummary[],
  vars: Record<string, string | undefined>,
  cap: string,
): { step: StepSummary; amount: string }[] {
  const limit = parseAmount(cap);
  if (limit === null) return [];
  const out: { step: StepSummary; amount: string }[] = [];
  for (const step of steps) {
    if (!step.sensitive) continue;
    const amount = stepAmount(step, vars);
    const value = amount === null ? null : parseAmount(amount);
    if (amount !== null && value !== null && value > limit) out.push({ step, amount });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Starting a run

export type RunForm = {
  environment: Environment;
  packId: string | null;
  /** Live only: the person confirms the sensitive steps (a small real order) may run. */
  confirm: boolean;
  amountCap: string;
  statement: string;
  /** The steps checked to run (exact ids); none checked runs them all. Ignored with a pack file. */
  steps: string[];
  /** A pack file of one's own, which the core prefers to `packId`; null for the built-in pack. */
  packFile: string | null;
  /** Extra CA certificates (PEM files) to trust, for a provider behind a private CA. */
  caFiles: string[];
};

export function emptyRunForm(): RunForm {
  return {
    environment: "sandbox",
    packId: null,
    confirm: false,
    amountCap: "",
    statement: "",
    steps: [],
    packFile: null,
    caFiles: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Step selection: check the steps to run; the core adds what they wait for and every key-mode check.

/** `selected` with `id` checked or unchecked, in the order the steps were checked, without duplicates. */
export function toggleStep(selected: readonly string[], id: string, checked: boolean): string[] {
  const rest = selected.filter((s) => s !== id);
  return checked ? [...rest, id] : rest;
}

/** The checked steps that are among `steps` (the environment's), in the pack's order: the run's `step_filter`. */
/** What the variables and secrets shown belong to: a pack file when one is chosen, else the built-in pack. */
export function sourceKey(packId: string | null, packFile: string | null): string {
  return packFile ? `file:${packFile}` : (packId ?? "");
}

export function stepFilter(selected: readonly string[], steps: readonly StepSummary[]): string[] {
  const wanted = new Set(selected);
  return steps.filter((s) => wanted.has(s.id)).map((s) => s.id);
}

/**
 * The steps that run as well, though not checked: every key-mode check and everything a checked step waits for,
 * directly or not, in the pack's order. Empty when nothing is checked (then everything runs). Mirrors the core's
 * selection, for the hint only.
 */
export function alsoRuns(selected: readonly string[], steps: readonly StepSummary[]): string[] {
  const filter = stepFilter(selected, steps);
  if (filter.length === 0) return [];
  const byId = new Map(steps.map((s) => [s.id, s]));
  const wanted = new Set(filter);
  for (const s of steps) if (s.kind === "key_mode") wanted.add(s.id);
  const stack = [...wanted];
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const dep of byId.get(id)?.depends_on ?? []) {
      if (!wanted.has(dep)) {
        wanted.add(dep);
        stack.push(dep);
      }
    }
  }
  const checked = new Set(filter);
  return steps.filter((s) => wanted.has(s.id) && !checked.has(s.id)).map((s) => s.id);
}

// ---------------------------------------------------------------------------------------------------------------
// Files chosen in the native dialog: a pack file, CA certificates

/** What the dialog plugin's `open` answers (a path, several, or null when cancelled) as a list of paths. */
export function pickedPaths(picked: string | string[] | null | undefined): string[] {
  if (picked === null || picked === undefined) return [];
  return (Array.isArray(picked) ? picked : [picked]).filter((p) => typeof p === "string" && p.trim() !== "");
}

/** `list` with the newly picked paths added at the end, each path once. */
export function addFiles(list: readonly string[], picked: string | string[] | null | undefined): string[] {
  const out = [...list];
  for (const p of pickedPaths(picked)) if (!out.includes(p)) out.push(p);
  return out;
}

export function removeFile(list: readonly string[], path: string): string[] {
  return list.filter((p) => p !== path);
}

/** The last part of a path, for either separator: "/home/me/packs/mine.toml" → "mine.toml". */
export function fileName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, "");
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export type BuiltRequest =
  | { ok: true; request: ProbeRunRequest }
  | { ok: false; field: "pack" | "amount_cap" | "statement"; message: string };

/** The core's limit on the confirmation statement. */
export const STATEMENT_MAX = 500;

/**
 * The run request for the form, or which field is wrong and why. The confirmation is sent in live only. `steps`
 * are the built-in pack's steps in the run's environment: only checked steps among them are sent, so a step
 * checked in the other environment is not. With a pack file the built-in pack's steps mean nothing: no filter.
 */
export function buildRunRequest(
  launchId: string,
  form: RunForm,
  steps: readonly StepSummary[] = [],
): BuiltRequest {
  const packFile = form.packFile?.trim() || null;
  if (!form.packId && !packFile) return { ok: false, field: "pack", message: "Choose a probe pack first." };
  let confirm: ProbeRunRequest["confirm_sensitive"] = null;
  if (form.environment === "live" && form.confirm) {
    const cap = form.amountCap.trim();
    const value = parseAmount(cap);
    if (cap === "") {
      return { ok: false, field: "amount_cap", message: "Enter the largest amount the sensitive steps may use." };
    }
    if (value === null) {
      return {
        ok: false,
        field: "amount_cap",
        message: `"${cap}" is not an amount: use digits with at most 8 decimals, such as 10.00.`,
      };
    }
    if (value === 0n) return { ok: false, field: "amount_cap", message: "The amount cap must be above zero." };
    const statement = form.statement.trim();
    if (statement === "") {
      return { ok: false, field: "statement", message: "Say who approved the live order and why, for the record." };
    }
    if ([...statement].length > STATEMENT_MAX) {
      return { ok: false, field: "statement", message: `Keep the statement under ${STATEMENT_MAX} characters.` };
    }
    confirm = { amount_cap: cap, statement };
  }
  return {
    ok: true,
    request: {
      launch_id: launchId,
      environment: form.environment,
      pack_id: form.packId,
      pack_file: packFile,
      step_filter: stepFilter(form.steps, steps),
      confirm_sensitive: confirm,
      ca_files: addFiles([], form.caFiles.map((p) => p.trim())),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The live list while a run is under way

export type LiveState = "queued" | "running" | Outcome;
export type LiveStep = { id: string; state: LiveState; reason: string | null; durationMs: number | null };

/**
 * The live list after one progress report: `planned` lists every step as queued (a new run starts afresh),
 * `started` marks one running, `finished` gives it its outcome. A report about a step the list has not heard
 * of adds it at the end rather than being lost.
 */
export function applyProgress(list: LiveStep[], progress: ProbeProgress): LiveStep[] {
  switch (progress.event) {
    case "planned":
      return progress.steps.map((id) => ({ id, state: "queued", reason: null, durationMs: null }));
    case "started":
      return upsert(list, progress.step_id, (s) => ({ ...s, state: "running" }));
    case "finished":
      return upsert(list, progress.step_id, (s) => ({
        ...s,
        state: progress.outcome,
        reason: progress.reason,
        durationMs: progress.duration_ms,
      }));
  }
}

function upsert(list: LiveStep[], id: string, change: (s: LiveStep) => LiveStep): LiveStep[] {
  const fresh: LiveStep = { id, state: "queued", reason: null, durationMs: null };
  return list.some((s) => s.id === id)
    ? list.map((s) => (s.id === id ? change(s) : s))
    : [...list, change(fresh)];
}

/** How far the run is: steps finished out of steps planned. */
export function liveProgress(list: LiveStep[]): { finished: number; total: number } {
  return { finished: list.filter((s) => s.state !== "queued" && s.state !== "running").length, total: list.length };
}

export function liveLabel(state: LiveState): string {
  return state === "queued" ? "queued" : state === "running" ? "running…" : state;
}

// ---------------------------------------------------------------------------------------------------------------
// Results in plain words

export type Counts = Record<Outcome, number>;

export function countSteps(steps: { outcome: Outcome }[]): Counts {
  const counts: Counts = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const s of steps) counts[s.outcome]++;
  return counts;
}

/** "12 passed · 1 failed · 0 errors · 2 skipped". */
export function countsText(c: Counts): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `${c.pass} passed`,
    `${c.fail} failed`,
    plural(c.error, "error", "errors"),
    `${c.skipped} skipped`,
  ].join(" · ");
}

/** A mark that tells the outcomes apart without colour. */
export function outcomeMark(o: Outcome): string {
  switch (o) {
    case "pass":
      return "✓";
    case "fail":
      return "✗";
    case "error":
      return "!";
    case "skipped":
      return "–";
  }
}

/** What each outcome means, for a tooltip and for screen readers. */
export function outcomeMeaning(o: Outcome): string {
  switch (o) {
    case "pass":
      return "every check held";
    case "fail":
      return "the server answered, but not as required";
    case "error":
      return "no usable answer (timeout, reset connection, unreadable body)";
    case "skipped":
      return "not sent";
  }
}

/** The check that decided a step that did not pass: the first whose outcome is the step's, else the first to miss. */
export function failingAssertion(step: StepResult): AssertionResult | null {
  if (step.outcome === "pass" || step.outcome === "skipped") return null;
  return (
    step.assertions.find((a) => a.outcome === step.outcome) ??
    step.assertions.find((a) => a.outcome !== "pass") ??
    null
  );
}

export type Explanation = {
  /** The reason in plain words. */
  text: string;
  /** The check that missed ("status is 409"), when there was one. */
  check: string | null;
  expected: string | null;
  actual: string | null;
};

/** Why a step did not pass, in plain words, with what was expected and what came back; null for a pass. */
export function explain(step: StepResult): Explanation | null {
  if (step.outcome === "pass") return null;
  const a = failingAssertion(step);
  const fallback =
    step.outcome === "skipped" ? "not sent" : step.outcome === "fail" ? "a check did not hold" : "no usable answer";
  const text = a?.message.trim() || step.reason?.trim() || a?.check.trim() || fallback;
  return {
    text,
    check: a?.check.trim() || null,
    expected: a && a.expected !== "" ? a.expected : null,
    actual: a && a.actual !== "" ? a.actual : null,
  };
}

/** One assertion as a line: "✓ status is 200", "✗ expected $.trade.id equals pt_1, but it was pt_2". */
export function assertionText(a: AssertionResult): string {
  return a.outcome === "pass" || a.message.trim() === ""
    ? `${outcomeMark(a.outcome)} ${a.check}`
    : `${outcomeMark(a.outcome)} ${a.message}`;
}

/** An advisory check that did not hold, as a line: it is a warning, never a failure of its step. */
export function warningText(a: AssertionResult): string {
  return `⚠ ${a.message.trim() === "" ? a.check : a.message} (advisory: the step still passes)`;
}

/** "GET https://…/v1/discovery → 200", or "→ no response" with the reason. */
export function exchangeLine(x: Exchange): string {
  const answer = x.status !== null ? String(x.status) : "no response";
  return `${x.method} ${x.url} → ${answer}`;
}

export function headersText(headers: [string, string][]): string {
  return headers.map(([k, v]) => `${k}: ${v}`).join("\n");
}

/** "850 ms", "4.2 s", "2 min 05 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** Every request id a run's steps saw, deduplicated in order (what support asks for first). */
export function requestIds(run: ProbeRun): string[] {
  const seen = new Set<string>();
  for (const s of run.steps) for (const id of s.request_ids) seen.add(id);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets: fingerprints only, never values

export function sourceLabel(source: SecretSource): string {
  switch (source) {
    case "session":
      return "typed in for this session";
    case "environment":
      return "from the environment";
    case "keychain":
      return "from the keychain";
  }
}

export function modeLabel(mode: KeyMode): string {
  return mode === "unknown" ? "mode unknown" : `${mode} key`;
}

/** "sk_test_…0042": the vendor prefix and the last four characters, nothing else. */
export function maskedSecret(fp: SecretFingerprint): string {
  return `${fp.prefix}…${fp.last4}`;
}

/** A key whose mode contradicts the environment: a live key in sandbox, or a test key in live. */
export function modeMismatch(fp: SecretFingerprint, environment: Environment): boolean {
  return (environment === "sandbox" && fp.mode === "live") || (environment === "live" && fp.mode === "test");
}

// ---------------------------------------------------------------------------------------------------------------
// The overview's card: the latest run in each environment

export type LatestRun = { environment: Environment; run: ProbeRunSummary | null };

function startedMs(run: ProbeRunSummary): number {
  const ms = Date.parse(run.started_at);
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * The newest run of each environment (sandbox, then live), or null where none ran. The core lists runs newest
 * first; this does not rely on it: the latest start wins, and of two that started together the one listed first.
 */
export function latestPerEnvironment(runs: readonly ProbeRunSummary[]): LatestRun[] {
  return ENVIRONMENTS.map((environment) => {
    let latest: ProbeRunSummary | null = null;
    for (const run of runs) {
      if (run.environment !== environment) continue;
      if (latest === null || startedMs(run) > startedMs(latest)) latest = run;
    }
    return { environment, run: latest };
  });
}

/** A run summary's step counts, in the shape `countsText` says. */
export function summaryCounts(run: ProbeRunSummary): Counts {
  return { pass: run.passed, fail: run.failed, error: run.errors, skipped: run.skipped };
}

/** "No evidence attached", "1 evidence record attached", "3 evidence records attached". */
export function evidenceText(n: number): string {
  if (n <= 0) return "No evidence attached";
  return `${n} evidence record${n === 1 ? "" : "s"} attached`;
}

/** How long ago `rfc3339` was, from `nowMs`: "just now", "5 min ago", "3 h ago", "2 days ago"; "" if unreadable. */
export function ago(rfc3339: string, nowMs: number): string {
  const then = Date.parse(rfc3339);
  if (Number.isNaN(then)) return "";
  const s = Math.floor((nowMs - then) / 1000);
  if (s < 60) return "just now";
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return `${d} day${d === 1 ? "" : "s"} ago`;
}

/** How recent a passing live run must be for the go / no-go rule (the core's rule; shown here as a hint only). */
export const FRESH_HOURS = 24;

/** Whether a run that started at `rfc3339` is still within `FRESH_HOURS` of `nowMs`; false if unreadable. */
export function isFresh(rfc3339: string, nowMs: number): boolean {
  const then = Date.parse(rfc3339);
  return !Number.isNaN(then) && nowMs - then <= FRESH_HOURS * 3_600_000;
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets a run needs

/** The pack's secrets that are not set for the environment, in the pack's order; none while still checking. */
export function missingSecrets(secrets: readonly SecretStatusLike[] | null): string[] {
  return (secrets ?? []).filter((s) => s.fingerprint === null).map((s) => s.name);
}

type SecretStatusLike = { name: string; fingerprint: unknown | null };

/** "api_key", "api_key and webhook_secret", "a, b and c". */
export function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * Why Run cannot start for lack of secrets, or null: a pack that needs secrets and has none set for the
 * environment would only send unauthenticated requests. With some set and some missing the run may still prove
 * the steps that need only those, so it is allowed (and the missing ones are named as a warning).
 */
export function secretsBlocker(secrets: readonly SecretStatusLike[] | null, environment: Environment): string | null {
  if (secrets === null || secrets.length === 0) return null;
  const missing = missingSecrets(secrets);
  if (missing.length < secrets.length) return null;
  return `No secret is set for ${environment}: set ${nameList(missing)} under Secrets before running.`;
}

/** The warning for secrets still missing when at least one is set; null when none is missing (or none set). */
export function secretsWarning(secrets: readonly SecretStatusLike[] | null, environment: Environment): string | null {
  if (secrets === null) return null;
  const missing = missingSecrets(secrets);
  if (missing.length === 0 || missing.length === secrets.length) return null;
  return `${nameList(missing)} ${missing.length === 1 ? "is" : "are"} not set for ${environment}: steps that need ${missing.length === 1 ? "it" : "them"} will report an error.`;
}

export type RunProblem = { field: "pack" | "amount_cap" | "statement" | "secrets"; message: string };

/**
 * Every problem with starting the run that the screen can see, at once: the pack, the live confirmation's cap
 * and statement, and secrets. Empty when the run may start.
 */
export function runProblems(
  form: RunForm,
  secrets: readonly SecretStatusLike[] | null,
): RunProblem[] {
  const out: RunProblem[] = [];
  if (!form.packId && !form.packFile?.trim()) out.push({ field: "pack", message: "Choose a probe pack first." });
  if (form.environment === "live" && form.confirm) {
    const cap = form.amountCap.trim();
    const value = parseAmount(cap);
    if (cap === "") out.push({ field: "amount_cap", message: "Enter the largest amount the sensitive steps may use." });
    else if (value === null) {
      out.push({
        field: "amount_cap",
        message: `"${cap}" is not an amount: use digits with at most 8 decimals, such as 10.00.`,
      });
    } else if (value === 0n) out.push({ field: "amount_cap", message: "The amount cap must be above zero." });
    const statement = form.statement.trim();
    if (statement === "") {
      out.push({ field: "statement", message: "Say who approved the live order and why, for the record." });
    } else if ([...statement].length > STATEMENT_MAX) {
      out.push({ field: "statement", message: `Keep the statement under ${STATEMENT_MAX} characters.` });
    }
  }
  const blocker = secretsBlocker(secrets, form.environment);
  if (blocker) out.push({ field: "secrets", message: blocker });
  return out;
}
