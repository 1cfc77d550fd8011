import type { Compiler } from './compile.js';
import { resolveField, type ObjectType } from './fields.js';
import { isObject } from '../../core/own.js';

// `sort: [{direction, field}]` → ORDER BY. [D] Missing values sort last in both directions; ties are
// broken by id in the direction of the first key; no sort = date_created descending. Text sorts
// case-insensitively.


export const DEFAULT_SORT = (on: ObjectType) => [{ direction: 'desc', field: { type: 'regular_field', object_type: on, field_name: 'date_created' } }];

export const MAX_SORT_KEYS = 100;

/**
 * `paged`: only the first rows are wanted (LIMIT), so a sort index SQLite can walk in order, stopping
 * at the page's end, is worth it whatever the filter; without it (every match wanted) the unary +
 * below keeps the index out.
 */
export function orderBy(c: Compiler, sort: unknown, on: ObjectType, a: string, paged = false): string {
  const plus = paged ? '' : '+';
  if (sort !== undefined && sort !== null && !Array.isArray(sort)) return c.fail('sort', '"sort" must be a list of {direction, field}.');
  // Real API: no documented limit; here: more than MAX_SORT_KEYS keys is a 400, not SQLite's 500.
  if (sort && sort.length > MAX_SORT_KEYS) return c.fail('sort', `At most ${MAX_SORT_KEYS} sort keys.`);
  const keys = sort && sort.length > 0 ? sort : DEFAULT_SORT(on);
  const parts: string[] = [];
  let first: string | undefined;
  (keys as unknown[]).forEach((key, i) => {
    const path = `sort[${i}]`;
    if (!isObject(key)) return c.fail(path, 'A sort key is an object {direction, field}.');
    if (key.direction !== 'asc' && key.direction !== 'desc') return c.fail(`${path}.direction`, '"direction" must be "asc" or "desc".');
    const dir = key.direction === 'asc' ? 'ASC' : 'DESC';
    first ??= dir;
    if (c.legacy && on === 'lead' && isObject(key.field) && key.field.type === '__activities') {
      parts.push(`${activityCount(a)} ${dir}`);
      return;
    }
    const f = resolveField(c.db, c.orgId, key.field, on, `${path}.field`, c.fail.bind(c));
    let expr: string;
    let notNull = false;
    if (f.source === 'custom') {
      const raw = `(SELECT json_extract(v.value, '${f.multiple ? '$[0]' : '$'}') FROM close_custom_values v
        WHERE v.org_id = @org AND v.object_id = ${a}.id AND v.field_id = ${c.param(f.id)})`;
      expr = f.kind === 'instant' ? `unixepoch(${raw}, 'subsec')` : f.kind === 'text' ? `lower(${raw})` : raw;
    } else if (f.listKey) {
      expr = `lower(json_extract(${a}.${f.column!}, '$[0].${f.listKey}'))`;
    } else if (f.statusType) {
      expr = `(SELECT s.type FROM close_opportunity_statuses s WHERE s.org_id = @org AND s.id = ${a}.status_id)`;
    } else {
      // Unary + keeps SQLite from walking a sort index row by row (a table lookup per row) when
      // filtering first and sorting the matches is cheaper — almost always for a filtered query.
      expr = f.kind === 'text' ? `lower(${a}.${f.column!})` : `${plus}${a}.${f.column!}`;
      notNull = f.notNull === true;
    }
    parts.push(notNull ? `${expr} ${dir}` : `(${expr}) IS NULL, ${expr} ${dir}`);
  });
  parts.push(`${plus}${a}.id ${first ?? 'DESC'}`);
  return parts.join(', ');
}

/** Every kind of activity a lead has (legacy `sort:activities`), each table through its lead index. */
const ACTIVITY_TABLES = ['close_activities', 'close_email_activities', 'close_typed_activities', 'close_recorded_activities'] as const;
const activityCount = (a: string) =>
  `(${ACTIVITY_TABLES.map((t) => `(SELECT count(*) FROM ${t} x WHERE x.org_id = @org AND x.lead_id = ${a}.id)`).join(' + ')})`;
