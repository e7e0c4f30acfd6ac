// Errors at their field, in words. The core answers a refused input with a message that starts with its own name
// for the field (`api_base_url: live api_base_url must use HTTPS …`) and, for a few commands, a separate `field`.
// This module turns that into "which input on this screen, and what to say there", and checks what the screen can
// check itself (required, URL shape, https in live) so every such problem is reported at once. The core still
// checks everything again and has the last word.
import type { LaunchForm } from "./forms";
import { ROLES } from "./forms";

/** One problem at one input: the input's element id and the sentence shown under it. */
export type FieldProblem = { id: string; message: string };

type Payloadish = { code?: unknown; message?: unknown; field?: unknown };

/** The core's field name and the rest of a `field: message` text; `field` is null when there is no such prefix. */
export function splitFieldMessage(message: string): { field: string | null; text: string } {
  const m = /^([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*):\s+([\s\S]*)$/.exec(message.trim());
  if (!m) return { field: null, text: message.trim() };
  return { field: m[1], text: m[2] };
}

/** The code of an error payload, or "". */
export function errorCode(e: unknown): string {
  if (typeof e !== "object" || e === null) return "";
  const code = (e as Payloadish).code;
  return typeof code === "string" ? code : "";
}

/** The raw message of an error payload (or a thrown string), or "". */
export function rawMessage(e: unknown): string {
  if (typeof e === "string") return e;
  if (typeof e !== "object" || e === null) return "";
  const message = (e as Payloadish).message;
  return typeof message === "string" ? message : "";
}

/** The field the error is about: the payload's `field` when the command gives one, else the message's prefix. */
export function fieldOf(e: unknown): string | null {
  if (typeof e === "object" && e !== null) {
    const field = (e as Payloadish).field;
    if (typeof field === "string" && field !== "") return field;
  }
  return splitFieldMessage(rawMessage(e)).field;
}

/** Whether the core refused the value because it looks like a secret: the input should not keep showing it. */
export function isSecretRefusal(e: unknown): boolean {
  return errorCode(e) === "secret_detected";
}

const POSITION = /\s*\bat (?:line (\d+), column (\d+)|character (\d+))/;

/**
 * Where in `value` the message points (a 0-based character offset), from "at line L, column C" or "at character N";
 * null when it names no position or the position is outside the value.
 */
export function errorPosition(message: string, value: string): number | null {
  const m = POSITION.exec(message);
  if (!m) return null;
  const chars = [...value];
  let offset: number;
  if (m[3] !== undefined) {
    offset = Number(m[3]) - 1;
  } else {
    const line = Number(m[1]);
    const column = Number(m[2]);
    const lines = value.split("\n");
    if (line < 1 || line > lines.length) return null;
    offset = lines.slice(0, line - 1).reduce((n, l) => n + [...l].length + 1, 0) + column - 1;
  }
  return offset >= 0 && offset < chars.length ? offset : null;
}

/** Words the core uses that read badly to a person, and what they should say instead. */
const PHRASES: [RegExp, string][] = [
  [/\ba api[- ]key\b/gi, "an API key"],
  [/\bapi[- ]key\b/gi, "API key"],
  [/\bapi_base_url\b/g, "API base URL"],
  [/\bwebhook_url\b/g, "webhook URL"],
  [/\bpartner_id\b/g, "partner id"],
  [/\bprivate_terms\b/g, "private terms"],
  [/\bhttps\b(?= URL)/g, "HTTPS"],
];

/**
 * A core message as a person reads it at its field: without the leading field name, without the internal class tag
 * (`[api-key]`), with "a"/"an" right, starting with a capital and ending with a full stop. For a one-line field the
 * position ("at character 54", "at line 1, column 54") is dropped: the field is marked instead.
 */
export function plainMessage(message: string, opts: { multiline?: boolean } = {}): string {
  let text = splitFieldMessage(message).text;
  text = text.replace(/\s*\[[a-z][a-z0-9-]*\]/g, "");
  for (const [pattern, words] of PHRASES) text = text.replace(pattern, words);
  text = text.replace(/\b([Aa]) (?=[aeiouAEIOU][a-z])/g, (_, a: string) => `${a}n `);
  if (!opts.multiline) text = text.replace(POSITION, "");
  text = text.replace(/\s+([;,.])/g, "$1").trim();
  if (text === "") return "This value was refused.";
  // "is required" and the like read as a sentence about the field.
  if (/^(is|are|has|holds|contains|carries|points|looks|must)\b/.test(text)) text = `This ${text}`;
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(text) ? text : `${text}.`;
}

/** The sentence after a refused secret was taken out of its input. */
export function secretClearedMessage(message: string): string {
  return `${plainMessage(message)} It was cleared from the field so it is not left on screen.`;
}

// ---------------------------------------------------------------------------------------------------------------
// The new-launch form

/** The element ids of the new-launch form's inputs. */
export const LAUNCH_FIELDS = {
  name: "launch-name",
  partnerId: "partner-id",
  templates: "launch-templates",
  sandboxApi: "sandbox-api",
  sandboxWebhook: "sandbox-webhook",
  liveApi: "live-api",
  liveWebhook: "live-webhook",
  privateTerms: "private-terms",
  form: "new-launch-error",
} as const;

/** Which input of the new-launch form a failed `create_launch` is about (an element id; the form's own for others). */
export function launchFieldOf(e: unknown, form: LaunchForm): string {
  const field = fieldOf(e);
  const message = splitFieldMessage(rawMessage(e)).text;
  switch (field) {
    case "name":
      return LAUNCH_FIELDS.name;
    case "partner_id":
      return LAUNCH_FIELDS.partnerId;
    case "templates":
      return LAUNCH_FIELDS.templates;
    case "private_terms":
      return LAUNCH_FIELDS.privateTerms;
    case "live_api_base_url":
      return LAUNCH_FIELDS.liveApi;
    case "live_webhook_url":
      return LAUNCH_FIELDS.liveWebhook;
    case "api_base_url":
      return targetField(message, form.sandboxApi, form.liveApi, LAUNCH_FIELDS.sandboxApi, LAUNCH_FIELDS.liveApi);
    case "webhook_url":
      return targetField(
        message,
        form.sandboxWebhook,
        form.liveWebhook,
        LAUNCH_FIELDS.sandboxWebhook,
        LAUNCH_FIELDS.liveWebhook,
      );
    case "owner":
    case "owners": {
      // The core names no role: the first owner it would refuse is the first non-empty one that is not a handle.
      const bad = ROLES.find((r) => form.owners[r].trim() !== "" && !isTeamHandle(form.owners[r]));
      const filled = ROLES.find((r) => form.owners[r].trim() !== "");
      const role = bad ?? filled;
      return role ? `owner-${role}` : LAUNCH_FIELDS.form;
    }
    default:
      return LAUNCH_FIELDS.form;
  }
}

/** Sandbox's or live's input for a target error: the message names the environment or quotes the value. */
function targetField(message: string, sandbox: string, live: string, sandboxId: string, liveId: string): string {
  if (/^live\b|\blive\b/i.test(message) && !/\bsandbox\b/i.test(message)) return liveId;
  if (/\bsandbox\b/i.test(message) && !/\blive\b/i.test(message)) return sandboxId;
  const s = sandbox.trim();
  const l = live.trim();
  if (l !== "" && message.includes(l) && !(s !== "" && message.includes(s))) return liveId;
  if (s !== "" && message.includes(s)) return sandboxId;
  if (s === "" && l !== "") return liveId;
  // The core checks sandbox first.
  return sandboxId;
}

/** A team handle by the core's rule: 2–64 letters, digits, `_`, `-` or `.`, starting with a letter or digit. */
export function isTeamHandle(value: string): boolean {
  const body = value.trim().replace(/^@/, "");
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/.test(body);
}

/** A URL's problem for a target in `env`, or null when it is fine (or empty: targets are optional). */
export function urlProblem(value: string, env: "sandbox" | "live"): string | null {
  const v = value.trim();
  if (v === "") return null;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `This is not a URL: write it in full, like https://${env === "live" ? "api" : "sandbox.api"}.example.com.`;
  }
  if (url.protocol === "http:" && env === "live") return "A live URL must use HTTPS, not http.";
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `Use an https URL, not ${url.protocol.replace(/:$/, "")}.`;
  }
  if (url.username !== "" || url.password !== "") {
    return "This URL carries a user name or password; keys come from the keychain or the environment, never the URL.";
  }
  return null;
}

/** Every problem the new-launch form can find by itself, in the order the inputs appear. */
export function checkLaunchForm(form: LaunchForm): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (form.name.trim() === "") problems.push({ id: LAUNCH_FIELDS.name, message: "Give the launch a name." });
  if (form.partnerId.trim() === "") {
    problems.push({ id: LAUNCH_FIELDS.partnerId, message: "Enter the partner id, as the API knows it." });
  }
  if (form.templates.length === 0) {
    problems.push({ id: LAUNCH_FIELDS.templates, message: "Choose at least one checklist." });
  }
  const urls: [string, string, "sandbox" | "live"][] = [
    [LAUNCH_FIELDS.sandboxApi, form.sandboxApi, "sandbox"],
    [LAUNCH_FIELDS.sandboxWebhook, form.sandboxWebhook, "sandbox"],
    [LAUNCH_FIELDS.liveApi, form.liveApi, "live"],
    [LAUNCH_FIELDS.liveWebhook, form.liveWebhook, "live"],
  ];
  for (const [id, value, env] of urls) {
    const problem = urlProblem(value, env);
    if (problem) problems.push({ id, message: problem });
  }
  for (const role of ROLES) {
    const owner = form.owners[role].trim();
    if (owner === "") continue;
    if (owner.includes("@") && !owner.startsWith("@")) {
      problems.push({
        id: `owner-${role}`,
        message: "This looks like an e-mail address; use a team handle such as finance_ops.",
      });
    } else if (!isTeamHandle(owner)) {
      problems.push({
        id: `owner-${role}`,
        message: "Use a team handle: 2–64 letters, digits, '_', '-' or '.', like finance_ops.",
      });
    }
  }
  return problems;
}

/** The problems as a map from element id to message (the first message for an input wins). */
export function byField(problems: readonly FieldProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) if (!(p.id in out)) out[p.id] = p.message;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The walkthrough's evidence and status forms

/** Core fields that are about no one input of the evidence or status form (shown under the form instead). */
const FORM_LEVEL = new Set(["status", "kind", "supersedes", "environment", "file", "path", "item", "evidence", "probe"]);

/**
 * Which input of the walkthrough an evidence or status error belongs at: `evidence-note`, `status-reason`,
 * `evidence-value`, or null for the form as a whole.
 */
export function evidenceFieldOf(e: unknown): "evidence-value" | "evidence-note" | "status-reason" | null {
  const field = fieldOf(e);
  if (field === "note") return "evidence-note";
  if (field === "reason") return "status-reason";
  if (field === null || FORM_LEVEL.has(field)) return null;
  return "evidence-value";
}

/** What a line that holds a key or token tends to look like (vendor prefixes, JWTs, PEM, long unbroken tokens). */
const SECRETISH =
  /\b(?:sk|pk|rk)_(?:live|test)_|\bwhsec_|\beyJ[A-Za-z0-9_-]{8,}|\bAKIA[0-9A-Z]{12}|\bgh[pousr]_[A-Za-z0-9]{10,}|\bxox[abpr]-|-----BEGIN|[A-Za-z0-9_+/=-]{32,}/;

/**
 * A multi-line value (one entry per line) after a refused secret: the lines that look like one are taken out and
 * the rest kept; when none looks like one, everything goes, since the core did not say which line it was.
 */
export function dropSecretLines(text: string): { text: string; removed: number; all: boolean } {
  const lines = text.split(/\r?\n/);
  const kept = lines.filter((l) => !SECRETISH.test(l));
  const removed = lines.length - kept.length;
  if (removed === 0) return { text: "", removed: lines.filter((l) => l.trim() !== "").length, all: true };
  return { text: kept.join("\n"), removed, all: false };
}
