// Reloading without races: a screen reloads on every `db-changed` event, and events come in bursts. Only the
// answer to the most recent request may land on screen; an older one that arrives late is dropped.

export type Loader = {
  /** Starts a load; resolves once it has been applied or dropped. */
  (): Promise<void>;
  /** Drops every answer still on its way (for instance when the screen goes away). */
  cancel(): void;
};

export function latestOnly<T>(
  fetch: () => Promise<T>,
  apply: (value: T) => void,
  fail: (error: unknown) => void,
): Loader {
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    let value: T;
    try {
      value = await fetch();
    } catch (e) {
      if (mine === seq) fail(e);
      return;
    }
    if (mine === seq) apply(value);
  };
  load.cancel = () => {
    seq++;
  };
  return load;
}
