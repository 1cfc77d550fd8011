/** Close's timestamp format: ISO 8601 with microseconds and `+00:00` (`2015-03-16T00:19:50.141000+00:00`). */
export function closeDate(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** Parses any ISO 8601 timestamp (Close's or `…Z`) to epoch milliseconds; NaN if it is not one. */
export function parseMoment(text: string): number {
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
}
