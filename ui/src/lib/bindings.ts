// Generated from the Rust types by `cargo test bindings` (src/bindings.rs). Do not edit by hand.

export type Environment = "sandbox" | "live";

export type Role = "product" | "engineering" | "support" | "finance";

export type Stage = "limited_traffic" | "first_day_review" | "full_volume";

export type ItemStatus = "open" | "done" | "waived" | "blocked" | "failed";

export type ErrorPayload = { code: string, message: string, };

export type TemplateProblem = { line: number, column: number, message: string, };

export type IdentifierType = "request_id" | "quote_id" | "trade_id" | "event_id" | "ledger_id" | "session_id" | "smoke_test_id" | "trace_id" | "partner_id" | "invoice_id" | "withdrawal_id" | "order_id" | "pool_id";

export type EvidenceKind = "attestation" | "identifier" | "file" | "link" | "contact" | "probe_run";

export type EvidenceSpec = { kind: EvidenceKind, identifier_type: IdentifierType | null, };

export type TemplateOrigin = "builtin" | "imported";

export type TemplateItem = { key: string, title: string, guidance: string, role: Role, environment: Environment, blocking: boolean, evidence: Array<EvidenceSpec>, 
/**
 * Packet fields this item's evidence fills, like `go_live_signoff.rollback_owner`.
 */
fills: Array<string>, 
/**
 * Whether a person may waive it. A template marks `waivable = false` on checks it treats as never optional
 * (Conomy's checklist: "every item exists because it has been seen to cause an incident"); only evidence
 * settles those.
 */
waivable: boolean, 
/**
 * The cutover stage whose "go" needs this item (seed 000's staged go-live); most are needed from the first,
 * limited-traffic stage, and "Review first-day reconciliation" only once traffic has run a day.
 */
stage: Stage, };

export type Section = { key: string, title: string, items: Array<TemplateItem>, };

export type Template = { id: string, version: number, name: string, source: string, description: string, 
/**
 * Where this template's partners escalate (seed 003's support path for 0Bit, `hola@conomyhq.com` for
 * Conomy): a published address or https URL, quoted as it is in escalations.
 */
support: string | null, origin: TemplateOrigin, sha256: string, sections: Array<Section>, };

export type TemplateSummary = { id: string, version: number, name: string, description: string, origin: TemplateOrigin, sections: number, items: number, };

export type ProductSurface = "0gate" | "0pools" | "0base" | "0link" | "conomy" | "custom";

export type Targets = { api_base_url: string | null, webhook_url: string | null, };

export type RoleOwner = { role: Role, owner: string, };

export type NewLaunch = { name: string, partner_id: string, product_surface: ProductSurface, 
/**
 * Where the launch is going; almost always live.
 */
environment: Environment, templates: Array<string>, sandbox: Targets, live: Targets, owners: Array<RoleOwner>, private_terms: Array<string>, };

export type Progress = { total: number, done: number, waived: number, open: number, blocked: number, failed: number, 
/**
 * Blocking items that are neither done nor waived.
 */
blocking_remaining: number, 
/**
 * Done or waived, as a whole percentage of all items.
 */
percent: number, };

export type LaunchSummary = { id: string, name: string, partner_id: string, product_surface: ProductSurface, environment: Environment, created_at: string, created_by: string, templates: Array<string>, progress: Progress, };

export type LaunchTemplateRef = { id: string, version: number, sha256: string, };

export type RoleProgress = { role: Role, owner: string | null, progress: Progress, };

export type ItemView = { id: number, launch_id: string, template_id: string, section_key: string, section_title: string, key: string, title: string, guidance: string, role: Role, blocking: boolean, environment: Environment, accepts: Array<EvidenceSpec>, status: ItemStatus, status_reason: string | null, status_by: string | null, status_at: string | null, 
/**
 * Evidence in force from the item's own environment: what lets it be marked done.
 */
accepted_evidence: number, };

export type LaunchOverview = { summary: LaunchSummary, sandbox: Targets, live: Targets, owners: Array<RoleOwner>, private_terms: Array<string>, templates: Array<LaunchTemplateRef>, roles: Array<RoleProgress>, 
/**
 * Blocking items that are neither done nor waived, in checklist order.
 */
blockers: Array<ItemView>, };

export type SetItemStatus = { item_id: number, status: ItemStatus, reason: string | null, };

export type NewEvidence = { item_id: number, kind: EvidenceKind, identifier_type: IdentifierType | null, 
/**
 * The statement, identifier, URL or team handle.
 */
value: string, note: string | null, 
/**
 * Defaults to the environment the item's evidence must come from.
 */
environment: Environment | null, supersedes: string | null, };

export type AttachFile = { item_id: number, path: string, note: string | null, environment: Environment | null, supersedes: string | null, };

export type FileInfo = { name: string, sha256: string, size: number, media_type: string, };

export type EvidenceRecord = { id: string, launch_id: string, item_id: number, environment: Environment, kind: EvidenceKind, identifier_type: IdentifierType | null, value: string, file: FileInfo | null, note: string | null, supersedes: string | null, superseded_by: string | null, actor: string, recorded_at: string, };

export type AuditEvent = { seq: number, at: string, actor: string, environment: Environment, launch_id: string | null, action: string, subject: string, details: unknown, prev_hash: string, hash: string, };

export type BrokenLink = { seq: number, reason: string, };

export type RowProblem = { table: string, 
/**
 * The row's id (its `id` column where it has one), or its rowid.
 */
row: string, 
/**
 * The event that committed to the row, when one did.
 */
seq: number | null, problem: string, };

export type AuditVerification = { events: number, head_hash: string, first_broken: BrokenLink | null, 
/**
 * Rows of every table recomputed and compared with what the events committed to.
 */
rows_checked: number, 
/**
 * How many rows no event vouches for (written outside the application, changed or removed since).
 */
row_problem_count: number, 
/**
 * The first of them, each with its table, row and what is wrong.
 */
row_problems: Array<RowProblem>, };

export type KeyRequest = { 
/**
 * An OpenSSH private key file.
 */
file: string | null, 
/**
 * Use a key held by ssh-agent instead (by fingerprint, or its first Ed25519 key).
 */
agent: boolean, fingerprint: string | null, 
/**
 * The key file's passphrase, when it has one.
 */
passphrase: string | null, };

export type CandidateSource = { "kind": "agent", socket: string, } | { "kind": "file", path: string, };

export type Candidate = { source: CandidateSource, 
/**
 * `ssh-ed25519 AAAA… comment`.
 */
public_key: string, 
/**
 * `SHA256:…`.
 */
fingerprint: string, comment: string, 
/**
 * A key file protected by a passphrase (ask for it before [`super::SignerKey::from_file`]); never for agent
 * keys, which the agent has already unlocked.
 */
passphrase_protected: boolean, };

export type NewSigner = { launch_id: string, role: Role, 
/**
 * Who the key belongs to, as signoffs will name them: `zoe.kowalski` or `zoe@finance.example`.
 */
principal: string, 
/**
 * The public key line, `ssh-ed25519 AAAA… comment`, as in a `.pub` file.
 */
public_key: string, };

export type SignerView = { id: number, role: Role, principal: string, public_key: string, fingerprint: string, added_by: string, added_at: string, };

export type AuditHead = { seq: number, hash: string, };

export type SignoffStatement = { type: string, launch_id: string, role: Role, decision: SignoffDecision, statement: string, reason: string | null, 
/**
 * The digest of the role's scope (items, statuses, evidence in force) the signer reviewed.
 */
scope_digest: string, audit_head: AuditHead, 
/**
 * The principal the launch lists for the key: the signer's name, never typed.
 */
signer: string, key_fingerprint: string, signed_at: string, };

export type Slip = { type: string, statement: SignoffStatement, public_key: string, signature: string, };

export type SignoffDecision = "approve" | "reject";

export type NewSignoff = { launch_id: string, role: Role, statement: string, decision: SignoffDecision, 
/**
 * Required when rejecting.
 */
reason: string | null, };

export type SignoffView = { id: string, role: Role, signer: string, statement: string, decision: SignoffDecision, reason: string | null, signed_at: string, scope_digest: string, supersedes: string | null, 
/**
 * The signing key's fingerprint (`SHA256:…`); `None` for a signoff recorded before signing keys.
 */
fingerprint: string | null, 
/**
 * `app` (signed in this workspace) or `slip` (signed elsewhere and imported).
 */
source: string | null, };

export type SignoffState = "missing" | "approved" | "rejected" | "stale" | "unverified";

export type RoleSignoff = { role: Role, owner: string | null, state: SignoffState, signoff: SignoffView | null, 
/**
 * Why an unverified signoff does not count.
 */
problem: string | null, 
/**
 * What changed in the role's scope since a stale signoff was signed, in words.
 */
changes: Array<string>, };

export type Gate = { signoffs: Array<RoleSignoff>, verdict: Verdict, };

export type Rule = { 
/**
 * Stable id: blocking_items, signoffs, live_probes, sensitive_steps, rollback_owner.
 */
id: string, passed: boolean, summary: string, 
/**
 * One line per thing that fails the rule (item titles, roles …); empty when it passes.
 */
details: Array<string>, };

export type Verdict = { go: boolean, 
/**
 * The cutover stage this go / no-go is about (seed 000: limited traffic, first-day review, meaningful volume).
 */
stage: Stage, evaluated_at: string, rules: Array<Rule>, };

export type Decision = "go" | "no_go";

export type NewDecision = { launch_id: string, decision: Decision, note: string | null, 
/**
 * The cutover stage decided; the launch's next stage when not given. A stage cannot be skipped.
 */
stage?: Stage, 
/**
 * For a "go" to meaningful volume: the limits it raises to, in words ("EUR 50,000 per day").
 */
limits?: string, 
/**
 * For a "go" to meaningful volume: the review behind the increase (a link or a ticket id).
 */
review?: string, };

export type DecisionRecord = { id: string, decision: Decision, 
/**
 * The cutover stage this decision is about.
 */
stage: Stage, note: string | null, 
/**
 * The limits a meaningful-volume "go" raised to, and the review behind them.
 */
limits: string | null, review: string | null, verdict: Verdict, decided_by: string, decided_at: string, };

export type Cutover = { 
/**
 * The furthest stage with a recorded "go"; none before the first.
 */
reached: Stage | null, 
/**
 * The stage decided next.
 */
next: Stage, 
/**
 * Every recorded decision, oldest first.
 */
decisions: Array<DecisionRecord>, };

export type PacketCutover = { 
/**
 * The furthest stage with a recorded "go"; `null` before the first.
 */
reached: Stage | null, 
/**
 * The stage the verdict above judges.
 */
next: Stage, decisions: Array<PacketStageDecision>, };

export type PacketStageDecision = { stage: Stage, decision: Decision, decided_by: string, decided_at: string, limits: string | null, review: string | null, note: string | null, };

export type PacketTemplate = { id: string, version: number, sha256: string, };

export type PacketLaunch = { id: string, name: string, partner_id: string, product_surface: string, environment: Environment, created_at: string, templates: Array<PacketTemplate>, sandbox: Targets, live: Targets, owners: { [key in string]?: string }, progress: Progress, };

export type PacketSignoff = { role: Role, state: SignoffState, stale: boolean, signer: string | null, statement: string | null, decision: string | null, reason: string | null, signed_at: string | null, scope_digest: string | null, 
/**
 * The signing key's fingerprint (`SHA256:…`), for a signed signoff.
 */
key_fingerprint: string | null, 
/**
 * Why a recorded signoff does not count, or what changed since a stale one was signed.
 */
note: string | null, };

export type PacketKey = { fingerprint: string, public_key: string, };

export type PacketSigner = { role: Role, principal: string, fingerprint: string, };

export type PacketFile = { name: string, size: number, sha256: string, media_type: string, };

export type PacketEvidence = { id: string, kind: string, environment: Environment, summary: string, identifier_type: string | null, file: PacketFile | null, note: string | null, recorded_at: string, recorded_by: string, superseded_by: string | null, };

export type PacketItem = { template: string, section: string, key: string, title: string, blocking: boolean, environment: Environment, status: ItemStatus, status_reason: string | null, status_by: string | null, status_at: string | null, evidence: Array<PacketEvidence>, };

export type PacketRole = { role: Role, 
/**
 * The digest of this role's scope as exported: what a signoff slip signed from this packet covers.
 */
scope_digest: string, owner: string | null, progress: Progress, items: Array<PacketItem>, };

export type PacketIdentifier = { identifier_type: string, value: string, environment: Environment, item: string, recorded_at: string, };

export type PacketProbeResult = { run_id: string, item: string, environment: Environment, passed: boolean, recorded_at: string, summary: string, };

export type PacketProbeStep = { step_id: string, title: string, kind: string, sensitive: boolean, outcome: string, 
/**
 * The first failing check or the error, in plain words.
 */
reason: string | null, request_ids: Array<string>, 
/**
 * Captured ids, as `type:value`.
 */
ids: Array<string>, };

export type PacketProbeRun = { run_id: string, pack_id: string, pack_version: number, environment: Environment, 
/**
 * pass, fail, error or skipped.
 */
outcome: string, started_at: string, duration_ms: number, passed: number, failed: number, errors: number, skipped: number, 
/**
 * Who confirmed sensitive live steps, and the amount cap, when they ran.
 */
confirmation: string | null, steps: Array<PacketProbeStep>, };

export type PacketRuleLine = { title: string, guidance: string, status: ItemStatus, };

export type PacketRollback = { owner: string | null, 
/**
 * The rollback rules from the launch's checklists, with their status.
 */
rules: Array<PacketRuleLine>, 
/**
 * The thresholds recorded with the launch that turn a rollback rule into a check a probe fails beyond.
 */
thresholds: Array<PacketThreshold>, };

export type PacketThreshold = { 
/**
 * What passing it means, in the seed's words.
 */
rule: string, pack: string, variable: string, value: string, 
/**
 * `launch` when the launch recorded its own value, `pack default` otherwise.
 */
source: string, };

export type Severity = { level: string, name: string, use_when: string, first_response_data: Array<string>, };

export type PacketSupport = { path: string, owner: string | null, severity_model: Array<Severity>, runbook: Array<string>, include: Array<string>, never_include: Array<string>, };

export type RedactionReport = { 
/**
 * Placeholders inserted, per class; never the values.
 */
counts: { [key in string]?: number }, total: number, };

export type Integrity = { audit_head_seq: number, audit_head_hash: string, canonicalization: string, algorithm: string, 
/**
 * A digest per top-level section, so `golive verify` can say which part changed.
 */
sections: { [key in string]?: string }, 
/**
 * SHA-256 of the canonical JSON of the whole packet with this field empty.
 */
digest: string, };

export type Packet = { schema: string, schema_version: number, generated_at: string, generated_by: string, launch: PacketLaunch, verdict: Verdict, decision: DecisionRecord | null, 
/**
 * The staged cutover (seed 000): the stage reached and every decision on the way, each limit increase too.
 */
cutover: PacketCutover, signoffs: Array<PacketSignoff>, 
/**
 * The keys allowed to sign for each role: a role owner signing a slip from this packet finds their name here.
 */
signers: Array<PacketSigner>, roles: Array<PacketRole>, identifiers: Array<PacketIdentifier>, probe_results: Array<PacketProbeResult>, 
/**
 * The latest probe run of each pack in each environment, step by step.
 */
probe_runs: Array<PacketProbeRun>, rollback: PacketRollback, support: PacketSupport, 
/**
 * The seeds' own record shapes, filled from recorded evidence: go_live_evidence, go_live_signoff,
 * launch_readiness, records_to_keep.
 */
seed_blocks: Record<string, Record<string, unknown>>, redaction: RedactionReport, 
/**
 * The key that signs this packet's JSON (a detached SSHSIG beside it, `<file>.sig`); `None` when unsigned.
 */
signed_by: PacketKey | null, integrity: Integrity, };

export type ExportedPacket = { packet: Packet, json: string, };

export type SavedFiles = { json_path: string | null, pdf_path: string | null, text_path: string | null, digest: string, 
/**
 * The packet's detached signature (`<json>.sig`), when it was signed.
 */
signature_path: string | null, 
/**
 * The signing key's fingerprint.
 */
signed_by: string | null, };

export type Verification = { intact: boolean, recorded_digest: string, computed_digest: string, 
/**
 * Top-level sections whose content no longer matches their recorded digest.
 */
changed_sections: Array<string>, 
/**
 * Anything else wrong: not JSON, no integrity block, sections added or removed.
 */
problems: Array<string>, };

export type RedactionSummary = { counts: { [key in string]?: number }, total: number, };

export type SeverityLevel = "S1" | "S2" | "S3" | "S4";

export type EscalationRequest = { launch_id: string, severity: SeverityLevel | null, environment: EscalationEnvironment | null, 
/**
 * The incident: which runs, time window or ids the escalation concerns. Without one, no recorded id goes in.
 */
scope?: IncidentScope, 
/**
 * One line: what is wrong.
 */
summary: string, 
/**
 * Facts by name: affected_route, first_seen, affected_count, timestamp_window, retry_behavior,
 * partner_state, code_path, endpoint, sdk_version, error_code, docs_url, reproduction, page_url, question,
 * desired_surface, approval.
 */
facts: { [key in string]?: string }, };

export type EscalationEnvironment = "sandbox" | "live" | "local_development";

export type IncidentScope = { 
/**
 * Probe run ids: the request ids and captured ids of these runs.
 */
runs: Array<string>, 
/**
 * RFC 3339 bounds (inclusive): ids recorded or seen in this window.
 */
from?: string, until?: string, 
/**
 * Recorded ids picked one by one.
 */
ids: Array<string>, };

export type IdCandidate = { id_type: string, value: string, environment: Environment, 
/**
 * When it was recorded, or when the probe run that saw it started.
 */
at: string, 
/**
 * The probe run that saw it, when one did.
 */
run_id?: string, };

export type EscalationField = { name: string, value: string | null, 
/**
 * The key of `EscalationRequest::facts` that supplies this field, when a person supplies it.
 */
fact: string | null, };

export type EscalationPacket = { severity: SeverityLevel, severity_name: string, to: string, subject: string, summary: string, environment: EscalationEnvironment, product_surface: string, partner_id: string, launch: string, 
/**
 * Each field the severity asks for, in the seed's order, with its value or `null` when still missing.
 */
fields: Array<EscalationField>, 
/**
 * Support-safe ids recorded for the launch in this environment, by type.
 */
identifiers: { [key in string]?: Array<string> }, missing: Array<string>, never_include: Array<string>, body: string, };

export type StepSummary = { id: string, title: string, kind: string, environments: Array<Environment>, proves: Array<string>, sensitive: boolean, amount: string | null, depends_on: Array<string>, };

export type PackSummary = { id: string, version: number, name: string, description: string, template: string | null, vars: { [key in string]?: string }, secrets: Array<string>, steps: Array<StepSummary>, };

export type ConfirmSensitive = { amount_cap: string, statement: string, };

export type ProbeRunRequest = { launch_id: string, 
/**
 * Pack variables for this run only, over the launch's settings (`--var NAME=VALUE`); not stored as settings.
 */
vars?: { [key in string]?: string }, environment: Environment, 
/**
 * A built-in pack; the first that serves the launch's templates when neither this nor a file is given.
 */
pack_id: string | null, pack_file: string | null, step_filter: Array<string>, confirm_sensitive: ConfirmSensitive | null, 
/**
 * Extra CA certificates (PEM files) to trust, for a provider behind a private CA: sandbox runs only, unless
 * `trust_ca_in_live` confirms them for a live run (recorded in the audit log with each file's SHA-256).
 */
ca_files: Array<string>, trust_ca_in_live?: boolean, };

export type Outcome = "pass" | "fail" | "error" | "skipped";

export type AssertionResult = { 
/**
 * The check in plain words: "status is 409", "$.trade.id equals pt_test_…".
 */
check: string, outcome: Outcome, expected: string, actual: string, 
/**
 * Why it failed, in plain words; empty when it held.
 */
message: string, };

export type CapturedValue = { name: string, value: string, 
/**
 * The identifier type, when the capture is an id a support engineer would trace.
 */
identifier_type: string | null, };

export type Exchange = { 
/**
 * Which attempt or delivery this was ("attempt 2", "bad_signature").
 */
label: string, method: string, url: string, request_headers: Array<[string, string]>, request_body: string, status: number | null, response_headers: Array<[string, string]>, 
/**
 * The first part of the response body, redacted.
 */
response_body: string, duration_ms: number, 
/**
 * Why there is no response, when there is none.
 */
error: string | null, };

export type StepResult = { step_id: string, title: string, kind: string, sensitive: boolean, outcome: Outcome, 
/**
 * The first failing check or the error, in plain words; for a skip, why it was not sent.
 */
reason: string | null, started_at: string, duration_ms: number, attempts: number, assertions: Array<AssertionResult>, 
/**
 * Advisory checks that did not hold: shown with the step, never failing it or skipping what waits for it.
 */
warnings?: Array<AssertionResult>, captures: Array<CapturedValue>, request_ids: Array<string>, exchanges: Array<Exchange>, 
/**
 * The `section/item` keys this step proves.
 */
proves: Array<string>, };

export type SensitiveConfirmation = { confirmed_by: string, amount_cap: string, statement: string, confirmed_at: string, };

export type AttachedEvidence = { evidence_id: string, item_id: number, item: string, steps: Array<string>, };

export type KeyMode = "test" | "live" | "unknown";

export type SecretSource = "keychain" | "environment" | "session";

export type KeychainBackend = { name: string, survives_restart: boolean, };

export type SecretFingerprint = { name: string, source: SecretSource, mode: KeyMode, 
/**
 * The vendor prefix up to its last underscore in the first 11 characters (`sk_test_`), if any: never the
 * 12 characters that would count as an echo of the value.
 */
prefix: string, last4: string, 
/**
 * The first 12 hex digits of the value's SHA-256.
 */
sha256_prefix: string, };

export type SecretStatus = { name: string, 
/**
 * The environment variable that would supply it.
 */
env_var: string, fingerprint: SecretFingerprint | null, };

export type ProbeRun = { id: string, launch_id: string, environment: Environment, pack_id: string, pack_version: number, pack_sha256: string, outcome: Outcome, started_at: string, duration_ms: number, actor: string, 
/**
 * The step filter the run was started with, if any.
 */
step_filter: Array<string>, secrets: Array<SecretFingerprint>, confirmation: SensitiveConfirmation | null, steps: Array<StepResult>, evidence: Array<AttachedEvidence>, 
/**
 * Why the run proves nothing although no step failed: steps that had to run were not sent (a live run whose
 * sensitive steps were held back). Its outcome is then `skipped`.
 */
incomplete?: string, };

export type ProbeRunSummary = { id: string, environment: Environment, pack_id: string, outcome: Outcome, started_at: string, duration_ms: number, passed: number, failed: number, errors: number, skipped: number, evidence: number, 
/**
 * See [`ProbeRun::incomplete`].
 */
incomplete?: string, };

export type ProbeProgress = { "event": "planned", steps: Array<string>, } | { "event": "started", step_id: string, } | { "event": "finished", step_id: string, outcome: Outcome, reason: string | null, duration_ms: number, };
