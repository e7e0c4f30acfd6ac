import { beforeEach, describe, expect, it, vi } from "vitest";

// The shell, faked: every call is recorded, and `reply` answers it. (A plain function rather than `vi.fn`, whose
// bookkeeping of rejected promises reports them as test failures here.)
let calls: unknown[][] = [];
let reply: (command: string) => Promise<unknown> = async () => null;
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...args: unknown[]) => {
    calls.push(args);
    return reply(args[0] as string);
  },
}));

const { open, save } = await import("./dialogs");

/** The shell answers `answer` to the dialog command (or fails with `failure`) and `true` to the lock check. */
function shellAnswers(answer: unknown, failure?: { code: string; message: string }) {
  reply = async (command) => {
    if (command === "check_workspace_locks") return true;
    if (failure) throw failure;
    return answer;
  };
}

const commands = () => calls.map((c) => c[0]);
const caught = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => e);

describe("dialogs", () => {
  beforeEach(() => {
    calls = [];
  });

  it("opens one file through the shell's child-process dialog, then checks the locks", async () => {
    shellAnswers(["/home/me/recon.csv"]);
    const options = { multiple: false, directory: false, title: "Evidence for: Reconciliation" };
    expect(await open(options)).toBe("/home/me/recon.csv");
    expect(calls).toEqual([["pick_files", { options }], ["check_workspace_locks"]]);
  });

  it("answers a list with multiple: true, and null when cancelled", async () => {
    shellAnswers(["/etc/ca/a.pem", "/etc/ca/b.crt"]);
    const many = await open({ multiple: true, filters: [{ name: "PEM certificate", extensions: ["pem", "crt"] }] });
    expect(many).toEqual(["/etc/ca/a.pem", "/etc/ca/b.crt"]);
    shellAnswers(null);
    expect(await open({ multiple: true })).toBeNull();
    expect(await open({ multiple: false })).toBeNull();
    calls = [];
    expect(await open()).toBeNull();
    expect(calls).toEqual([["pick_files", { options: {} }], ["check_workspace_locks"]]);
  });

  it("saves through pick_save_path with the suggested name and filters", async () => {
    shellAnswers("/home/me/acme-signoff-packet.pdf");
    const options = { defaultPath: "acme-signoff-packet.pdf", filters: [{ name: "PDF", extensions: ["pdf"] }] };
    expect(await save(options)).toBe("/home/me/acme-signoff-packet.pdf");
    expect(calls).toEqual([["pick_save_path", { options }], ["check_workspace_locks"]]);
    shellAnswers(null);
    expect(await save()).toBeNull();
  });

  it("passes a dialog's failure on, having checked the locks all the same", async () => {
    const failure = { code: "file_dialog", message: "the file dialog failed: cannot open display" };
    shellAnswers(null, failure);
    expect(await caught(open({ title: "A probe pack file (TOML)" }))).toBe(failure);
    expect(await caught(save({}))).toBe(failure);
    expect(commands()).toEqual(["pick_files", "check_workspace_locks", "pick_save_path", "check_workspace_locks"]);
  });

  it("does not fail a chosen path because the lock check did", async () => {
    reply = async (command) => {
      if (command === "check_workspace_locks") throw { code: "internal", message: "restart the app" };
      return ["/tmp/x.toml"];
    };
    expect(await open({ multiple: false })).toBe("/tmp/x.toml");
  });
});

describe("every file dialog goes through here", () => {
  // The UI's own sources, as text (tests left out).
  const sources = import.meta.glob(["../**/*.svelte", "../**/*.ts", "!../**/*.test.ts"], {
    query: "?raw",
    import: "default",
    eager: true,
  }) as Record<string, string>;

  it("has no other way to open one", () => {
    expect(Object.keys(sources)).toEqual(expect.arrayContaining(["./dialogs.ts", "../screens/Walkthrough.svelte"]));
    for (const [file, text] of Object.entries(sources)) {
      // WebKit would show its own chooser for these, in the process that holds the database connection.
      expect(text, file).not.toMatch(/type\s*=\s*["']?file\b|showOpenFilePicker|showSaveFilePicker|showDirectoryPicker/);
      expect(text, file).not.toMatch(/plugin-dialog|plugin:dialog/);
      if (file !== "./dialogs.ts") expect(text, file).not.toMatch(/pick_files|pick_save_path/);
    }
  });
});
