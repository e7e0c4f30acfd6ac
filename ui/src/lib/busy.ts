// Waiting for another writer. SQLite lets one process write at a time: while the CLI imports 800,000 records the
// shell answers `database_busy` after a short wait rather than freezing the window. Nothing was written then, so
// the call is simply made again; meanwhile the app shows that it is waiting, not an error.

export const BUSY_CODE = "database_busy";

type Listener = (waiting: boolean) => void;
const listeners = new Set<Listener>();
let waitingCalls = 0;

/** Calls `listener` whenever the app starts or stops waiting for another writer; returns an unsubscribe. */
export function onBusy(listener: Listener): () => void {
  listeners.add(listener);
  listener(waitingCalls > 0);
  return () => listeners.delete(listener);
}

function setWaiting(delta: number) {
  const before = waitingCalls > 0;
  waitingCalls += delta;
  const after = waitingCalls > 0;
  if (before !== after) listeners.forEach((l) => l(after));
}

function isBusy(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === BUSY_CODE;
}

export type RetryOptions = { giveUpAfterMs: number; pauseMs: number; sleep: (ms: number) => Promise<void> };

const defaults: RetryOptions = {
  giveUpAfterMs: 10 * 60_000,
  pauseMs: 500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Runs `call`, and again after a pause for as long as it answers busy (up to ten minutes), marking the wait. */
export async function retryWhileBusy<T>(call: () => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  const { giveUpAfterMs, pauseMs, sleep } = { ...defaults, ...options };
  let waited = 0;
  let marked = false;
  try {
    for (;;) {
      try {
        return await call();
      } catch (e) {
        if (!isBusy(e) || waited >= giveUpAfterMs) throw e;
        if (!marked) {
          marked = true;
          setWaiting(1);
        }
        await sleep(pauseMs);
        waited += pauseMs;
      }
    }
  } finally {
    if (marked) setWaiting(-1);
  }
}
