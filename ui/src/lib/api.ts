// The one module that talks to the desktop shell. Every command and event name lives here, typed with the
// declarations generated from the Rust types (bindings.ts), so the UI cannot drift from the core.
import { invoke as invokeShell } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AttachFile,
  Candidate,
  NewSigner,
  SignerView,
  AuditEvent,
  AuditVerification,
  DecisionRecord,
  EscalationPacket,
  Environment,
  EscalationRequest,
  IdCandidate,
  KeychainBackend,
  ExportedPacket,
  SavedFiles,
  ErrorPayload,
  EvidenceRecord,
  Gate,
  KeyRequest,
  ItemView,
  LaunchOverview,
  LaunchSummary,
  NewDecision,
  NewEvidence,
  NewLaunch,
  NewSignoff,
  PackSummary,
  ProbeProgress,
  ProbeRun,
  ProbeRunRequest,
  ProbeRunSummary,
  Role,
  RoleSignoff,
  SecretFingerprint,
  SecretStatus,
  SetItemStatus,
  TemplateSummary,
} from "./bindings";

import { retryWhileBusy } from "./busy";

/** Every command goes through here: a call that finds the workspace busy with another writer is made again. */
function invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  return retryWhileBusy(() => (args === undefined ? invokeShell<T>(command) : invokeShell<T>(command, args)));
}

/** The workspace, who is acting, and where "Create my signing key" puts the key (null: no home directory). */
export type AppInfo = { db_path: string; actor: string; signing_key_path: string | null };

/** The event the shell emits whenever the database changes, from this window or from another process. */
export const DB_CHANGED = "db-changed";

export const listTemplates = (): Promise<TemplateSummary[]> => invoke("list_templates");
export const listLaunches = (): Promise<LaunchSummary[]> => invoke("list_launches");
export const createLaunch = (launch: NewLaunch): Promise<LaunchOverview> => invoke("create_launch", { launch });
export const launchOverview = (id: string): Promise<LaunchOverview> => invoke("launch_overview", { id });
export const roleItems = (launchId: string, role: Role | null): Promise<ItemView[]> =>
  invoke("role_items", { launchId, role });
export const itemEvidence = (itemId: number): Promise<EvidenceRecord[]> => invoke("item_evidence", { itemId });
export const addEvidence = (evidence: NewEvidence): Promise<EvidenceRecord> => invoke("add_evidence", { evidence });
export const attachFile = (attach: AttachFile): Promise<EvidenceRecord> => invoke("attach_file", { attach });
export const setItemStatus = (change: SetItemStatus): Promise<ItemView> => invoke("set_item_status", { change });
export const auditEvents = (launchId: string | null, limit: number): Promise<AuditEvent[]> =>
  invoke("audit_events", { launchId, limit });
export const verifyAudit = (): Promise<AuditVerification> => invoke("verify_audit");
export const appInfo = (): Promise<AppInfo> => invoke("app_info");

// Signoffs, verdict and decisions.
// Each role's signoff and the verdict over them, read together (staleness is judged once for both).
export const launchGate = (launchId: string): Promise<Gate> => invoke("launch_gate", { launchId });
/** Signs a role's signoff with the chosen key; the signer's name is the principal the launch lists for the key. */
export const sign = (signoff: NewSignoff, key: KeyRequest): Promise<RoleSignoff> => invoke("sign", { signoff, key });
export const waiveSigned = (change: SetItemStatus, key: KeyRequest): Promise<ItemView> =>
  invoke("waive_signed", { change, key });
/** Imports a signoff slip signed elsewhere (`golive slip sign`), from a file picked through `dialogs.ts`. */
export const importSlip = (path: string): Promise<RoleSignoff> => invoke("import_slip", { path });
export const decide = (decision: NewDecision): Promise<DecisionRecord> => invoke("decide", { decision });
export const latestDecision = (launchId: string): Promise<DecisionRecord | null> =>
  invoke("latest_decision", { launchId });

// Packet export and escalations.
export const previewPacket = (launchId: string): Promise<ExportedPacket> => invoke("preview_packet", { launchId });
/** JSON and / or PDF from one build, signed with `key` (the signature beside the JSON) unless it is null. */
export const savePacket = (
  launchId: string,
  jsonPath: string | null,
  pdfPath: string | null,
  key: KeyRequest | null,
): Promise<SavedFiles> => invoke("save_packet", { launchId, jsonPath, pdfPath, key });

// Signing keys and who may sign. These commands' errors also say which input they are about (`field`; see
// `signingErrorAt` in signing.ts).
/** The keys this person has (ssh-agent, ~/.ssh/id_ed25519, golive's own key); only public halves are read. */
export const signingKeys = (): Promise<Candidate[]> => invoke("signing_keys");
/** A key file picked through `dialogs.ts`, described like the others (nothing decrypted), or refused with why. */
export const signingKeyFile = (path: string): Promise<Candidate> => invoke("signing_key_file", { path });
/** Creates an Ed25519 key at golive's own key path; never overwrites one that is there. */
export const createSigningKey = (comment: string, passphrase: string | null): Promise<Candidate> =>
  invoke("create_signing_key", { comment, passphrase });
export const launchSigners = (launchId: string): Promise<SignerView[]> => invoke("launch_signers", { launchId });
export const addSigner = (signer: NewSigner): Promise<SignerView> => invoke("add_signer", { signer });
export const removeSigner = (launchId: string, role: Role, fingerprint: string): Promise<void> =>
  invoke("remove_signer", { launchId, role, fingerprint });
export const escalationCandidates = (launchId: string): Promise<IdCandidate[]> =>
  invoke("escalation_candidates", { launchId });
export const buildEscalation = (request: EscalationRequest): Promise<EscalationPacket> =>
  invoke("build_escalation", { request });
export const saveEscalation = (
  request: EscalationRequest,
  jsonPath: string | null,
  pdfPath: string | null,
  textPath: string | null,
): Promise<SavedFiles> => invoke("save_escalation", { request, jsonPath, pdfPath, textPath });

// Probes.

/** The event a running probe run emits as each step is planned, starts and finishes. */
export const PROBE_PROGRESS = "probe-progress";
export type ProbeProgressEvent = { launch_id: string; progress: ProbeProgress };

export const probePacks = (launchId: string): Promise<PackSummary[]> => invoke("probe_packs", { launchId });
/** A pack file of one's own, validated (problems come back with their line and column), as the screen lists it. */
export const probePackFile = (path: string): Promise<PackSummary> => invoke("probe_pack_file", { path });
// The pack commands take the built-in pack's id, or a pack file (`packFile`), whose own variables and secrets
// apply instead.
export const probeVars = (
  launchId: string,
  packId: string,
  packFile: string | null = null,
): Promise<Record<string, string>> => invoke("probe_vars", { launchId, packId, packFile });
export const setProbeVar = (
  launchId: string,
  packId: string,
  name: string,
  value: string,
  packFile: string | null = null,
): Promise<Record<string, string>> => invoke("set_probe_var", { launchId, packId, packFile, name, value });
export const probeSecrets = (
  launchId: string,
  packId: string,
  environment: Environment,
  packFile: string | null = null,
): Promise<SecretStatus[]> => invoke("probe_secrets", { launchId, packId, packFile, environment });
/** Holds a secret in the shell's memory for this app session; an empty value clears it (and rejects, saying so). */
export const setSessionSecret = (
  launchId: string,
  environment: Environment,
  name: string,
  value: string,
): Promise<SecretFingerprint> => invoke("set_session_secret", { launchId, environment, name, value });
/** Keeps a secret in the OS keychain for this launch and environment; later runs and the CLI find it there. */
export const saveKeychainSecret = (
  launchId: string,
  environment: Environment,
  name: string,
  value: string,
  packFile: string | null = null,
): Promise<SecretFingerprint> =>
  invoke("save_keychain_secret", { launchId, environment, name, value, packFile });
export const forgetKeychainSecret = (
  launchId: string,
  environment: Environment,
  name: string,
  packFile: string | null = null,
): Promise<void> => invoke("forget_keychain_secret", { launchId, environment, name, packFile });
export const runProbes = (request: ProbeRunRequest): Promise<ProbeRun> => invoke("run_probes", { request });
export const probeRuns = (launchId: string): Promise<ProbeRunSummary[]> => invoke("probe_runs", { launchId });
export const probeRun = (runId: string): Promise<ProbeRun> => invoke("probe_run", { runId });
export const keychainBackend = (): Promise<KeychainBackend> => invoke("keychain_backend");
export const markProvenDone = (runId: string): Promise<ItemView[]> => invoke("mark_proven_done", { runId });

/**
 * Calls `cb` with each progress report of a probe run on `launchId`, for a component's lifetime: returns a
 * synchronous unsubscribe (see `watchDb`). Reports about other launches are not passed on.
 */
export function watchProbeProgress(launchId: string, cb: (progress: ProbeProgress) => void): () => void {
  return forLifetime(
    listen<ProbeProgressEvent>(PROBE_PROGRESS, (e) => {
      if (e.payload && e.payload.launch_id === launchId) cb(e.payload.progress);
    }),
  );
}

/** Calls `cb` whenever the database changes, from this window or from another process such as the CLI. */
export async function onDbChanged(cb: () => void): Promise<() => void> {
  return listen(DB_CHANGED, () => cb());
}

/**
 * `onDbChanged` for a component's lifetime: returns a synchronous unsubscribe, suitable as the return value of
 * `onMount`. Outside the desktop shell (a plain browser) there is nothing to listen to, and that is not an error.
 */
export function watchDb(cb: () => void): () => void {
  return forLifetime(onDbChanged(cb));
}

/**
 * A launch's allowed signers, loaded now and again whenever the database changes (a key added from the CLI shows up
 * in an open dialog), for a component's lifetime: returns a synchronous unsubscribe, suitable for `onMount`.
 */
export function followSigners(
  launchId: string,
  onSigners: (signers: SignerView[]) => void,
  onError: (message: string) => void,
): () => void {
  const load = () => launchSigners(launchId).then(onSigners, (e) => onError(errorMessage(e)));
  load();
  return watchDb(load);
}

/** A listener that may still be registering, as a synchronous unsubscribe that also covers that case. */
function forLifetime(listening: Promise<() => void>): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listening.then(
    (off) => {
      if (stopped) off();
      else unlisten = off;
    },
    () => {},
  );
  return () => {
    stopped = true;
    unlisten?.();
  };
}

function isErrorPayload(e: unknown): e is ErrorPayload {
  return typeof e === "object" && e !== null && typeof (e as ErrorPayload).message === "string";
}

/** The message to show for a failed command: the core's own words when it sent an ErrorPayload. */
export function errorMessage(e: unknown): string {
  if (isErrorPayload(e) && e.message.trim() !== "") return e.message;
  if (typeof e === "string" && e.trim() !== "") return e;
  return "Something went wrong";
}
