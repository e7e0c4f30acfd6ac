import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AttachFile, NewEvidence, NewLaunch } from "./bindings";

const invoke = vi.fn();
const listen = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: (...args: unknown[]) => listen(...args) }));

const api = await import("./api");

const launch: NewLaunch = {
  name: "Acme",
  partner_id: "partner_123",
  product_surface: "0pools",
  environment: "live",
  templates: ["0pools-sandbox-to-production"],
  sandbox: { api_base_url: null, webhook_url: null },
  live: { api_base_url: "https://api.example.com", webhook_url: null },
  owners: [{ role: "finance", owner: "finance_ops" }],
  private_terms: [],
};
const evidence: NewEvidence = {
  item_id: 42,
  kind: "identifier",
  identifier_type: "quote_id",
  value: "q_1",
  note: null,
  environment: null,
  supersedes: null,
};
const attach: AttachFile = { item_id: 42, path: "/tmp/recon.csv", note: "first day", environment: null, supersedes: null };

describe("api", () => {
  beforeEach(() => {
    invoke.mockReset().mockResolvedValue([]);
    listen.mockReset();
  });

  it("follows a launch's signers: loaded now, again on every database change, until stopped", async () => {
    let changed: (() => void) | null = null;
    const off = vi.fn();
    listen.mockImplementation((_event: string, cb: () => void) => {
      changed = cb;
      return Promise.resolve(off);
    });
    const signers = [{ role: "finance", principal: "Chidi Okafor" }];
    invoke.mockResolvedValue(signers);
    const seen: unknown[] = [];
    const errors: string[] = [];
    const stop = api.followSigners("acme", (s) => seen.push(s), (m) => errors.push(m));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    (changed as unknown as () => void)();
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(invoke.mock.calls).toEqual([
      ["launch_signers", { launchId: "acme" }],
      ["launch_signers", { launchId: "acme" }],
    ]);
    invoke.mockRejectedValueOnce({ code: "not_found", field: "launch", message: "no launch acme" });
    (changed as unknown as () => void)();
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    stop();
    await vi.waitFor(() => expect(off).toHaveBeenCalled());
  });

  it("calls each command with its exact name and arguments", async () => {
    await api.listTemplates();
    await api.listLaunches();
    await api.createLaunch(launch);
    await api.launchOverview("acme");
    await api.roleItems("acme", "finance");
    await api.roleItems("acme", null);
    await api.itemEvidence(42);
    await api.addEvidence(evidence);
    await api.attachFile(attach);
    await api.setItemStatus({ item_id: 42, status: "waived", reason: "not applicable" });
    await api.auditEvents("acme", 20);
    await api.auditEvents(null, 5);
    await api.verifyAudit();
    await api.appInfo();
    expect(invoke.mock.calls).toEqual([
      ["list_templates"],
      ["list_launches"],
      ["create_launch", { launch }],
      ["launch_overview", { id: "acme" }],
      ["role_items", { launchId: "acme", role: "finance" }],
      ["role_items", { launchId: "acme", role: null }],
      ["item_evidence", { itemId: 42 }],
      ["add_evidence", { evidence }],
      ["attach_file", { attach }],
      ["set_item_status", { change: { item_id: 42, status: "waived", reason: "not applicable" } }],
      ["audit_events", { launchId: "acme", limit: 20 }],
      ["audit_events", { launchId: null, limit: 5 }],
      ["verify_audit"],
      ["app_info"],
    ]);
  });

  it("calls the signoff, verdict and export commands with camelCase arguments", async () => {
    await api.launchGate("acme");
    await api.latestDecision("acme");
    await api.previewPacket("acme");
    await api.savePacket("acme", "/tmp/p.json", null, null);
    const key = { file: "/home/me/.ssh/id_ed25519", agent: false, fingerprint: null, passphrase: "pw" };
    await api.savePacket("acme", "/tmp/p.json", "/tmp/p.pdf", key);
    expect(invoke.mock.calls).toEqual([
      ["launch_gate", { launchId: "acme" }],
      ["latest_decision", { launchId: "acme" }],
      ["preview_packet", { launchId: "acme" }],
      ["save_packet", { launchId: "acme", jsonPath: "/tmp/p.json", pdfPath: null, key: null }],
      ["save_packet", { launchId: "acme", jsonPath: "/tmp/p.json", pdfPath: "/tmp/p.pdf", key }],
    ]);
  });

  it("calls the signing commands with camelCase arguments", async () => {
    const key = { file: null, agent: true, fingerprint: "SHA256:abc", passphrase: null };
    const signoff = { launch_id: "acme", role: "finance" as const, statement: "Reviewed", decision: "approve" as const, reason: null };
    const signer = { launch_id: "acme", role: "finance" as const, principal: "Chidi Okafor", public_key: "ssh-ed25519 AAAA" };
    await api.sign(signoff, key);
    await api.importSlip("/home/me/slip.json");
    await api.signingKeys();
    await api.signingKeyFile("/home/me/.ssh/id_ed25519");
    await api.createSigningKey("Chidi Okafor", null);
    await api.createSigningKey("Chidi Okafor", "correct horse");
    await api.launchSigners("acme");
    await api.addSigner(signer);
    await api.removeSigner("acme", "finance", "SHA256:abc");
    expect(invoke.mock.calls).toEqual([
      ["sign", { signoff, key }],
      ["import_slip", { path: "/home/me/slip.json" }],
      ["signing_keys"],
      ["signing_key_file", { path: "/home/me/.ssh/id_ed25519" }],
      ["create_signing_key", { comment: "Chidi Okafor", passphrase: null }],
      ["create_signing_key", { comment: "Chidi Okafor", passphrase: "correct horse" }],
      ["launch_signers", { launchId: "acme" }],
      ["add_signer", { signer }],
      ["remove_signer", { launchId: "acme", role: "finance", fingerprint: "SHA256:abc" }],
    ]);
  });

  it("calls the probe commands with camelCase arguments", async () => {
    const request = {
      launch_id: "acme",
      environment: "sandbox" as const,
      pack_id: "0pools-smoke",
      pack_file: null,
      step_filter: [],
      confirm_sensitive: null,
      ca_files: [],
    };
    await api.probePacks("acme");
    await api.probePackFile("/home/me/mine.toml");
    await api.probeVars("acme", "0pools-smoke");
    await api.setProbeVar("acme", "0pools-smoke", "amount", "5.00");
    await api.probeSecrets("acme", "0pools-smoke", "live");
    await api.setSessionSecret("acme", "sandbox", "api_key", "sk_test_x");
    await api.probeVars("acme", "0pools-smoke", "/home/me/mine.toml");
    await api.setProbeVar("acme", "0pools-smoke", "health_path", "/v2", "/home/me/mine.toml");
    await api.probeSecrets("acme", "0pools-smoke", "sandbox", "/home/me/mine.toml");
    await api.saveKeychainSecret("acme", "live", "partner_token", "tok", "/home/me/mine.toml");
    await api.forgetKeychainSecret("acme", "live", "partner_token", "/home/me/mine.toml");
    await api.runProbes(request);
    await api.probeRuns("acme");
    await api.probeRun("pr_1");
    expect(invoke.mock.calls).toEqual([
      ["probe_packs", { launchId: "acme" }],
      ["probe_pack_file", { path: "/home/me/mine.toml" }],
      ["probe_vars", { launchId: "acme", packId: "0pools-smoke", packFile: null }],
      ["set_probe_var", { launchId: "acme", packId: "0pools-smoke", packFile: null, name: "amount", value: "5.00" }],
      ["probe_secrets", { launchId: "acme", packId: "0pools-smoke", packFile: null, environment: "live" }],
      ["set_session_secret", { launchId: "acme", environment: "sandbox", name: "api_key", value: "sk_test_x" }],
      ["probe_vars", { launchId: "acme", packId: "0pools-smoke", packFile: "/home/me/mine.toml" }],
      [
        "set_probe_var",
        { launchId: "acme", packId: "0pools-smoke", packFile: "/home/me/mine.toml", name: "health_path", value: "/v2" },
      ],
      ["probe_secrets", { launchId: "acme", packId: "0pools-smoke", packFile: "/home/me/mine.toml", environment: "sandbox" }],
      [
        "save_keychain_secret",
        { launchId: "acme", environment: "live", name: "partner_token", value: "tok", packFile: "/home/me/mine.toml" },
      ],
      [
        "forget_keychain_secret",
        { launchId: "acme", environment: "live", name: "partner_token", packFile: "/home/me/mine.toml" },
      ],
      ["run_probes", { request }],
      ["probe_runs", { launchId: "acme" }],
      ["probe_run", { runId: "pr_1" }],
    ]);
  });

  it("passes on probe progress for its own launch only, until stopped", async () => {
    const unlisten = vi.fn();
    let handler: ((e: unknown) => void) | undefined;
    listen.mockImplementation(async (_name: string, h: (e: unknown) => void) => {
      handler = h;
      return unlisten;
    });
    const cb = vi.fn();
    const stop = api.watchProbeProgress("acme", cb);
    await new Promise((r) => setTimeout(r, 0));
    expect(listen).toHaveBeenCalledWith("probe-progress", expect.any(Function));
    const started = { event: "started", step_id: "discovery" };
    handler?.({ event: "probe-progress", id: 1, payload: { launch_id: "acme", progress: started } });
    handler?.({ event: "probe-progress", id: 2, payload: { launch_id: "other", progress: started } });
    expect(cb.mock.calls).toEqual([[started]]);
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("returns what the core answered", async () => {
    invoke.mockResolvedValueOnce({ db_path: "/data/golive.sqlite", actor: "finance_ops" });
    await expect(api.appInfo()).resolves.toEqual({ db_path: "/data/golive.sqlite", actor: "finance_ops" });
    invoke.mockRejectedValueOnce({ code: "not_found", message: "launch nope not found" });
    await expect(api.launchOverview("nope")).rejects.toEqual({ code: "not_found", message: "launch nope not found" });
  });

  it("listens to db-changed and hands back the unlisten function", async () => {
    const unlisten = vi.fn();
    let handler: ((e: unknown) => void) | undefined;
    listen.mockImplementation(async (_name: string, h: (e: unknown) => void) => {
      handler = h;
      return unlisten;
    });
    const cb = vi.fn();
    const off = await api.onDbChanged(cb);
    expect(listen).toHaveBeenCalledWith("db-changed", expect.any(Function));
    handler?.({ event: "db-changed", payload: 7, id: 1 });
    expect(cb).toHaveBeenCalledTimes(1);
    off();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("watchDb unlistens even when stopped before listening began", async () => {
    const unlisten = vi.fn();
    listen.mockResolvedValue(unlisten);
    const stop = api.watchDb(() => {});
    stop();
    await new Promise((r) => setTimeout(r, 0));
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("watchDb tolerates running outside the desktop shell", async () => {
    listen.mockRejectedValue(new Error("window.__TAURI_INTERNALS__ is undefined"));
    const stop = api.watchDb(() => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(() => stop()).not.toThrow();
  });
});

describe("errorMessage", () => {
  it("shows the core's own message for a failed command", () => {
    expect(api.errorMessage({ code: "https_required", message: "live api_base_url must use HTTPS" })).toBe(
      "live api_base_url must use HTTPS",
    );
  });

  it("keeps every line of a multi-line message, such as an invalid pack file's positions", () => {
    const message =
      "/home/me/mine.toml:3:1: unknown field `stepz`\n/home/me/mine.toml:9:7: step \"x\": status must be a number";
    expect(api.errorMessage({ code: "probe_pack_invalid", message })).toBe(message);
  });

  it("handles strings, errors and anything else", () => {
    expect(api.errorMessage("plain")).toBe("plain");
    expect(api.errorMessage(new Error("boom"))).toBe("boom");
    expect(api.errorMessage(42)).toBe("Something went wrong");
    expect(api.errorMessage(null)).toBe("Something went wrong");
    expect(api.errorMessage(undefined)).toBe("Something went wrong");
    expect(api.errorMessage({ code: "x" })).toBe("Something went wrong");
    expect(api.errorMessage({ code: "x", message: "" })).toBe("Something went wrong");
    expect(api.errorMessage("")).toBe("Something went wrong");
  });
});
