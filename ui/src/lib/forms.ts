// Turning form values into the core's input types, and deriving form options from what the core says an item
// accepts. Presentation only: every rule is enforced (and explained) by the core.
import type {
  AttachFile,
  Environment,
  EvidenceKind,
  EvidenceRecord,
  IdentifierType,
  ItemView,
  NewEvidence,
  NewLaunch,
  ProductSurface,
  Role,
} from "./bindings";

export const ROLES: Role[] = ["product", "engineering", "support", "finance"];
export const SURFACES: ProductSurface[] = ["0gate", "0pools", "0base", "0link", "conomy", "custom"];
export const IDENTIFIER_TYPES: IdentifierType[] = [
  "request_id",
  "quote_id",
  "trade_id",
  "event_id",
  "ledger_id",
  "session_id",
  "smoke_test_id",
  "trace_id",
  "partner_id",
  "invoice_id",
  "withdrawal_id",
  "order_id",
  "pool_id",
];

// ---------------------------------------------------------------------------------------------------------------
// New launch

export type LaunchForm = {
  name: string;
  partnerId: string;
  surface: ProductSurface;
  environment: Environment;
  templates: string[];
  sandboxApi: string;
  sandboxWebhook: string;
  liveApi: string;
  liveWebhook: string;
  owners: Record<Role, string>;
  privateTerms: string;
};

export function emptyLaunchForm(): LaunchForm {
  return {
    name: "",
    partnerId: "",
    surface: "0pools",
    environment: "live",
    templates: [],
    sandboxApi: "",
    sandboxWebhook: "",
    liveApi: "",
    liveWebhook: "",
    owners: { product: "", engineering: "", support: "", finance: "" },
    privateTerms: "",
  };
}

const orNull = (s: string): string | null => (s.trim() === "" ? null : s.trim());

/** One entry per non-empty line, trimmed (Windows line endings too). */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

export function buildNewLaunch(f: LaunchForm): NewLaunch {
  return {
    name: f.name.trim(),
    partner_id: f.partnerId.trim(),
    product_surface: f.surface,
    environment: f.environment,
    templates: [...f.templates],
    sandbox: { api_base_url: orNull(f.sandboxApi), webhook_url: orNull(f.sandboxWebhook) },
    live: { api_base_url: orNull(f.liveApi), webhook_url: orNull(f.liveWebhook) },
    owners: ROLES.filter((r) => f.owners[r].trim() !== "").map((role) => ({ role, owner: f.owners[role].trim() })),
    private_terms: lines(f.privateTerms),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Evidence

/** The evidence kinds a person can type in for this item (files have their own button; probes attach themselves). */
export function typedKinds(item: ItemView): EvidenceKind[] {
  const kinds: EvidenceKind[] = [];
  for (const spec of item.accepts) {
    if (spec.kind === "file" || spec.kind === "probe_run") continue;
    if (!kinds.includes(spec.kind)) kinds.push(spec.kind);
  }
  return kinds;
}

export function acceptsFile(item: ItemView): boolean {
  return item.accepts.some((s) => s.kind === "file");
}

export function acceptsProbeRun(item: ItemView): boolean {
  return item.accepts.some((s) => s.kind === "probe_run");
}

/** Identifier types for the item: the ones it names, or every type when it accepts any identifier. */
export function identifierTypes(item: ItemView): IdentifierType[] {
  const specs = item.accepts.filter((s) => s.kind === "identifier");
  if (specs.length === 0) return [];
  if (specs.some((s) => s.identifier_type === null)) return [...IDENTIFIER_TYPES];
  const named: IdentifierType[] = [];
  for (const s of specs) if (s.identifier_type && !named.includes(s.identifier_type)) named.push(s.identifier_type);
  return named;
}

/** What the item accepts, in words: "attestation", "quote_id", "any identifier", "file" … (unique, in order). */
export function acceptsSummary(item: ItemView): string[] {
  const out: string[] = [];
  for (const s of item.accepts) {
    const label = s.kind === "identifier" ? (s.identifier_type ?? "any identifier") : kindLabel(s.kind);
    if (!out.includes(label)) out.push(label);
  }
  return out;
}

export function valueLabel(kind: EvidenceKind): string {
  switch (kind) {
    case "attestation":
      return "Statement";
    case "identifier":
      return "Identifier";
    case "link":
      return "URL";
    case "contact":
      return "Team handle";
    default:
      return "Value";
  }
}

export function valuePlaceholder(kind: EvidenceKind): string {
  switch (kind) {
    case "attestation":
      return "What was checked, by whom, and what was seen";
    case "identifier":
      return "The id exactly as the API returned it";
    case "link":
      return "https://…";
    case "contact":
      return "finance_ops";
    default:
      return "";
  }
}

export function kindLabel(kind: EvidenceKind): string {
  return kind === "probe_run" ? "probe run" : kind;
}

/** What a person is typing for one item; kept per item so moving around the walkthrough never loses it. */
export type EvidenceDraft = {
  kind: EvidenceKind;
  identifierType: IdentifierType;
  value: string;
  note: string;
  /** The evidence record this entry corrects, if any. */
  supersedes: string | null;
  /** The reason for the next status change. */
  reason: string;
};

export function emptyDraft(item: ItemView): EvidenceDraft {
  return {
    kind: typedKinds(item)[0] ?? "attestation",
    identifierType: identifierTypes(item)[0] ?? "request_id",
    value: "",
    note: "",
    supersedes: null,
    reason: "",
  };
}

/** Keeps a draft's choices among the options the item offers (the item may have changed underneath). */
export function fitDraft(item: ItemView, d: EvidenceDraft): void {
  const kinds = typedKinds(item);
  if (kinds.length && !kinds.includes(d.kind)) d.kind = kinds[0];
  const types = identifierTypes(item);
  if (types.length && !types.includes(d.identifierType)) d.identifierType = types[0];
}

/** The draft that corrects `record`: same kind and value to edit, superseding it (both records stay). */
export function correctionDraft(item: ItemView, record: EvidenceRecord, current: EvidenceDraft): EvidenceDraft {
  const d: EvidenceDraft = { ...current, supersedes: record.id, note: record.note ?? "" };
  if (typedKinds(item).includes(record.kind)) {
    d.kind = record.kind;
    d.value = record.value;
    if (record.identifier_type && identifierTypes(item).includes(record.identifier_type)) {
      d.identifierType = record.identifier_type;
    }
  }
  return d;
}

const noteOrNull = (s: string): string | null => (s.trim() === "" ? null : s.trim());

export function buildNewEvidence(item: ItemView, d: EvidenceDraft): NewEvidence {
  return {
    item_id: item.id,
    kind: d.kind,
    identifier_type: d.kind === "identifier" ? d.identifierType : null,
    value: d.value.trim(),
    note: noteOrNull(d.note),
    // The core defaults to the environment the item's evidence must come from.
    environment: null,
    supersedes: d.supersedes,
  };
}

export function buildAttachFile(item: ItemView, path: string, d: EvidenceDraft): AttachFile {
  return { item_id: item.id, path, note: noteOrNull(d.note), environment: null, supersedes: d.supersedes };
}
