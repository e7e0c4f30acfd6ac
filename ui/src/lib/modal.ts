// Modal dialogs: Tab stays inside while one is open, Escape closes it from anywhere, and focus goes back where it
// was. `trapStep` is the pure decision; `modal` is the Svelte action that applies it.

/**
 * Where Tab should go, given how many focusable elements the dialog has and which one has focus (-1: focus is
 * outside the dialog): the index to focus, or null to let the browser move focus itself (it stays inside).
 */
export function trapStep(count: number, index: number, shift: boolean): number | null {
  if (count === 0) return -1;
  if (index === -1) return shift ? count - 1 : 0;
  if (shift && index === 0) return count - 1;
  if (!shift && index === count - 1) return 0;
  return null;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), ' +
  'textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), summary';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.offsetParent !== null || el === document.activeElement,
  );
}

/** Only the most recently opened modal handles keys. */
const stack: HTMLElement[] = [];

/**
 * Svelte action for a dialog element: traps Tab, closes on Escape wherever focus is, and returns focus to what had it
 * before the dialog opened. The dialog itself gets focus if nothing inside takes it.
 */
export function modal(node: HTMLElement, onclose: () => void) {
  let close = onclose;
  const before = document.activeElement as HTMLElement | null;
  stack.push(node);
  if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
  queueMicrotask(() => {
    if (!node.contains(document.activeElement)) node.focus();
  });
  const onKey = (e: KeyboardEvent) => {
    if (stack[stack.length - 1] !== node) return;
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== "Tab") return;
    const list = focusables(node);
    const index = list.indexOf(document.activeElement as HTMLElement);
    const to = trapStep(list.length, index, e.shiftKey);
    if (to === null) return;
    e.preventDefault();
    (to === -1 ? node : list[to]).focus();
  };
  document.addEventListener("keydown", onKey, true);
  return {
    update(next: () => void) {
      close = next;
    },
    destroy() {
      document.removeEventListener("keydown", onKey, true);
      const i = stack.indexOf(node);
      if (i !== -1) stack.splice(i, 1);
      if (before && document.contains(before)) queueMicrotask(() => before.focus());
    },
  };
}
