import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

const api = await import("./api");

describe("api", () => {
  beforeEach(() => invoke.mockReset().mockResolvedValue([]));

  it("calls each command with its exact name and arguments", async () => {
    await api.listLaunches();
    await api.launchOverview("acme");
    await api.roleItems("acme", "finance");
    await api.itemEvidence(42);
    await api.setItemStatus({ item_id: 42, status: "done", reason: null });
    await api.auditEvents(null, 20);
    await api.verdict("acme");
    expect(invoke.mock.calls).toEqual([
      ["list_launches"],
      ["launch_overview", { id: "acme" }],
      ["role_items", { launchId: "acme", role: "finance" }],
      ["item_evidence", { itemId: 42 }],
      ["set_item_status", { change: { item_id: 42, status: "done", reason: null } }],
      ["audit_events", { launchId: null, limit: 20 }],
      ["verdict", { launchId: "acme" }],
    ]);
  });

  it("shows the core's own message for a failed command", () => {
    expect(api.errorMessage({ code: "https_required", message: "live api_base_url must use HTTPS" })).toBe(
      "live api_base_url must use HTTPS",
    );
    expect(api.errorMessage("plain")).toBe("plain");
    expect(api.errorMessage(new Error("boom"))).toBe("boom");
    expect(api.errorMessage(42)).toBe("Something went wrong");
  });
});
