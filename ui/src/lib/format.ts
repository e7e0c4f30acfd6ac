// Small display helpers.
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** "ev_0193…" ids are time-ordered UUIDs, so their start is shared by records made together: keep the tail. */
export function shortId(id: string): string {
  const m = /^([a-z]+_)([0-9a-f]{16,})$/i.exec(id);
  return m ? `${m[1]}…${m[2].slice(-8)}` : id;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "2026-11-23T09:00:01.000Z" → "2026-11-23 09:00:01 UTC". */
export function when(rfc3339: string | null | undefined): string {
  if (!rfc3339) return "";
  return rfc3339.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC");
}

export function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "no_go" → "no go"; ids and enum values read better with spaces. */
export function words(s: string): string {
  return s.replace(/_/g, " ");
}
