import { describe, expect, it } from "vitest";
import type {
  AssertionResult,
  PackSummary,
  ProbeRun,
  ProbeRunSummary,
  SecretFingerprint,
  StepResult,
  StepSummary,
} from "./bindings";
import {
  aboveCap,
  ago,
  applyProgress,
  assertionText,
  warningText,
  addFiles,
  alsoRuns,
  buildRunRequest,
  countSteps,
  countsText,
  duration,
  emptyRunForm,
  fileName,
  pickedPaths,
  removeFile,
  sourceKey,
  stepFilter,
  toggleStep,
  evidenceText,
  exchangeLine,
  explain,
  failingAssertion,
  isFresh,
  latestPerEnvironment,
  liveProgress,
  maskedSecret,
  modeMismatch,
  parseAmount,
  requestIds,
  resolveVars,
  stepAmount,
  stepsFor,
  summaryCounts,
  targetsFor,
  type LiveStep,
  type RunForm,
} from "./probes";

function summary(over: Partial<StepSummary> = {}): StepSummary {
  return {
    id: "discovery",
    title: "Discovery",
    kind: "http",
    environments: ["sandbox", "live"],
    proves: [],
    sensitive: false,
    amount: null,
    depends_on: [],
    ...over,
  };
}

const pack: PackSummary = {
  id: "0pools-smoke",
  version: 1,
  name: "0Pools smoke probes",
  description: "",
  template: "0pools-sandbox-to-production",
  vars: { live_order_amount: "10.00" },
  secrets: ["api_key", "webhook_secret"],
  steps: [
    summary({ id: "key-mode", kind: "key_mode" }),
    summary({ id: "tls-api", kind: "tls", environments: ["live"] }),
    summary({ id: "transact", environments: ["sandbox"] }),
    summary({ id: "transact-retry", environments: ["sandbox"], depends_on: ["transact"] }),
    summary({ id: "live-order", environments: ["live"], sensitive: true, amount: "{{var.live_order_amount}}" }),
  ],
};

function check(over: Partial<AssertionResult> = {}): AssertionResult {
  return { check: "status is 200", outcome: "pass", expected: "200", actual: "200", message: "", ...over };
}

function result(over: Partial<StepResult> = {}): StepResult {
  return {
    step_id: "discovery",
    title: "Discovery",
    kind: "http",
    sensitive: false,
    outcome: "pass",
    reason: null,
    started_at: "2026-11-23T09:00:01.000Z",
    duration_ms: 42,
    attempts: 1,
    assertions: [check()],
    captures: [],
    request_ids: ["req_1"],
    exchanges: [],
    proves: [],
    ...over,
  };
}

describe("the plan", () => {
  it("lists the steps of one environment, in the pack's order", () => {
    expect(stepsFor(pack, "sandbox").map((s) => s.id)).toEqual(["key-mode", "transact", "transact-retry"]);
    expect(stepsFor(pack, "live").map((s) => s.id)).toEqual(["key-mode", "tls-api", "live-order"]);
    expect(stepsFor(null, "live")).toEqual([]);
  });

  it("picks the environment's targets, with nothing when the launch is not loaded", () => {
    const overview = {
      sandbox: { api_base_url: "http://127.0.0.1:9000", webhook_url: null },
      live: { api_base_url: "https://api.example.com", webhook_url: "https://hooks.example.com" },
    } as Parameters<typeof targetsFor>[0];
    expect(targetsFor(overview, "sandbox").api_base_url).toBe("http://127.0.0.1:9000");
    expect(targetsFor(overview, "live").webhook_url).toBe("https://hooks.example.com");
    expect(targetsFor(null, "live")).toEqual({ api_base_url: null, webhook_url: null });
  });

  it("fills var placeholders and leaves the rest as written", () => {
    expect(resolveVars("{{var.live_order_amount}}", { live_order_amount: "10.00" })).toBe("10.00");
    expect(resolveVars("{{ var.a }}/{{b}}/{{var.missing}}", { a: "x" })).toBe("x/{{b}}/{{var.missing}}");
    expect(stepAmount(pack.steps[4], { live_order_amount: "2.50" })).toBe("2.50");
    expect(stepAmount(pack.steps[0], {})).toBeNull();
  });
});

describe("amounts", () => {
  it("parses plain decimals exactly, like the core", () => {
    expect(parseAmount("10.00")).toBe(parseAmount("10"));
    expect(parseAmount(" 0.1 ")! + parseAmount("0.2")!).toBe(parseAmount("0.3"));
    expect(parseAmount("10.01")! > parseAmount("10.00")!).toBe(true);
    expect(parseAmount("0.00000001")).toBe(1n);
    for (const bad of ["", "-1", "1e3", "1.", ".5", "1,00", "10.000000001", "abc", "１０"]) {
      expect(parseAmount(bad), bad).toBeNull();
    }
  });

  it("says which sensitive steps a cap would leave out", () => {
    const live = stepsFor(pack, "live");
    expect(aboveCap(live, pack.vars, "5.00").map((x) => [x.step.id, x.amount])).toEqual([["live-order", "10.00"]]);
    expect(aboveCap(live, pack.vars, "10")).toEqual([]);
    expect(aboveCap(live, pack.vars, "not a number")).toEqual([]);
  });
});

describe("building the run request", () => {
  const form = (over: Partial<RunForm> = {}): RunForm => ({ ...emptyRunForm(), packId: "0pools-smoke", ...over });

  it("asks for nothing more in sandbox", () => {
    const built = buildRunRequest("acme", form());
    expect(built).toEqual({
      ok: true,
      request: {
        launch_id: "acme",
        environment: "sandbox",
        pack_id: "0pools-smoke",
        pack_file: null,
        step_filter: [],
        confirm_sensitive: null,
        ca_files: [],
      },
    });
  });

  it("never sends a confirmation outside live, even if the box was ticked there", () => {
    const built = buildRunRequest("acme", form({ confirm: true, amountCap: "", statement: "" }));
    expect(built.ok && built.request.confirm_sensitive).toBeNull();
  });

  it("needs a pack", () => {
    expect(buildRunRequest("acme", form({ packId: null }))).toMatchObject({ ok: false, field: "pack" });
  });

  it("sends a live confirmation with a trimmed cap and statement", () => {
    const built = buildRunRequest(
      "acme",
      form({ environment: "live", confirm: true, amountCap: " 10.00 ", statement: "  Approved by finance_ops  " }),
    );
    expect(built.ok && built.request.confirm_sensitive).toEqual({
      amount_cap: "10.00",
      statement: "Approved by finance_ops",
    });
    const unconfirmed = buildRunRequest("acme", form({ environment: "live", amountCap: "x" }));
    expect(unconfirmed.ok && unconfirmed.request.confirm_sensitive).toBeNull();
  });

  it("refuses a missing, malformed or zero cap and a missing or long statement", () => {
    const live = (amountCap: string, statement = "ok") =>
      buildRunRequest("acme", form({ environment: "live", confirm: true, amountCap, statement }));
    expect(live("")).toMatchObject({ ok: false, field: "amount_cap" });
    expect(live("10,00")).toMatchObject({ ok: false, field: "amount_cap", message: expect.stringContaining("10,00") });
    expect(live("-5")).toMatchObject({ ok: false, field: "amount_cap" });
    expect(live("0.00")).toMatchObject({ ok: false, field: "amount_cap", message: expect.stringContaining("zero") });
    expect(live("10", "   ")).toMatchObject({ ok: false, field: "statement" });
    expect(live("10", "é".repeat(500))).toMatchObject({ ok: true });
    expect(live("10", "é".repeat(501))).toMatchObject({ ok: false, field: "statement" });
  });
});

describe("choosing steps, a pack file and CA certificates", () => {
  const step = (id: string, over: Partial<StepSummary> = {}): StepSummary => ({
    id,
    title: id,
    kind: "http",
    environments: ["sandbox"],
    proves: [],
    sensitive: false,
    amount: null,
    depends_on: ["key-mode"],
    ...over,
  });
  const steps: StepSummary[] = [
    step("key-mode", { kind: "key_mode", depends_on: [] }),
    step("discovery"),
    step("transact"),
    step("transact-retry", { depends_on: ["key-mode", "transact"] }),
    step("status-polling", { depends_on: ["key-mode", "transact-retry"] }),
    step("error-request-id"),
  ];
  const form = (over: Partial<RunForm> = {}): RunForm => ({ ...emptyRunForm(), packId: "0pools-smoke", ...over });

  it("toggles a step once, keeping the others", () => {
    expect(toggleStep([], "discovery", true)).toEqual(["discovery"]);
    expect(toggleStep(["discovery"], "discovery", true)).toEqual(["discovery"]);
    expect(toggleStep(["a", "discovery", "b"], "discovery", false)).toEqual(["a", "b"]);
  });

  it("sends the checked steps in the pack's order, and only those of the run's environment", () => {
    expect(stepFilter(["error-request-id", "discovery", "live-only"], steps)).toEqual(["discovery", "error-request-id"]);
    const built = buildRunRequest("acme", form({ steps: ["error-request-id", "discovery", "live-only"] }), steps);
    expect(built.ok && built.request.step_filter).toEqual(["discovery", "error-request-id"]);
    expect(buildRunRequest("acme", form(), steps)).toMatchObject({ ok: true, request: { step_filter: [] } });
    // Nothing of this environment checked: everything runs, as with none checked.
    const elsewhere = buildRunRequest("acme", form({ steps: ["live-only"] }), steps);
    expect(elsewhere.ok && elsewhere.request.step_filter).toEqual([]);
  });

  it("says which steps run too: the key-mode check and what checked steps wait for, transitively", () => {
    expect(alsoRuns([], steps)).toEqual([]);
    expect(alsoRuns(["discovery", "error-request-id"], steps)).toEqual(["key-mode"]);
    expect(alsoRuns(["status-polling"], steps)).toEqual(["key-mode", "transact", "transact-retry"]);
    expect(alsoRuns(["key-mode"], steps)).toEqual([]);
  });

  it("keys variables and secrets by the pack file when there is one, else by the built-in pack", () => {
    expect(sourceKey("0pools-smoke", null)).toBe("0pools-smoke");
    expect(sourceKey("0pools-smoke", "/home/me/mine.toml")).toBe("file:/home/me/mine.toml");
    expect(sourceKey(null, "/home/me/mine.toml")).toBe("file:/home/me/mine.toml");
    expect(sourceKey(null, null)).toBe("");
  });

  it("sends a pack file, keeping the pack id, with the checked steps of the file", () => {
    // The steps passed are the file's own (the screen lists them from the validated file); a step checked under
    // another pack and absent from the file is not sent.
    const built = buildRunRequest(
      "acme",
      form({ packFile: "/home/me/packs/mine.toml", steps: ["discovery", "not-in-the-file"] }),
      steps,
    );
    expect(built).toEqual({
      ok: true,
      request: {
        launch_id: "acme",
        environment: "sandbox",
        pack_id: "0pools-smoke",
        pack_file: "/home/me/packs/mine.toml",
        step_filter: ["discovery"],
        confirm_sensitive: null,
        ca_files: [],
      },
    });
    // A pack file needs no built-in pack; going back to the built-in pack sends none.
    expect(buildRunRequest("acme", form({ packId: null, packFile: "C:\\packs\\mine.toml" }))).toMatchObject({
      ok: true,
      request: { pack_id: null, pack_file: "C:\\packs\\mine.toml" },
    });
    expect(buildRunRequest("acme", form({ packFile: "  " }))).toMatchObject({ ok: true, request: { pack_file: null } });
    expect(buildRunRequest("acme", form({ packId: null, packFile: null }))).toMatchObject({ ok: false, field: "pack" });
  });

  it("sends the CA certificates, each once, alongside a filter and a live confirmation", () => {
    const built = buildRunRequest(
      "acme",
      form({
        environment: "live",
        confirm: true,
        amountCap: "10",
        statement: "ok",
        caFiles: ["/etc/ca/private.pem", "/etc/ca/private.pem", "/etc/ca/other.crt"],
        steps: ["discovery"],
      }),
      steps.map((s) => ({ ...s, environments: ["live"] })),
    );
    expect(built.ok && built.request).toMatchObject({
      environment: "live",
      ca_files: ["/etc/ca/private.pem", "/etc/ca/other.crt"],
      step_filter: ["discovery"],
      confirm_sensitive: { amount_cap: "10", statement: "ok" },
    });
  });

  it("adds what the dialog picked (one path, several, or nothing when cancelled) and removes one", () => {
    expect(pickedPaths(null)).toEqual([]);
    expect(pickedPaths("/a.pem")).toEqual(["/a.pem"]);
    expect(pickedPaths(["/a.pem", "", "/b.pem"])).toEqual(["/a.pem", "/b.pem"]);
    expect(addFiles([], null)).toEqual([]);
    expect(addFiles(["/a.pem"], ["/b.pem", "/a.pem"])).toEqual(["/a.pem", "/b.pem"]);
    expect(addFiles(["/a.pem"], "/c.pem")).toEqual(["/a.pem", "/c.pem"]);
    expect(removeFile(["/a.pem", "/b.pem"], "/a.pem")).toEqual(["/b.pem"]);
    expect(removeFile(["/a.pem"], "/zzz.pem")).toEqual(["/a.pem"]);
  });

  it("names a file by its last part, for either separator", () => {
    expect(fileName("/home/me/packs/mine.toml")).toBe("mine.toml");
    expect(fileName("C:\\Users\\me\\mine.toml")).toBe("mine.toml");
    expect(fileName("mine.toml")).toBe("mine.toml");
    expect(fileName("/home/me/packs/")).toBe("packs");
  });
});

describe("the live list", () => {
  const planned = applyProgress([], { event: "planned", steps: ["a", "b", "c"] });

  it("lists every planned step as queued", () => {
    expect(planned.map((s) => [s.id, s.state])).toEqual([
      ["a", "queued"],
      ["b", "queued"],
      ["c", "queued"],
    ]);
    expect(liveProgress(planned)).toEqual({ finished: 0, total: 3 });
  });

  it("marks steps running, then finished with outcome, reason and duration", () => {
    let list = applyProgress(planned, { event: "started", step_id: "b" });
    expect(list.find((s) => s.id === "b")?.state).toBe("running");
    list = applyProgress(list, { event: "finished", step_id: "b", outcome: "fail", reason: "expected 200", duration_ms: 12 });
    expect(list.find((s) => s.id === "b")).toEqual({ id: "b", state: "fail", reason: "expected 200", durationMs: 12 });
    expect(list.map((s) => s.id)).toEqual(["a", "b", "c"]);
    expect(liveProgress(list)).toEqual({ finished: 1, total: 3 });
    expect(planned[1].state).toBe("queued");
  });

  it("keeps reports about steps it has not heard of, and starts afresh on a new plan", () => {
    const list: LiveStep[] = applyProgress(planned, { event: "finished", step_id: "z", outcome: "skipped", reason: "not sent", duration_ms: 0 });
    expect(list.at(-1)).toEqual({ id: "z", state: "skipped", reason: "not sent", durationMs: 0 });
    expect(applyProgress(list, { event: "planned", steps: ["x"] })).toEqual([
      { id: "x", state: "queued", reason: null, durationMs: null },
    ]);
  });
});

describe("results in plain words", () => {
  it("has nothing to explain for a pass", () => {
    expect(explain(result())).toBeNull();
    expect(failingAssertion(result())).toBeNull();
  });

  it("explains a fail with the check that missed, expected and actual", () => {
    const step = result({
      step_id: "transact-retry",
      outcome: "fail",
      reason: "expected $.trade.id equals pt_test_1, but it was pt_test_2",
      assertions: [
        check(),
        check({
          check: "$.trade.id equals pt_test_1",
          outcome: "fail",
          expected: "pt_test_1",
          actual: "pt_test_2",
          message: "expected $.trade.id equals pt_test_1, but it was pt_test_2",
        }),
      ],
    });
    expect(failingAssertion(step)?.check).toBe("$.trade.id equals pt_test_1");
    expect(explain(step)).toEqual({
      text: "expected $.trade.id equals pt_test_1, but it was pt_test_2",
      check: "$.trade.id equals pt_test_1",
      expected: "pt_test_1",
      actual: "pt_test_2",
    });
  });

  it("prefers the check that decided the outcome: an error beats an earlier fail", () => {
    const step = result({
      outcome: "error",
      assertions: [
        check({ outcome: "fail", check: "status is 200", message: "expected status is 200, but it was 503" }),
        check({ outcome: "error", check: "$.id", expected: "", actual: "", message: "the body is not JSON" }),
      ],
    });
    expect(explain(step)).toEqual({ text: "the body is not JSON", check: "$.id", expected: null, actual: null });
  });

  it("falls back to the step's reason when no check recorded one", () => {
    expect(explain(result({ outcome: "error", reason: "connection reset", assertions: [] }))?.text).toBe(
      "connection reset",
    );
    expect(explain(result({ outcome: "skipped", reason: "not sent: it waits for transact", assertions: [] }))).toEqual({
      text: "not sent: it waits for transact",
      check: null,
      expected: null,
      actual: null,
    });
    expect(explain(result({ outcome: "fail", reason: null, assertions: [] }))?.text).toBe("a check did not hold");
  });

  it("writes an advisory check that did not hold as a warning, not a failure", () => {
    const w = check({ outcome: "fail", check: "header x-tier exists", message: "expected header x-tier exists present, but it was (nothing)" });
    expect(warningText(w)).toBe("⚠ expected header x-tier exists present, but it was (nothing) (advisory: the step still passes)");
    expect(warningText(check({ outcome: "fail", message: "" }))).toBe("⚠ status is 200 (advisory: the step still passes)");
  });

  it("writes assertions and exchanges as one line each", () => {
    expect(assertionText(check())).toBe("✓ status is 200");
    expect(assertionText(check({ outcome: "fail", message: "expected status is 200, but it was 503" }))).toBe(
      "✗ expected status is 200, but it was 503",
    );
    const x = {
      label: "attempt 1",
      method: "GET",
      url: "http://127.0.0.1:9000/v1/discovery",
      request_headers: [],
      request_body: "",
      status: 200,
      response_headers: [],
      response_body: "{}",
      duration_ms: 3,
      error: null,
    };
    expect(exchangeLine(x)).toBe("GET http://127.0.0.1:9000/v1/discovery → 200");
    expect(exchangeLine({ ...x, status: null, error: "timed out" })).toBe(
      "GET http://127.0.0.1:9000/v1/discovery → no response",
    );
  });

  it("counts outcomes and says them", () => {
    const c = countSteps([result(), result(), result({ outcome: "fail" }), result({ outcome: "skipped" })]);
    expect(c).toEqual({ pass: 2, fail: 1, error: 0, skipped: 1 });
    expect(countsText(c)).toBe("2 passed · 1 failed · 0 errors · 1 skipped");
    expect(countsText({ pass: 0, fail: 0, error: 1, skipped: 0 })).toBe("0 passed · 0 failed · 1 error · 0 skipped");
  });

  it("formats durations", () => {
    expect(duration(0)).toBe("0 ms");
    expect(duration(850)).toBe("850 ms");
    expect(duration(4240)).toBe("4.2 s");
    expect(duration(125_000)).toBe("2 min 05 s");
    expect(duration(-1)).toBe("");
  });

  it("collects request ids once each, in order", () => {
    const run = { steps: [result({ request_ids: ["r1", "r2"] }), result({ request_ids: ["r2", "r3"] })] } as ProbeRun;
    expect(requestIds(run)).toEqual(["r1", "r2", "r3"]);
  });
});

describe("secret fingerprints", () => {
  const fp: SecretFingerprint = {
    name: "api_key",
    source: "session",
    mode: "test",
    prefix: "sk_test_",
    last4: "0042",
    sha256_prefix: "0123456789ab",
  };

  it("shows the prefix and last four only", () => {
    expect(maskedSecret(fp)).toBe("sk_test_…0042");
    expect(maskedSecret({ ...fp, prefix: "" })).toBe("…0042");
  });

  it("flags a key whose mode contradicts the environment", () => {
    expect(modeMismatch(fp, "sandbox")).toBe(false);
    expect(modeMismatch(fp, "live")).toBe(true);
    expect(modeMismatch({ ...fp, mode: "live" }, "sandbox")).toBe(true);
    expect(modeMismatch({ ...fp, mode: "unknown" }, "live")).toBe(false);
  });
});

describe("the overview's latest runs", () => {
  function run(over: Partial<ProbeRunSummary> = {}): ProbeRunSummary {
    return {
      id: "pr_1",
      environment: "sandbox",
      pack_id: "0pools-smoke",
      outcome: "pass",
      started_at: "2026-11-23T09:00:00.000Z",
      duration_ms: 4200,
      passed: 12,
      failed: 0,
      errors: 0,
      skipped: 1,
      evidence: 9,
      ...over,
    };
  }

  it("says there is nothing in either environment when nothing ran", () => {
    expect(latestPerEnvironment([])).toEqual([
      { environment: "sandbox", run: null },
      { environment: "live", run: null },
    ]);
  });

  it("picks the newest run of each environment, sandbox first", () => {
    const runs = [
      run({ id: "pr_s2", started_at: "2026-11-23T10:00:00.000Z", outcome: "fail" }),
      run({ id: "pr_l1", environment: "live", started_at: "2026-11-23T09:30:00.000Z" }),
      run({ id: "pr_s1", started_at: "2026-11-23T09:00:00.000Z" }),
    ];
    expect(latestPerEnvironment(runs).map((l) => [l.environment, l.run?.id])).toEqual([
      ["sandbox", "pr_s2"],
      ["live", "pr_l1"],
    ]);
    expect(latestPerEnvironment(runs.slice(2)).map((l) => l.run?.id ?? null)).toEqual(["pr_s1", null]);
  });

  it("goes by start time, not list order, and keeps the first listed of two that started together", () => {
    const runs = [
      run({ id: "pr_old", started_at: "2026-11-22T23:59:59.000Z" }),
      run({ id: "pr_new", started_at: "2026-11-23T00:00:00.000Z" }),
      run({ id: "pr_same", started_at: "2026-11-23T00:00:00.000Z" }),
      run({ id: "pr_bad", started_at: "not a time" }),
    ];
    expect(latestPerEnvironment(runs)[0].run?.id).toBe("pr_new");
    expect(latestPerEnvironment([runs[3], runs[0]])[0].run?.id).toBe("pr_old");
  });

  it("says a summary's counts and its evidence", () => {
    const r = run({ passed: 10, failed: 1, errors: 1, skipped: 2 });
    expect(summaryCounts(r)).toEqual({ pass: 10, fail: 1, error: 1, skipped: 2 });
    expect(countsText(summaryCounts(r))).toBe("10 passed · 1 failed · 1 error · 2 skipped");
    expect(evidenceText(0)).toBe("No evidence attached");
    expect(evidenceText(1)).toBe("1 evidence record attached");
    expect(evidenceText(9)).toBe("9 evidence records attached");
  });

  it("says how long ago a run started", () => {
    const now = Date.parse("2026-11-23T12:00:00.000Z");
    expect(ago("2026-11-23T11:59:30.000Z", now)).toBe("just now");
    expect(ago("2026-11-23T12:00:05.000Z", now)).toBe("just now");
    expect(ago("2026-11-23T11:55:00.000Z", now)).toBe("5 min ago");
    expect(ago("2026-11-23T09:00:00Z", now)).toBe("3 h ago");
    expect(ago("2026-11-22T12:00:00.000Z", now)).toBe("1 day ago");
    expect(ago("2026-11-20T11:00:00.000Z", now)).toBe("3 days ago");
    expect(ago("yesterday", now)).toBe("");
  });

  it("says whether a run is recent enough for the go rule's 24 hours", () => {
    const now = Date.parse("2026-11-23T12:00:00.000Z");
    expect(isFresh("2026-11-23T11:00:00.000Z", now)).toBe(true);
    expect(isFresh("2026-11-22T12:00:00.000Z", now)).toBe(true);
    expect(isFresh("2026-11-22T11:59:59.000Z", now)).toBe(false);
    expect(isFresh("not a time", now)).toBe(false);
  });
});

describe("secrets a run needs", () => {
  const set = (name: string) => ({ name, fingerprint: { name } });
  const unset = (name: string) => ({ name, fingerprint: null });

  it("names the missing secrets", async () => {
    const { missingSecrets, nameList } = await import("./probes");
    expect(missingSecrets([set("api_key"), unset("webhook_secret")])).toEqual(["webhook_secret"]);
    expect(missingSecrets(null)).toEqual([]);
    expect(nameList(["a"])).toBe("a");
    expect(nameList(["a", "b", "c"])).toBe("a, b and c");
  });

  it("blocks a run only when none of the pack's secrets is set", async () => {
    const { secretsBlocker, secretsWarning } = await import("./probes");
    expect(secretsBlocker([unset("api_key"), unset("webhook_secret")], "live")).toBe(
      "No secret is set for live: set api_key and webhook_secret under Secrets before running.",
    );
    expect(secretsBlocker([set("api_key"), unset("webhook_secret")], "live")).toBeNull();
    expect(secretsBlocker([], "live")).toBeNull();
    expect(secretsBlocker(null, "live")).toBeNull();
    expect(secretsWarning([set("api_key"), unset("webhook_secret")], "sandbox")).toBe(
      "webhook_secret is not set for sandbox: steps that need it will report an error.",
    );
    expect(secretsWarning([unset("a")], "sandbox")).toBeNull();
    expect(secretsWarning([set("a")], "sandbox")).toBeNull();
  });

  it("reports every problem with starting a run at once", async () => {
    const { emptyRunForm, runProblems } = await import("./probes");
    const form = { ...emptyRunForm(), environment: "live" as const, packId: "p", confirm: true };
    expect(runProblems(form, [unset("api_key")]).map((p) => p.field)).toEqual(["amount_cap", "statement", "secrets"]);
    expect(runProblems({ ...form, amountCap: "10,00", statement: "ok" }, [set("api_key")])).toEqual([
      { field: "amount_cap", message: '"10,00" is not an amount: use digits with at most 8 decimals, such as 10.00.' },
    ]);
    expect(runProblems({ ...form, amountCap: "0", statement: "ok" }, null)[0].message).toContain("above zero");
    expect(runProblems({ ...emptyRunForm() }, [])).toEqual([{ field: "pack", message: "Choose a probe pack first." }]);
    expect(runProblems({ ...emptyRunForm(), packId: "p" }, [set("a")])).toEqual([]);
  });
});
