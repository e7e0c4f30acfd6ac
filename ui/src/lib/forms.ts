// Turning form values into the core's input types, and deriving form options from what the core says an item
// accepts. Presentation only: every rule is enforced (and explained) by the core.
import type {
  Environment,
  EvidenceKind,
  IdentifierType,
  ItemView,
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
    private_terms: f.privateTerms
      .split("\n")
      .map((t) => t.trim())
      .filter((t) => t !== ""),
  };
}

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

/** Identifier types for the item: the ones it names, or every type when it accepts any identifier. */
export function identifierTypes(item: ItemView): IdentifierType[] {
  const specs = item.accepts.filter((s) => s.kind === "identifier");
  if (specs.some((s) => s.identifier_type === null)) return [...IDENTIFIER_TYPES];
  return specs.map((s) => s.identifier_type).filter((t): t is IdentifierType => t !== null);
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

export function kindLabel(kind: EvidenceKind): string {
  return kind === "probe_run" ? "probe run" : kind;
}
