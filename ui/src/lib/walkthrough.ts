// Presentation helpers for the role walkthrough: sidebar grouping, position, keyboard moves.
import type { ItemView } from "./bindings";

export type SectionGroup = { key: string; templateId: string; title: string; items: ItemView[] };

/** Consecutive items of the same template section form one group, in the order the core sent them. */
export function groupSections(items: ItemView[]): SectionGroup[] {
  const groups: SectionGroup[] = [];
  for (const i of items) {
    const last = groups[groups.length - 1];
    if (last && last.templateId === i.template_id && last.title === i.section_title) last.items.push(i);
    else {
      groups.push({
        key: `${groups.length}:${i.template_id}/${i.section_key}`,
        templateId: i.template_id,
        title: i.section_title,
        items: [i],
      });
    }
  }
  return groups;
}

export type Position = { current: ItemView | null; index: number; prev: ItemView | null; next: ItemView | null };

/** The item on screen (the asked-for one, else the first) and its neighbours. */
export function position(items: ItemView[], itemId: number | null): Position {
  let index = itemId === null ? -1 : items.findIndex((i) => i.id === itemId);
  if (index === -1 && items.length) index = 0;
  return {
    current: index === -1 ? null : items[index],
    index,
    prev: index > 0 ? items[index - 1] : null,
    next: index !== -1 && index < items.length - 1 ? items[index + 1] : null,
  };
}

type KeyLike = Pick<KeyboardEvent, "key" | "altKey" | "ctrlKey" | "metaKey" | "shiftKey">;

/** Alt+ArrowRight / Alt+ArrowLeft move through the walkthrough; anything else is not ours. */
export function moveKey(e: KeyLike): "next" | "prev" | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  if (e.key === "ArrowRight") return "next";
  if (e.key === "ArrowLeft") return "prev";
  return null;
}
