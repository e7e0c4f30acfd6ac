import { describe, expect, it } from "vitest";
import { isTyping, SHORTCUTS, shortcutOf, type KeyPress } from "./shortcuts";

const k = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...over,
});

describe("shortcuts", () => {
  it("opens the palette with Ctrl+K or Cmd+K, even while typing", () => {
    expect(shortcutOf(k("k", { ctrlKey: true, code: "KeyK" }), true)).toBe("palette");
    expect(shortcutOf(k("k", { metaKey: true }), false)).toBe("palette");
    expect(shortcutOf(k("k", { ctrlKey: true, shiftKey: true }), false)).toBeNull();
  });

  it("moves and acts with Alt, matching letters by their key", () => {
    expect(shortcutOf(k("ArrowRight", { altKey: true }), true)).toBe("next");
    expect(shortcutOf(k("ArrowLeft", { altKey: true }), false)).toBe("prev");
    expect(shortcutOf(k("∂", { altKey: true, code: "KeyD" }), false)).toBe("done");
    expect(shortcutOf(k("w", { altKey: true }), false)).toBe("waive");
    // An engine that reports an empty code: the key decides.
    expect(shortcutOf(k("d", { altKey: true, code: "" }), true)).toBe("done");
    expect(shortcutOf(k("x", { altKey: true, code: "" }), true)).toBeNull();
    expect(shortcutOf(k("n", { altKey: true, code: "KeyN" }), true)).toBe("next-open");
    expect(shortcutOf(k("ArrowRight", { altKey: true, shiftKey: true }), false)).toBeNull();
    expect(shortcutOf(k("x", { altKey: true }), false)).toBeNull();
    expect(shortcutOf(k("d"), false)).toBeNull();
  });

  it("shows help with ? only when not typing", () => {
    expect(shortcutOf(k("?", { shiftKey: true }), false)).toBe("help");
    expect(shortcutOf(k("?", { shiftKey: true }), true)).toBeNull();
  });

  it("knows when a key would type", () => {
    expect(isTyping({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTyping({ tagName: "input" })).toBe(true);
    expect(isTyping({ tagName: "INPUT", type: "checkbox" })).toBe(false);
    expect(isTyping({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTyping({ tagName: "SELECT" })).toBe(true);
    expect(isTyping({ tagName: "DIV", isContentEditable: true })).toBe(true);
    expect(isTyping({ tagName: "BUTTON" })).toBe(false);
    expect(isTyping(null)).toBe(false);
  });

  it("documents every shortcut it handles", () => {
    const keys = SHORTCUTS.map((s) => s.keys.join("+"));
    for (const k of ["Ctrl+K", "?", "Alt+N", "Alt+D", "Alt+W", "Alt+→", "Alt+←"]) expect(keys).toContain(k);
  });
});
