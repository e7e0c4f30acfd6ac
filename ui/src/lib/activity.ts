// The audit log as sentences: "Zoë Kowalski approved finance", "launch_mgr ran the 0pools-smoke probes: 15/15
// passed in sandbox". Pure: the events and a way to name items go in, words come out. An action this does not know
// still reads as words, never as a raw code.
import type { AuditEvent } from "./bindings";
import { isStage, stageTitle } from "./stages";

export type ActivityContext = {
  /** The title of an item by id, when the screen knows it. */
  itemTitle?: (id: number) => string | undefined;
};

type Details = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v : null);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** A value quoted in a sentence, shortened so one long statement does not swamp the list. */
export function quote(text: string, max = 80): string {
  const one = text.replace(/\s+/g, " ").trim();
  const chars = [...one];
  return `“${chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : one}”`;
}

/** The id after `kind:` in a subject such as `item:42` or `launch:acme`; null for another kind. */
export function subjectId(subject: string, kind: string): string | null {
  return subject.startsWith(`${kind}:`) ? subject.slice(kind.length + 1) : null;
}

function itemName(e: AuditEvent, d: Details, ctx: ActivityContext): string {
  const id = typeof d.item_id === "number" ? d.item_id : Number(subjectId(e.subject, "item"));
  const title = Number.isSafeInteger(id) && id > 0 ? ctx.itemTitle?.(id) : undefined;
  return title ? quote(title, 70) : Number.isSafeInteger(id) && id > 0 ? `item #${id}` : "an item";
}

const EVIDENCE_KINDS: Record<string, string> = {
  attestation: "a statement",
  identifier: "an identifier",
  file: "a file",
  link: "a link",
  contact: "a contact",
  probe_run: "probe evidence",
};

function evidencePhrase(d: Details): string {
  const type = str(d.identifier_type);
  if (d.kind === "identifier" && type) {
    const words = type.replace(/_/g, " ");
    return `${/^[aeiou]/i.test(words) ? "an" : "a"} ${words}`;
  }
  return EVIDENCE_KINDS[String(d.kind)] ?? "evidence";
}

/** "15/15 passed", "12/15 passed, 2 failed, 1 error", "0/3 passed, 3 skipped". */
export function runCounts(passed: number, failed: number, errors: number, skipped: number): string {
  const total = passed + failed + errors + skipped;
  const parts = [`${passed}/${total} passed`];
  if (failed) parts.push(`${failed} failed`);
  if (errors) parts.push(`${errors} ${errors === 1 ? "error" : "errors"}`);
  if (skipped) parts.push(`${skipped} skipped`);
  return parts.join(", ");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One audit event as a sentence, without a final full stop (the list reads better without). */
export function activitySentence(e: AuditEvent, ctx: ActivityContext = {}): string {
  const d: Details = typeof e.details === "object" && e.details !== null ? (e.details as Details) : {};
  const who = e.actor || "Someone";
  const env = e.environment;
  switch (e.action) {
    case "launch.created": {
      const name = str(d.name);
      return `${who} created the launch${name ? ` ${quote(name)}` : ""}`;
    }
    case "item.status_set": {
      const item = itemName(e, d, ctx);
      const to = str(d.to) ?? "changed";
      const reason = str(d.reason);
      const signed = str(d.signed_by);
      let s: string;
      if (to === "open") s = `${who} reopened ${item}`;
      else if (to === "waived") s = `${who} waived ${item}`;
      else s = `${who} marked ${item} ${to}`;
      if (reason) s += `: ${quote(reason, 60)}`;
      if (signed) s += ` (signed by ${signed})`;
      return s;
    }
    case "evidence.recorded":
      return `${who} recorded ${evidencePhrase(d)} on ${itemName(e, d, ctx)} in ${env}`;
    case "evidence.superseded":
      return `${who} corrected ${evidencePhrase(d)} on ${itemName(e, d, ctx)} in ${env}`;
    case "signoff.recorded":
    case "signoff.renewed": {
      const signer = str(d.signer) ?? who;
      const role = str(d.role) ?? "a role";
      const reject = d.decision === "reject";
      const reason = str(d.reason);
      const slip = d.source === "slip" ? " (from an imported slip)" : "";
      const verb = reject ? "rejected" : "approved";
      const again = e.action === "signoff.renewed" ? " again" : "";
      return `${signer} ${verb} ${role}${again}${reason && reject ? `: ${quote(reason, 60)}` : ""}${slip}`;
    }
    case "signer.allowed":
      return `${who} allowed ${str(d.principal) ?? "a key"} to sign for ${str(d.role) ?? "a role"}`;
    case "signer.removed":
      return `${who} removed ${str(d.principal) ?? "a key"}'s key for ${str(d.role) ?? "a role"}`;
    case "decision.recorded": {
      const go = d.decision === "go";
      const note = str(d.note);
      const stage = str(d.stage);
      const stageWords = stage && isStage(stage) ? ` for ${stageTitle(stage)}` : "";
      const limits = str(d.limits);
      return `${who} recorded the decision: ${go ? "GO" : "NO-GO"}${stageWords}${limits ? `, limits ${quote(limits, 40)}` : ""}${note ? ` (${quote(note, 60)})` : ""}`;
    }
    case "packet.exported": {
      const files = [d.json && "JSON", d.pdf && "PDF"].filter(Boolean).join(" and ");
      const signed = str(d.signed_by);
      return `${who} exported the signoff packet${files ? ` (${files})` : ""}${signed ? ", signed" : ", unsigned"}`;
    }
    case "escalation.exported": {
      const files = [d.text && "text", d.pdf && "PDF", d.json && "JSON"].filter(Boolean).join(", ");
      return `${who} saved a support escalation${files ? ` (${files})` : ""}`;
    }
    case "probe.run_recorded": {
      const pack = str(d.pack);
      const evidence = Array.isArray(d.evidence) ? d.evidence.length : 0;
      const counts = runCounts(num(d.passed), num(d.failed), num(d.errors), num(d.skipped));
      const attached = evidence ? `; ${plural(evidence, "evidence record")} attached` : "";
      return `${who} ran ${pack ? `the ${pack} probes` : "probes"}: ${counts} in ${env}${attached}`;
    }
    case "probe.var_set":
      return `${who} set the probe variable ${str(d.name) ?? "?"} to ${quote(String(d.value ?? ""), 40)}`;
    case "probe.secret_stored": {
      const fp = (typeof d.fingerprint === "object" && d.fingerprint !== null ? d.fingerprint : {}) as Details;
      const masked = str(fp.last4) ? ` (${str(fp.prefix) ?? ""}…${fp.last4})` : "";
      return `${who} kept ${str(fp.name) ?? "a secret"} for ${env} in the OS keychain${masked}`;
    }
    case "probe.secret_forgotten":
      return `${who} removed ${str(d.name) ?? "a secret"} for ${env} from the OS keychain`;
    case "probe.sensitive_confirmed": {
      const cap = str(d.amount_cap);
      const statement = str(d.statement);
      return `${who} confirmed the sensitive live steps${cap ? ` up to ${cap}` : ""}${statement ? `: ${quote(statement, 60)}` : ""}`;
    }
    case "probe.ca_trusted_in_live": {
      const n = Array.isArray(d.ca_files) ? d.ca_files.length : 0;
      return `${who} trusted ${n ? plural(n, "extra CA certificate") : "extra CA certificates"} for a live probe run`;
    }
    case "template.imported":
      return `${who} imported the checklist ${subjectId(e.subject, "template") ?? e.subject}`;
    default: {
      const words = e.action.replace(/[._]/g, " ");
      return `${who}: ${words}`;
    }
  }
}
