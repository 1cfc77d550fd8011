import { validationError } from '../../core/errors.js';
import { parseMoment } from '../dates.js';
import { isObject, own } from '../../core/own.js';

// Moments of a moment_range condition, resolved to epoch milliseconds before the SQL is built.
// `offset` moments count from `now`, the emulator clock, so tests and the control API can move time.

export interface MomentEnv {
  now: Date;
  /** Minutes east of UTC (X-TZ-Offset), for fixed_local_date. */
  tzOffsetMinutes: number;
}

export type Fail = (path: string, message: string) => never;

const DAY = 86_400_000;
const OFFSET_UNITS: Record<string, number> = { weeks: 7 * DAY, days: DAY, hours: 3_600_000, minutes: 60_000, seconds: 1000 };


/**
 * The X-TZ-Offset header → minutes east of UTC. Close documents hours, fractional for half hours
 * ("-4", "-2.5", "9"); "+09:00" / "+0900" are accepted too. Absent or empty = UTC.
 */
export function parseTzOffset(header: string | string[] | undefined): number {
  const text = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (text === '') return 0;
  let minutes = NaN;
  const hhmm = /^([+-])?(\d{1,2}):?(\d{2})$/.exec(text);
  if (hhmm) minutes = (hhmm[1] === '-' ? -1 : 1) * (Number(hhmm[2]) * 60 + Number(hhmm[3]));
  else if (/^[+-]?\d{1,2}(\.\d+)?$/.test(text)) minutes = Math.round(Number(text) * 60);
  if (!Number.isFinite(minutes) || Math.abs(minutes) > 14 * 60) {
    const message = `Invalid X-TZ-Offset "${text}": expected hours east of UTC such as "-4", "5.5" or "+09:00".`;
    throw validationError(message, { 'X-TZ-Offset': message });
  }
  return minutes;
}

/** `{type: fixed_utc | fixed_local_date | offset | now, …}` → epoch ms. */
export function resolveMoment(m: unknown, path: string, env: MomentEnv, fail: Fail): number {
  if (!isObject(m)) return fail(path, 'A moment must be an object with a "type".');
  switch (m.type) {
    case 'now':
      return env.now.getTime();
    case 'fixed_utc': {
      const ms = typeof m.value === 'string' ? parseMoment(m.value) : NaN;
      return Number.isNaN(ms) ? fail(`${path}.value`, 'A fixed_utc moment needs an ISO 8601 "value".') : ms;
    }
    case 'fixed_local_date': {
      const d = typeof m.value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(m.value) : null;
      const utc = d ? Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) : NaN;
      if (!d || Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== m.value) {
        return fail(`${path}.value`, 'A fixed_local_date moment needs a "value" YYYY-MM-DD.');
      }
      const which = m.which ?? 'start';
      if (which !== 'start' && which !== 'end') return fail(`${path}.which`, '"which" must be "start" or "end".');
      // The local day starts at local midnight; its "end" is the first instant of the next local day,
      // so `before: end of D` includes all of D (before is exclusive).
      const start = utc - env.tzOffsetMinutes * 60_000;
      return which === 'start' ? start : start + DAY;
    }
    case 'offset': {
      if (m.direction !== 'past' && m.direction !== 'future') return fail(`${path}.direction`, '"direction" must be "past" or "future".');
      const base = resolveMoment(m.moment ?? { type: 'now' }, `${path}.moment`, env, fail);
      if (!isObject(m.offset)) return fail(`${path}.offset`, 'An offset moment needs an "offset" object such as {"days": 7}.');
      const sign = m.direction === 'past' ? -1 : 1;
      const at = new Date(base);
      let ms = 0;
      for (const [unit, amount] of Object.entries(m.offset)) {
        if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
          return fail(`${path}.offset.${unit}`, 'Offset amounts must be non-negative numbers.');
        }
        const unitMs = own(OFFSET_UNITS, unit);
        if (unit === 'years') at.setUTCFullYear(at.getUTCFullYear() + sign * amount);
        else if (unit === 'months') at.setUTCMonth(at.getUTCMonth() + sign * amount);
        else if (unitMs !== undefined) ms += amount * unitMs;
        else return fail(`${path}.offset.${unit}`, `Unknown offset unit "${unit}"; use years, months, weeks, days, hours, minutes or seconds.`);
      }
      return at.getTime() + sign * ms;
    }
    default:
      return fail(`${path}.type`, `Unsupported moment type ${JSON.stringify(m.type)}; use fixed_utc, fixed_local_date, offset or now.`);
  }
}

/**
 * For date-only fields (YYYY-MM-DD): a date D counts as the instant of local midnight starting D, so
 * "D ≥ moment" and "D < moment" both compare D with the first local date whose midnight is not
 * before the moment.
 */
export function firstDayAtOrAfter(ms: number, tzOffsetMinutes: number): string {
  const local = ms + tzOffsetMinutes * 60_000;
  const day = Math.ceil(local / DAY) * DAY;
  return new Date(day).toISOString().slice(0, 10);
}
