import { validationError } from '../../core/errors.js';
import { own } from '../../core/own.js';
import { givenDate } from '../dates.js';
import type { CloseEventT, EventLog } from './events.js';

/** The filters of GET /event/ besides the date range, in a fixed order (a combination's name joins them with `+`). */
export const EVENT_FILTERS = ['lead_id', 'user_id', 'request_id', 'object_type', 'object_id', 'action'] as const;
const DATE_OPS = new Map([['date_updated__gte', '>='], ['date_updated__gt', '>'], ['date_updated__lte', '<='], ['date_updated__lt', '<']]);

/**
 * Close's supported filter combinations; the date range may join any. Real API: other combinations are
 * not supported (the answer is not documented), nor is it documented whether no filter is allowed; here:
 * another combination is a 400 naming it, and no filter (or the date range alone) lists every event.
 */
export const SUPPORTED = new Set([
  '', 'object_type+object_id', 'object_type+action', 'object_id+action', 'lead_id+object_type', 'lead_id+object_type+action',
  'lead_id+user_id+object_type', 'lead_id+user_id+object_type+action', 'lead_id+user_id', 'user_id+object_id',
  'user_id+object_id+action', 'user_id+object_type', 'user_id+object_type+action', 'lead_id', 'user_id', 'request_id',
]);

export const EVENT_LIMIT = 50;

export type EventListQuery = {
  _limit?: number | undefined; _cursor?: string | undefined; _skip?: string | undefined;
  lead_id?: string | undefined; user_id?: string | undefined; request_id?: string | undefined;
  object_type?: string | undefined; object_id?: string | undefined; action?: string | undefined;
  date_updated__gte?: string | undefined; date_updated__gt?: string | undefined;
  date_updated__lte?: string | undefined; date_updated__lt?: string | undefined;
};

export interface EventPage { data: CloseEventT[]; cursor_next: string | null; cursor_previous: string | null }

interface Cursor { dir: 'n' | 'p'; date: string; seq: number }

/**
 * Real API: cursors are opaque; here: base64url of `n|<date_updated>|<seq>` (older than that event) or
 * `p|…` (newer than it), checked on the way in (anything else is a 400 naming `_cursor`).
 */
const CURSOR = /^[np]\|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\|\d{1,15}$/;
export const encodeCursor = (c: Cursor): string => Buffer.from(`${c.dir}|${c.date}|${c.seq}`).toString('base64url');
function decodeCursor(text: string): Cursor {
  const plain = text.length <= 80 && /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url').toString('latin1') : '';
  if (!CURSOR.test(plain)) throw validationError('_cursor: not a cursor this endpoint gave.', { _cursor: 'Invalid cursor.' });
  const [dir, date, seq] = plain.split('|') as ['n' | 'p', string, string];
  return { dir, date, seq: Number(seq) };
}

/** GET /event/: newest first (date_updated, then seq), one page of at most 50, with cursors both ways. */
export function listEvents(log: EventLog, orgId: string, q: EventListQuery): EventPage {
  // Real API: `_skip` is not supported on the event log; here: a 400 naming it.
  if (q._skip !== undefined) throw validationError('_skip is not supported on the event log; page with _cursor.', { _skip: 'Not supported: use _cursor.' });
  const given = EVENT_FILTERS.filter((f) => own(q, f) !== undefined);
  const combination = given.join('+');
  if (!SUPPORTED.has(combination)) {
    throw validationError(`Unsupported event filter combination: ${combination}. Supported (date_updated__* may join any): ${[...SUPPORTED].filter(Boolean).join(', ')}.`,
      Object.fromEntries(given.map((f) => [f, `Unsupported filter combination: ${combination}.`])));
  }
  const params: Record<string, unknown> = { org: orgId, cutoff: log.cutoff(orgId) };
  let where = 'org_id = @org AND date_updated >= @cutoff';
  for (const f of given) {
    where += ` AND ${f} = @${f}`;
    params[f] = own(q, f);
  }
  for (const [name, op] of DATE_OPS) {
    const v = own(q, name);
    if (typeof v !== 'string') continue;
    params[name] = givenDate(v, name).slice(0, 26);
    where += ` AND date_updated ${op} @${name}`;
  }
  // Real API: _limit defaults to and is capped at 50; here: the same, a larger one answers 50.
  const limit = Math.min(q._limit ?? EVENT_LIMIT, EVENT_LIMIT);
  // Real API: Close's own scripts start paging with `_cursor=` (empty): the first page; here: the same.
  const cursor = q._cursor === undefined || q._cursor === '' ? null : decodeCursor(q._cursor);
  const older = '(date_updated < @cd OR (date_updated = @cd AND seq < @cs))';
  const newer = '(date_updated > @cd OR (date_updated = @cd AND seq > @cs))';
  let data: Array<{ seq: number; event: CloseEventT }>;
  if (cursor?.dir === 'p') {
    data = log.rows(`SELECT * FROM close_events WHERE ${where} AND ${newer} ORDER BY date_updated ASC, seq ASC LIMIT @limit`,
      { ...params, cd: cursor.date, cs: cursor.seq, limit }).reverse();
  } else {
    const extra = cursor ? ` AND ${older}` : '';
    data = log.rows(`SELECT * FROM close_events WHERE ${where}${extra} ORDER BY date_updated DESC, seq DESC LIMIT @limit`,
      { ...params, ...(cursor ? { cd: cursor.date, cs: cursor.seq } : {}), limit });
  }
  const first = data[0];
  const last = data[data.length - 1];
  // Each cursor is null when nothing lies beyond the page in its direction (now).
  const beyond = (cond: string, r: { seq: number; event: CloseEventT }) =>
    log.exists(`SELECT 1 FROM close_events WHERE ${where} AND ${cond} LIMIT 1`, { ...params, cd: r.event.date_updated, cs: r.seq });
  const cursorNext = last && beyond(older, last) ? encodeCursor({ dir: 'n', date: last.event.date_updated, seq: last.seq }) : null;
  const cursorPrevious = first && beyond(newer, first) ? encodeCursor({ dir: 'p', date: first.event.date_updated, seq: first.seq }) : null;
  return { data: data.map((r) => r.event), cursor_next: cursorNext, cursor_previous: cursorPrevious };
}
