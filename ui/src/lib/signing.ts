// Signing keys as the screens offer them: which keys there are, how each is named in a list, which key was chosen
// last (for this app session, never its passphrase), whose name a signoff will carry for it, and at which field a
// failed command's error belongs.
import type { Candidate, KeyRequest, Role, RoleSignoff, SignerView } from "./bindings";
import { plainMessage } from "./fielderrors";
import { titleCase } from "./format";

/** A key's identity in a list: `agent:SHA256:…` or `file:/path`. */
export function keyId(c: Candidate): string {
  return c.source.kind === "agent" ? `agent:${c.fingerprint}` : `file:${c.source.path}`;
}

/** `SHA256:abcdef…wxyz`: enough to tell keys apart at a glance; the full value goes in a title. */
export function shortFingerprint(fingerprint: string): string {
  const m = /^(SHA256:)(.+)$/.exec(fingerprint);
  if (!m || m[2].length <= 14) return fingerprint;
  return `${m[1]}${m[2].slice(0, 8)}…${m[2].slice(-4)}`;
}

/** `/home/me/.ssh/id_ed25519` → `~/.ssh/id_ed25519` when `home` is given and contains it. */
export function tildePath(path: string, home: string | null = null): string {
  if (home && home !== "/" && (path === home || path.startsWith(home.endsWith("/") ? home : `${home}/`))) {
    return `~${path.slice(home.replace(/\/$/, "").length)}`;
  }
  return path;
}

/** Where a key lives, in words: "ssh-agent" or its file. */
export function sourceLabel(c: Candidate, home: string | null = null): string {
  return c.source.kind === "agent" ? "ssh-agent" : tildePath(c.source.path, home);
}

/** One line per key in a select: comment, short fingerprint, where it lives, and whether it needs a passphrase. */
export function keyLabel(c: Candidate, home: string | null = null): string {
  const name = c.comment.trim() || "(no comment)";
  const lock = c.passphrase_protected ? " · passphrase" : "";
  return `${name} · ${shortFingerprint(c.fingerprint)} · ${sourceLabel(c, home)}${lock}`;
}

/** The home folder, guessed from golive's own key path (`<home>/.config/…`), for shorter labels. */
export function homeOf(signingKeyPath: string | null | undefined): string | null {
  if (!signingKeyPath) return null;
  const i = signingKeyPath.indexOf("/.config/");
  return i > 0 ? signingKeyPath.slice(0, i) : null;
}

/** Whether using this key needs a passphrase typed first. */
export function needsPassphrase(c: Candidate | null): boolean {
  return c !== null && c.source.kind === "file" && c.passphrase_protected;
}

/** What the shell is asked to sign with. The passphrase is sent only for a key file that has one. */
export function keyRequest(c: Candidate, passphrase: string): KeyRequest {
  if (c.source.kind === "agent") return { file: null, agent: true, fingerprint: c.fingerprint, passphrase: null };
  return {
    file: c.source.path,
    agent: false,
    fingerprint: null,
    passphrase: c.passphrase_protected && passphrase !== "" ? passphrase : null,
  };
}

/** The keys to offer: the ones found now, then any picked or created this session that were not found again. */
export function mergeKeys(found: Candidate[], extra: Candidate[]): Candidate[] {
  const seen = new Set(found.map(keyId));
  return [...found, ...extra.filter((c) => !seen.has(keyId(c)))];
}

// The session's memory: the last key chosen anywhere (sign dialog, export, signers) and keys picked or created.
let lastChosen: Candidate | null = null;
let picked: Candidate[] = [];

/** Remembers `c` as the key to offer first next time, for this session only. Passphrases are never kept. */
export function rememberKey(c: Candidate | null): void {
  if (c === null) return;
  lastChosen = c;
  if (c.source.kind === "file") picked = mergeKeys([c], picked);
}

export function rememberedKey(): Candidate | null {
  return lastChosen;
}

/** Keys picked through a file dialog or created this session: offered even if discovery does not find them. */
export function sessionKeys(): Candidate[] {
  return picked;
}

/** Forgets the session's keys (for tests). */
export function forgetSessionKeys(): void {
  lastChosen = null;
  picked = [];
}

/**
 * The key to preselect: the one remembered from earlier in the session if it is offered; else, for a role, the
 * first key the launch allows for it; else the first key offered; else none.
 */
export function preferredKey(
  offered: Candidate[],
  remembered: Candidate | null,
  signers: SignerView[] = [],
  role: Role | null = null,
): Candidate | null {
  if (remembered) {
    const again = offered.find((c) => keyId(c) === keyId(remembered));
    if (again) return again;
  }
  if (role) {
    const allowed = offered.find((c) => principalFor(signers, role, c.fingerprint) !== null);
    if (allowed) return allowed;
  }
  return offered[0] ?? null;
}

/** The name a signoff signed with `fingerprint` for `role` will carry: the principal the launch lists, or null. */
export function principalFor(signers: SignerView[], role: Role, fingerprint: string): string | null {
  return signers.find((s) => s.role === role && s.fingerprint === fingerprint)?.principal ?? null;
}

/** Roles this key may sign for, with the name it signs as. */
export function allowedRoles(signers: SignerView[], fingerprint: string): { role: Role; principal: string }[] {
  return signers.filter((s) => s.fingerprint === fingerprint).map((s) => ({ role: s.role, principal: s.principal }));
}

/** Who may sign for each role, in the core's role order (roles without keys included, with none). */
export function signersByRole(signers: SignerView[], roles: readonly Role[]): { role: Role; signers: SignerView[] }[] {
  return roles.map((role) => ({ role, signers: signers.filter((s) => s.role === role) }));
}

/** A public key line as pasted: one line, surrounding blanks gone (a `.pub` file ends with a newline). */
export function cleanPublicKey(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.trim() ?? "";
}

// Errors at their field. The shell's signing commands say which input an error is about (`field`, the core's own
// name for it); a screen maps those onto its own fields.

export type FieldError = { code: string; message: string; field?: string | null };

/** The input a failed command was about, as the core named it, or null. */
export function errorField(e: unknown): string | null {
  if (typeof e !== "object" || e === null) return null;
  const field = (e as FieldError).field;
  return typeof field === "string" && field !== "" ? field : null;
}

/** The core's input names that are about the key: its file, the agent, or whether it may sign. */
const KEY_FIELDS = new Set(["signing_key", "ssh_agent", "key", "allowed_signers", "signature", "namespace"]);

/**
 * Which of a signing form's fields an error belongs at: `key`, `passphrase`, `statement`, `reason`, or `form`
 * (shown under the form) for anything else.
 */
export function signingErrorAt(e: unknown): "key" | "passphrase" | "statement" | "reason" | "form" {
  const field = errorField(e);
  if (field === "passphrase") return "passphrase";
  if (field === "statement" || field === "reason") return field;
  if (field !== null && KEY_FIELDS.has(field)) return "key";
  return "form";
}

/**
 * What a signing form says at the key, or at its passphrase, when the core refused it. A refused passphrase is
 * cleared by the form (it is never left in the field), so its message asks for it again.
 */
export function keyFieldMessage(at: "key" | "passphrase", raw: string): string {
  return at === "passphrase"
    ? `${plainMessage(raw)} The passphrase field was cleared: type it again.`
    : plainMessage(raw);
}

/** Which field of the add-a-signer form an error belongs at. */
export function signerErrorAt(e: unknown): "principal" | "public_key" | "form" {
  const field = errorField(e);
  if (field === "principal") return "principal";
  if (field === "public_key" || (field !== null && KEY_FIELDS.has(field))) return "public_key";
  return "form";
}

// Signoff state, in words, for the overview's role cards and the import result.

/** "approved by Chidi Okafor", "STALE", "does not count" … for a role's current signoff. */
export function stateLabel(s: RoleSignoff): string {
  switch (s.state) {
    case "missing":
      return "not signed";
    case "unverified":
      return "unverified";
    default:
      return s.state;
  }
}

/** One sentence for what a slip import (or a signing) left the role at. */
export function resultSentence(s: RoleSignoff): string {
  const role = titleCase(s.role);
  const by = s.signoff ? ` by ${s.signoff.signer}` : "";
  switch (s.state) {
    case "approved":
      return `${role}: approved${by}.`;
    case "rejected":
      return `${role}: rejected${by}${s.signoff?.reason ? ` (${s.signoff.reason})` : ""}.`;
    case "stale":
      return `${role}: recorded${by}, but STALE: the role's items or evidence changed since it was signed.`;
    case "unverified":
      return `${role}: recorded${by}, but it does not count: ${s.problem ?? "it could not be verified"}.`;
    case "missing":
      return `${role}: not signed.`;
  }
}

/**
 * The warning before a change to a role whose signoff is currently approved: the change makes it stale.
 * `null` when there is nothing to warn about (not signed, already stale, rejected, unverified).
 */
export function staleWarning(s: RoleSignoff | null | undefined, change: string): string | null {
  if (!s || s.state !== "approved" || !s.signoff) return null;
  return `${change} makes ${s.role}'s signoff by ${s.signoff.signer} stale: it will have to be signed again.`;
}

/** A launch's signoffs in a few words for the launches list: "4/4 approved", "2/4 approved · 1 stale". */
export function signoffSummary(signoffs: readonly RoleSignoff[]): string {
  const n = (state: RoleSignoff["state"]) => signoffs.filter((s) => s.state === state).length;
  const parts = [`${n("approved")}/${signoffs.length} approved`];
  if (n("rejected")) parts.push(`${n("rejected")} rejected`);
  if (n("stale")) parts.push(`${n("stale")} stale`);
  if (n("unverified")) parts.push(`${n("unverified")} unverified`);
  return parts.join(" · ");
}
