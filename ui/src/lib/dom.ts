// Small DOM helpers the screens share: putting the keyboard on the field an error is about.
import { tick } from "svelte";

/**
 * Focuses the element with `id` once the screen has updated, and brings it into view. In a text field, `position`
 * (a character offset the error pointed at) is selected so the person sees what was refused.
 */
export function focusField(id: string, position: number | null = null): void {
  tick().then(() => {
    const el = document.getElementById(id) as HTMLElement | null;
    if (!el) return;
    el.focus();
    el.scrollIntoView?.({ block: "nearest" });
    if (position !== null && (el instanceof HTMLTextAreaElement || el instanceof HTMLInputElement)) {
      // Offsets count characters; the DOM counts UTF-16 code units.
      const chars = [...el.value];
      const start = chars.slice(0, position).join("").length;
      const end = start + (chars[position]?.length ?? 0);
      try {
        el.setSelectionRange(start, Math.max(end, start + 1));
      } catch {
        // Some input types have no selection; focus is enough.
      }
    }
  });
}
