import { validationError } from '../core/errors.js';

/**
 * Close's timestamp format: ISO 8601 with microseconds and `+00:00` (`2015-03-16T00:19:50.141000+00:00`).
 * The one formatter of Close timestamps: `closeDate` for an instant, `closeMicros` for µs since the epoch.
 */
export function closeDate(at: Date): string {
  return closeMicros(at.getTime() * 1000);
}

/** µs since the epoch as a Close timestamp (the Stamper's strictly increasing stamps keep their µs). */
export function closeMicros(us: number): string {
  const iso = new Date(Math.floor(us / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(((us % 1000) + 1000) % 1000).padStart(3, '0')}+00:00`;
}

/** An ISO instant of the core (`…Z`) in Close's format; one already in it is returned as it is. */
export function closeFromIso(iso: string): string {
  return iso.endsWith('+00:00') ? iso : closeDate(new Date(iso));
}

/** Parses any ISO 8601 timestamp (Close's or `…Z`) to epoch milliseconds; NaN if it is not one. */
export function parseMoment(text: string): number {
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
}

/**
 * A timestamp a client sets (`date_created`, `date_won`) → Close's format, or a 400 naming `field`.
 * Real API: microseconds are kept, and the zone of a timestamp without an offset is not documented;
 * here: milliseconds are kept (the rest is dropped), and no offset means UTC.
 */
export function givenDate(text: string, field: string): string {
  // A timestamp without an offset is UTC (not the host's zone), so the same request stores the same value anywhere.
  const ms = parseMoment(/T[\d:.]+$/.test(text) ? `${text}Z` : text);
  if (Number.isNaN(ms)) throw validationError(`${field} is not an ISO 8601 date or timestamp.`, { [field]: 'Enter a valid date/time.' });
  return closeDate(new Date(ms));
}
