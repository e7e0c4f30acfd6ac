import { beforeEach, describe, expect, it } from "vitest";
import type { Candidate, RoleSignoff, SignerView } from "./bindings";
import {
  allowedRoles,
  cleanPublicKey,
  errorField,
  forgetSessionKeys,
  homeOf,
  keyId,
  keyFieldMessage,
  keyLabel,
  keyRequest,
  mergeKeys,
  needsPassphrase,
  preferredKey,
  principalFor,
  rememberKey,
  rememberedKey,
  resultSentence,
  sessionKeys,
  shortFingerprint,
  signerErrorAt,
  signersByRole,
  signingErrorAt,
  staleWarning,
  tildePath,
} from "./signing";

const FP_AGENT = "SHA256:agentAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const FP_FILE = "SHA256:fileBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
const FP_OTHER = "SHA256:otherCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

const agentKey: Candidate = {
  source: { kind: "agent", socket: "/run/user/1000/ssh-agent.sock" },
  public_key: "ssh-ed25519 AAAAagent zoe@laptop",
  fingerprint: FP_AGENT,
  comment: "zoe@laptop",
  passphrase_protected: false,
};
const fileKey: Candidate = {
  source: { kind: "file", path: "/home/chidi/.config/go-livesignoff/signing/id_ed25519" },
  public_key: "ssh-ed25519 AAAAfile Chidi Okafor",
  fingerprint: FP_FILE,
  comment: "Chidi Okafor",
  passphrase_protected: true,
};
const otherKey: Candidate = {
  source: { kind: "file", path: "/tmp/other" },
  public_key: "ssh-ed25519 AAAAother",
  fingerprint: FP_OTHER,
  comment: "",
  passphrase_protected: false,
};

function signer(role: SignerView["role"], principal: string, fingerprint: string): SignerView {
  return { id: 1, role, principal, public_key: "ssh-ed25519 AAAA", fingerprint, added_by: "launch_mgr", added_at: "2026-11-23T09:00:00Z" };
}
const signers = [signer("finance", "Chidi Okafor", FP_FILE), signer("engineering", "Zoë Kowalski", FP_AGENT)];

function roleSignoff(over: Partial<RoleSignoff> = {}): RoleSignoff {
  return {
    role: "finance",
    owner: null,
    state: "approved",
    signoff: {
      id: "so_1",
      role: "finance",
      signer: "Chidi Okafor",
      statement: "Ledger reviewed",
      decision: "approve",
      reason: null,
      signed_at: "2026-11-23T09:00:00Z",
      scope_digest: "abc",
      supersedes: null,
      fingerprint: FP_FILE,
      source: "app",
    },
    problem: null,
    changes: [],
    ...over,
  };
}

describe("keys as listed", () => {
  beforeEach(() => forgetSessionKeys());

  it("names each key by comment, short fingerprint and where it lives", () => {
    expect(keyId(agentKey)).toBe(`agent:${FP_AGENT}`);
    expect(keyId(fileKey)).toBe("file:/home/chidi/.config/go-livesignoff/signing/id_ed25519");
    expect(shortFingerprint(FP_AGENT)).toBe("SHA256:agentAAA…AAAA");
    expect(shortFingerprint("SHA256:short")).toBe("SHA256:short");
    expect(keyLabel(agentKey)).toBe("zoe@laptop · SHA256:agentAAA…AAAA · ssh-agent");
    expect(keyLabel(fileKey, "/home/chidi")).toBe(
      "Chidi Okafor · SHA256:fileBBBB…BBBB · ~/.config/go-livesignoff/signing/id_ed25519 · passphrase",
    );
    expect(keyLabel(otherKey)).toBe("(no comment) · SHA256:otherCCC…CCCC · /tmp/other");
  });

  it("shortens paths under the home folder only", () => {
    expect(homeOf("/home/chidi/.config/go-livesignoff/signing/id_ed25519")).toBe("/home/chidi");
    expect(homeOf(null)).toBeNull();
    expect(homeOf("/etc/golive/id")).toBeNull();
    expect(tildePath("/home/chidi/.ssh/id_ed25519", "/home/chidi")).toBe("~/.ssh/id_ed25519");
    expect(tildePath("/home/chidine/x", "/home/chidi")).toBe("/home/chidine/x");
    expect(tildePath("/tmp/x", null)).toBe("/tmp/x");
  });

  it("asks for a passphrase only for a protected key file, and sends it only then", () => {
    expect(needsPassphrase(fileKey)).toBe(true);
    expect(needsPassphrase(agentKey)).toBe(false);
    expect(needsPassphrase(otherKey)).toBe(false);
    expect(needsPassphrase(null)).toBe(false);
    expect(keyRequest(agentKey, "ignored")).toEqual({ file: null, agent: true, fingerprint: FP_AGENT, passphrase: null });
    expect(keyRequest(fileKey, "pw")).toEqual({ file: fileKey.source.kind === "file" ? fileKey.source.path : "", agent: false, fingerprint: null, passphrase: "pw" });
    expect(keyRequest(fileKey, "").passphrase).toBeNull();
    expect(keyRequest(otherKey, "pw").passphrase).toBeNull();
  });

  it("keeps keys picked this session beside the ones found, without doubles", () => {
    expect(mergeKeys([agentKey], [fileKey, agentKey])).toEqual([agentKey, fileKey]);
    rememberKey(otherKey);
    rememberKey(agentKey);
    expect(sessionKeys()).toEqual([otherKey]);
    expect(rememberedKey()).toBe(agentKey);
    rememberKey(null);
    expect(rememberedKey()).toBe(agentKey);
  });

  it("preselects the remembered key, else one allowed for the role, else the first", () => {
    const offered = [otherKey, agentKey, fileKey];
    expect(preferredKey(offered, fileKey, signers, "engineering")).toBe(fileKey);
    expect(preferredKey(offered, null, signers, "engineering")).toBe(agentKey);
    expect(preferredKey(offered, null, signers, "finance")).toBe(fileKey);
    expect(preferredKey(offered, null, signers, "support")).toBe(otherKey);
    expect(preferredKey([agentKey], fileKey)).toBe(agentKey);
    expect(preferredKey([], fileKey)).toBeNull();
  });
});

describe("who may sign", () => {
  it("finds the name a signoff will carry, per role", () => {
    expect(principalFor(signers, "finance", FP_FILE)).toBe("Chidi Okafor");
    expect(principalFor(signers, "engineering", FP_FILE)).toBeNull();
    expect(allowedRoles(signers, FP_AGENT)).toEqual([{ role: "engineering", principal: "Zoë Kowalski" }]);
    expect(signersByRole(signers, ["product", "finance"])).toEqual([
      { role: "product", signers: [] },
      { role: "finance", signers: [signers[0]] },
    ]);
  });

  it("takes a pasted public key's first line", () => {
    expect(cleanPublicKey("  ssh-ed25519 AAAA me@host\n")).toBe("ssh-ed25519 AAAA me@host");
    expect(cleanPublicKey("ssh-ed25519 AAAA a\r\nssh-ed25519 BBBB b")).toBe("ssh-ed25519 AAAA a");
    expect(cleanPublicKey("")).toBe("");
  });
});

describe("errors at their field", () => {
  it("puts each signing error where it belongs", () => {
    const at = (field: string | undefined) => signingErrorAt({ code: "x", message: "m", field });
    expect(at("passphrase")).toBe("passphrase");
    expect(at("signing_key")).toBe("key");
    expect(at("ssh_agent")).toBe("key");
    expect(at("key")).toBe("key");
    expect(at("statement")).toBe("statement");
    expect(at("reason")).toBe("reason");
    expect(at("launch_id")).toBe("form");
    expect(at(undefined)).toBe("form");
    expect(signingErrorAt("boom")).toBe("form");
    expect(errorField({ code: "x", message: "m", field: "" })).toBeNull();
    expect(errorField(null)).toBeNull();
  });

  it("puts each add-a-signer error where it belongs", () => {
    expect(signerErrorAt({ code: "invalid_principal", message: "m", field: "principal" })).toBe("principal");
    expect(signerErrorAt({ code: "invalid_allowed_signer", message: "m", field: "allowed_signers" })).toBe("public_key");
    expect(signerErrorAt({ code: "signer_exists", message: "m", field: "public_key" })).toBe("public_key");
    expect(signerErrorAt({ code: "not_found", message: "m" })).toBe("form");
  });
});

describe("signoff state in words", () => {
  it("says what an import or a signing left the role at", () => {
    expect(resultSentence(roleSignoff())).toBe("Finance: approved by Chidi Okafor.");
    expect(resultSentence(roleSignoff({ state: "stale", changes: ["evidence added"] }))).toContain("STALE");
    expect(resultSentence(roleSignoff({ state: "unverified", problem: "the key was removed" }))).toBe(
      "Finance: recorded by Chidi Okafor, but it does not count: the key was removed.",
    );
    expect(resultSentence(roleSignoff({ state: "missing", signoff: null }))).toBe("Finance: not signed.");
  });

  it("warns before a change only while the role's signoff is approved", () => {
    expect(staleWarning(roleSignoff(), "Recording this evidence")).toBe(
      "Recording this evidence makes finance's signoff by Chidi Okafor stale: it will have to be signed again.",
    );
    expect(staleWarning(roleSignoff({ state: "stale" }), "x")).toBeNull();
    expect(staleWarning(roleSignoff({ state: "rejected" }), "x")).toBeNull();
    expect(staleWarning(roleSignoff({ state: "missing", signoff: null }), "x")).toBeNull();
    expect(staleWarning(undefined, "x")).toBeNull();
  });
});

describe("signoff summary", () => {
  it("counts approved and flags the rest", async () => {
    const { signoffSummary } = await import("./signing");
    const s = (state: RoleSignoff["state"]): RoleSignoff => ({
      role: "finance",
      owner: null,
      state,
      signoff: null,
      problem: null,
      changes: [],
    });
    expect(signoffSummary([s("approved"), s("missing"), s("stale"), s("approved")])).toBe("2/4 approved · 1 stale");
    expect(signoffSummary([s("rejected"), s("unverified")])).toBe("0/2 approved · 1 rejected · 1 unverified");
  });
});

describe("key field messages", () => {
  it("asks for a refused passphrase again, and says a key's problem in words", () => {
    const p = keyFieldMessage("passphrase", "passphrase: the passphrase does not unlock this key");
    expect(p).toContain("type it again");
    expect(p).not.toMatch(/^passphrase:/);
    expect(keyFieldMessage("key", "signing_key: this key may not sign for finance")).not.toContain("type it again");
  });
});
