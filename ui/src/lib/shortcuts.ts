// Keyboard shortcuts, as one pure decision: which command a key press is, given whether the person is typing. The
// "Keyboard shortcuts" help lists the same table.

export type Shortcut = "palette" | "help" | "done" | "waive" | "next-open" | "next" | "prev";

export type KeyPress = {
  key: string;
  /** The physical key ("KeyD"): Alt+letter types another character on macOS, so letters are matched by code. */
  code?: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
};

/** Whether a key press at `target` would type text (an input, a textarea, a select, something editable). */
export function isTyping(target: { tagName?: string; isContentEditable?: boolean; type?: string } | null): boolean {
  if (!target || !target.tagName) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target.type ?? "text").toLowerCase();
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(type);
}

// Some engines (WebKitGTK driven by WebDriver, for one) report an empty `code`: then the key decides.
const letter = (e: KeyPress, l: string) =>
  e.code ? e.code === `Key${l.toUpperCase()}` : e.key.toLowerCase() === l;

/**
 * The shortcut a key press means, or null. Ctrl+K / Cmd+K and the Alt shortcuts work while typing (they type
 * nothing); `?` only when not typing.
 */
export function shortcutOf(e: KeyPress, typing: boolean): Shortcut | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && letter(e, "k")) return "palette";
  if (e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
    if (e.key === "ArrowRight") return "next";
    if (e.key === "ArrowLeft") return "prev";
    if (letter(e, "d")) return "done";
    if (letter(e, "w")) return "waive";
    if (letter(e, "n")) return "next-open";
    return null;
  }
  if (!typing && e.key === "?" && !e.ctrlKey && !e.metaKey && !e.altKey) return "help";
  return null;
}

export type ShortcutHelp = { keys: string[]; what: string; where: string };

/** The help table: what each shortcut does and where it works. */
export const SHORTCUTS: readonly ShortcutHelp[] = [
  { keys: ["Ctrl", "K"], what: "Open the command palette (Cmd+K on macOS)", where: "everywhere" },
  { keys: ["?"], what: "Show these keyboard shortcuts", where: "everywhere, when not typing" },
  { keys: ["Esc"], what: "Close a dialog, the palette or this help", where: "dialogs" },
  { keys: ["Alt", "→"], what: "Next item (focus follows)", where: "walkthrough" },
  { keys: ["Alt", "←"], what: "Previous item (focus follows)", where: "walkthrough" },
  { keys: ["Alt", "N"], what: "Next item still to settle (open, blocked or failed)", where: "walkthrough" },
  { keys: ["Alt", "D"], what: "Mark the item done", where: "walkthrough" },
  { keys: ["Alt", "W"], what: "Waive the item (needs a reason)", where: "walkthrough" },
  { keys: ["Ctrl", "Enter"], what: "Record the statement being typed", where: "walkthrough evidence" },
];
