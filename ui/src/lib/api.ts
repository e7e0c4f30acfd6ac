// The one module that talks to the desktop shell. Every command and event name lives here, typed with the
// declarations generated from the Rust types (bindings.ts), so the UI cannot drift from the core.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AttachFile,
  AuditEvent,
  AuditVerification,
  DecisionRecord,
  EscalationPacket,
  EscalationRequest,
  ExportedPacket,
  SavedFiles,
  ErrorPayload,
  EvidenceRecord,
  ItemView,
  LaunchOverview,
  LaunchSummary,
  NewDecision,
  NewEvidence,
  NewLaunch,
  NewSignoff,
  Role,
  RoleSignoff,
  SetItemStatus,
  TemplateSummary,
  Verdict,
} from "./bindings";

export type AppInfo = { db_path: string; actor: string };

export const listTemplates = () => invoke<TemplateSummary[]>("list_templates");
export const listLaunches = () => invoke<LaunchSummary[]>("list_launches");
export const createLaunch = (launch: NewLaunch) => invoke<LaunchOverview>("create_launch", { launch });
export const launchOverview = (id: string) => invoke<LaunchOverview>("launch_overview", { id });
export const roleItems = (launchId: string, role: Role | null) => invoke<ItemView[]>("role_items", { launchId, role });
export const itemEvidence = (itemId: number) => invoke<EvidenceRecord[]>("item_evidence", { itemId });
export const addEvidence = (evidence: NewEvidence) => invoke<EvidenceRecord>("add_evidence", { evidence });
export const attachFile = (attach: AttachFile) => invoke<EvidenceRecord>("attach_file", { attach });
export const setItemStatus = (change: SetItemStatus) => invoke<ItemView>("set_item_status", { change });
export const auditEvents = (launchId: string | null, limit: number) =>
  invoke<AuditEvent[]>("audit_events", { launchId, limit });
export const verifyAudit = () => invoke<AuditVerification>("verify_audit");
export const appInfo = () => invoke<AppInfo>("app_info");
export const roleSignoffs = (launchId: string) => invoke<RoleSignoff[]>("role_signoffs", { launchId });
export const sign = (signoff: NewSignoff) => invoke<RoleSignoff>("sign", { signoff });
export const verdict = (launchId: string) => invoke<Verdict>("verdict", { launchId });
export const decide = (decision: NewDecision) => invoke<DecisionRecord>("decide", { decision });
export const latestDecision = (launchId: string) => invoke<DecisionRecord | null>("latest_decision", { launchId });

export const previewPacket = (launchId: string) => invoke<ExportedPacket>("preview_packet", { launchId });
export const savePacket = (launchId: string, jsonPath: string | null, pdfPath: string | null) =>
  invoke<SavedFiles>("save_packet", { launchId, jsonPath, pdfPath });
export const buildEscalation = (request: EscalationRequest) =>
  invoke<EscalationPacket>("build_escalation", { request });
export const saveEscalation = (request: EscalationRequest, jsonPath: string | null, pdfPath: string | null, textPath: string | null) =>
  invoke<SavedFiles>("save_escalation", { request, jsonPath, pdfPath, textPath });

/** Calls `cb` whenever the database changes, from this window or from another process such as the CLI. */
export async function onDbChanged(cb: () => void): Promise<() => void> {
  return listen<number>("db-changed", () => cb());
}

/** The message to show for a failed command: the core's own words when it sent an ErrorPayload. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === "object" && "message" in e && typeof (e as ErrorPayload).message === "string") {
    return (e as ErrorPayload).message;
  }
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  return "Something went wrong";
}
