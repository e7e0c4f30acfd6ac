import { describe, expect, it } from "vitest";
import {
  byField,
  checkLaunchForm,
  errorPosition,
  fieldOf,
  isSecretRefusal,
  isTeamHandle,
  launchFieldOf,
  plainMessage,
  secretClearedMessage,
  splitFieldMessage,
  urlProblem,
} from "./fielderrors";
import { emptyLaunchForm, type LaunchForm } from "./forms";

function form(over: Partial<LaunchForm> = {}): LaunchForm {
  return { ...emptyLaunchForm(), name: "Acme", partnerId: "partner_123", templates: ["t"], ...over };
}

describe("field names in messages", () => {
  it("splits the core's field prefix from the message", () => {
    expect(splitFieldMessage("api_base_url: live api_base_url must use HTTPS")).toEqual({
      field: "api_base_url",
      text: "live api_base_url must use HTTPS",
    });
    expect(splitFieldMessage("Something went wrong")).toEqual({ field: null, text: "Something went wrong" });
    expect(splitFieldMessage("note: see https://x").field).toBe("note");
  });

  it("prefers the payload's own field", () => {
    expect(fieldOf({ code: "x", message: "value: bad", field: "passphrase" })).toBe("passphrase");
    expect(fieldOf({ code: "x", message: "owner: bad" })).toBe("owner");
    expect(fieldOf("plain")).toBeNull();
    expect(fieldOf(null)).toBeNull();
  });

  it("knows a refused secret", () => {
    expect(isSecretRefusal({ code: "secret_detected", message: "x" })).toBe(true);
    expect(isSecretRefusal({ code: "invalid_input", message: "x" })).toBe(false);
  });
});

describe("plain messages", () => {
  it("drops the field name and the class tag, fixes articles, capitalises", () => {
    expect(
      plainMessage("value: contains what looks like an API key [api-key] at character 54; secrets are never stored"),
    ).toBe("This contains what looks like an API key; secrets are never stored.");
    expect(plainMessage("identifier: looks like a api-key")).toBe("This looks like an API key.");
    expect(plainMessage("name: is required")).toBe("This is required.");
  });

  it("keeps a line and column for multi-line text only", () => {
    const m = "statement: contains what looks like a token [token] at line 2, column 5; remove it";
    expect(plainMessage(m)).toBe("This contains what looks like a token; remove it.");
    expect(plainMessage(m, { multiline: true })).toBe(
      "This contains what looks like a token at line 2, column 5; remove it.",
    );
    expect(plainMessage("owner: holds a zero-width space at line 1, column 54")).toBe("This holds a zero-width space.");
  });

  it("words internal names and never returns nothing", () => {
    expect(plainMessage("api_base_url: live api_base_url must use HTTPS, not http: http://a")).toBe(
      "Live API base URL must use HTTPS, not http: http://a.",
    );
    expect(plainMessage("")).toBe("This value was refused.");
  });

  it("says why a secret was cleared", () => {
    expect(secretClearedMessage("value: contains what looks like an API key [api-key] at character 1")).toBe(
      "This contains what looks like an API key. It was cleared from the field so it is not left on screen.",
    );
  });
});

describe("positions", () => {
  it("reads a character position", () => {
    expect(errorPosition("holds x at character 3; no", "abcdef")).toBe(2);
    expect(errorPosition("holds x at character 30", "abc")).toBeNull();
  });

  it("reads a line and column", () => {
    expect(errorPosition("at line 2, column 2", "ab\ncd")).toBe(4);
    expect(errorPosition("at line 3, column 1", "ab\ncd")).toBeNull();
    expect(errorPosition("no position", "ab")).toBeNull();
  });
});

describe("new-launch errors at their field", () => {
  it("maps the core's names to the inputs", () => {
    const f = form({ liveApi: "http://api.example.com", sandboxApi: "http://127.0.0.1:9000" });
    expect(launchFieldOf({ code: "https_required", message: "api_base_url: live api_base_url must use HTTPS, not http: http://api.example.com" }, f)).toBe("live-api");
    expect(launchFieldOf({ code: "invalid_input", message: "api_base_url: sandbox 'x' is not a URL: relative URL" }, f)).toBe("sandbox-api");
    expect(launchFieldOf({ code: "x", message: "name: is required" }, f)).toBe("launch-name");
    expect(launchFieldOf({ code: "x", message: "partner_id: is required" }, f)).toBe("partner-id");
    expect(launchFieldOf({ code: "x", message: "templates: choose at least one template" }, f)).toBe("launch-templates");
    expect(launchFieldOf({ code: "x", message: "live_webhook_url: is the same URL" }, f)).toBe("live-webhook");
    expect(launchFieldOf({ code: "x", message: "private_terms: 'ab' is too short" }, f)).toBe("private-terms");
    expect(launchFieldOf({ code: "x", message: "database error" }, f)).toBe("new-launch-error");
  });

  it("finds the target by the value it quotes, or the only one filled", () => {
    const f = form({ sandboxWebhook: "https://a.example/h", liveWebhook: "https://b.example/h" });
    expect(launchFieldOf({ message: "webhook_url: carries https://b.example/h" }, f)).toBe("live-webhook");
    expect(launchFieldOf({ message: "webhook_url: carries credentials" }, form({ liveWebhook: "x" }))).toBe("live-webhook");
  });

  it("finds the owner the core refused", () => {
    const f = form({ owners: { product: "product_ops", engineering: "", support: "Zoë K", finance: "" } });
    expect(launchFieldOf({ message: "owner: the 5-character value is not a team handle" }, f)).toBe("owner-support");
  });

  it("checks every field it can at once", () => {
    const problems = checkLaunchForm({
      ...emptyLaunchForm(),
      liveApi: "http://api.example.com",
      sandboxWebhook: "not a url",
      owners: { product: "me@example.com", engineering: "x", support: "", finance: "finance_ops" },
    });
    expect(problems.map((p) => p.id)).toEqual([
      "launch-name",
      "partner-id",
      "launch-templates",
      "sandbox-webhook",
      "live-api",
      "owner-product",
      "owner-engineering",
    ]);
    expect(problems.find((p) => p.id === "live-api")?.message).toContain("HTTPS");
    expect(checkLaunchForm(form())).toEqual([]);
  });

  it("judges URLs and handles like the core", () => {
    expect(urlProblem("", "live")).toBeNull();
    expect(urlProblem("http://127.0.0.1:9000", "sandbox")).toBeNull();
    expect(urlProblem("http://api.example.com", "live")).toContain("HTTPS");
    expect(urlProblem("ftp://x.example", "sandbox")).toContain("ftp");
    expect(urlProblem("https://u:p@x.example", "live")).toContain("password");
    expect(isTeamHandle("@partner-ops")).toBe(true);
    expect(isTeamHandle("a")).toBe(false);
    expect(byField([{ id: "a", message: "1" }, { id: "a", message: "2" }])).toEqual({ a: "1" });
  });
});

describe("walkthrough errors at their field", () => {
  it("maps evidence and status errors", async () => {
    const { evidenceFieldOf } = await import("./fielderrors");
    expect(evidenceFieldOf({ message: "note: contains what looks like a token" })).toBe("evidence-note");
    expect(evidenceFieldOf({ message: "reason: a reason is required to waive" })).toBe("status-reason");
    expect(evidenceFieldOf({ message: "statement: is required" })).toBe("evidence-value");
    expect(evidenceFieldOf({ message: "link: 'x' is not a URL" })).toBe("evidence-value");
    expect(evidenceFieldOf({ message: "status: evidence is required first" })).toBeNull();
    expect(evidenceFieldOf({ message: "database error" })).toBeNull();
  });
});

describe("secrets in multi-line fields", () => {
  it("takes out only the lines that look like a secret", async () => {
    const { dropSecretLines } = await import("./fielderrors");
    expect(dropSecretLines("LiquidityProviderX\nsk_live_abc123\nRouteY")).toEqual({
      text: "LiquidityProviderX\nRouteY",
      removed: 1,
      all: false,
    });
    expect(dropSecretLines("a\n" + "x".repeat(40))).toEqual({ text: "a", removed: 1, all: false });
    expect(dropSecretLines("harmless\nwords")).toEqual({ text: "", removed: 2, all: true });
  });
});
