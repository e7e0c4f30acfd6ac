// The staged cutover (seed 000), as the screens word it. The core decides which stage is next and what it needs.
import type { Stage } from "./bindings";

const TITLES: Record<Stage, string> = {
  limited_traffic: "limited production traffic",
  first_day_review: "first-day reconciliation reviewed",
  full_volume: "meaningful production volume",
};

/** Whether `word` names a stage (an audit event's details are untyped). */
export function isStage(word: string): word is Stage {
  return word in TITLES;
}

/** How the seed words a stage. */
export function stageTitle(stage: Stage): string {
  return TITLES[stage];
}

/** Whether a "go" for `stage` records new limits and the review behind them (each limit increase). */
export function needsLimits(stage: Stage): boolean {
  return stage === "full_volume";
}

/** What a go for `stage` needs from the form before it is sent: the problems, by field id, in words. */
export function decisionProblems(stage: Stage, limits: string, review: string): { id: string; message: string }[] {
  if (!needsLimits(stage)) return [];
  const out: { id: string; message: string }[] = [];
  if (limits.trim() === "") out.push({ id: "decision-limits", message: "Say the limits this go raises to." });
  if (review.trim() === "") out.push({ id: "decision-review", message: "Link the review behind the increase." });
  return out;
}
