import { closeDate } from '../dates.js';
import type { Compiler } from './compile.js';
import { CONDITIONS, type ResolvedField } from './fields.js';
import { firstDayAtOrAfter, resolveMoment } from './moments.js';
import { TEXT_FN, TEXT_MODES, textValueProblem, type TextMode } from './text.js';
import { WEIGHTS } from './budget.js';
import { isObject } from '../../core/own.js';
import { ADDRESS_KEYS } from '../store/addresses.js';

// field_condition → SQL. `anyValue` hides where a field's values live; a condition only says what one
// value must satisfy, and the field matches if any of its values does (multi-value custom fields,
// contact emails/phones).

type Pred = (value: string) => string;

/** "Some value of field f of the row aliased `a` satisfies pred" — never NULL. */
function anyValue(c: Compiler, f: ResolvedField, a: string, pred: Pred): string {
  if (f.source === 'custom') {
    // json_each of a scalar yields the scalar itself, so single and multi-value fields read alike.
    // INDEXED BY: without statistics SQLite would walk every value of the organization instead.
    return `${a}.id IN (SELECT v.object_id FROM close_custom_values v INDEXED BY close_custom_values_field, json_each(v.value) j
      WHERE v.org_id = @org AND v.field_id = ${c.param(f.id)} AND ${pred('j.value')})`;
  }
  if (f.listKey) {
    const e = c.alias('e');
    return `EXISTS (SELECT 1 FROM json_each(${a}.${f.column}) ${e} WHERE ${pred(`json_extract(${e}.value, '$.${f.listKey}')`)})`;
  }
  if (f.json) {
    // A JSON object row (an address): one key, or every part as one text (`location`).
    const part = (k: string) => `json_extract(${a}.value, '$.${k}')`;
    const x = f.json === '*' ? `concat_ws(' ', ${ADDRESS_KEYS.filter((k) => k !== 'label').map(part).join(', ')})` : part(f.json);
    return `(${x} IS NOT NULL AND ${pred(x)})`;
  }
  if (f.statusType) {
    return `${a}.status_id IN (SELECT s.id FROM close_opportunity_statuses s WHERE s.org_id = @org AND ${pred('s.type')})`;
  }
  const col = `${a}.${f.column!}`;
  return f.notNull ? pred(col) : `(${col} IS NOT NULL AND ${pred(col)})`;
}

const exists = (c: Compiler, f: ResolvedField, a: string) => anyValue(c, f, a, (x) => `${x} <> ''`);

export function condition(c: Compiler, f: ResolvedField, cond: unknown, path: string, a: string): string {
  if (!isObject(cond)) return c.fail(path, 'A field_condition needs a "condition" object with a "type".');
  const type = cond.type;
  const known = ['text', 'term', 'reference', 'number_range', 'moment_range', 'exists', 'boolean'];
  if (typeof type !== 'string' || !known.includes(type)) {
    return c.fail(`${path}.type`, `Unknown condition type ${JSON.stringify(type)}; supported: ${known.join(', ')}.`);
  }
  const allowed = CONDITIONS[f.kind];
  if (!allowed.includes(type)) {
    return c.fail(`${path}.type`, `A ${type} condition does not apply to ${f.label} (${f.kind} values); use ${allowed.join(', ')}.`);
  }
  // A list (custom values, emails, phones, status type, a term's values) costs more per row than one column.
  const list = f.source === 'custom' || f.listKey || f.json || f.statusType || type === 'term' || (type === 'reference' && Array.isArray(cond.object_ids) && cond.object_ids.length > 1);
  c.charge(list ? WEIGHTS.values : WEIGHTS.column);
  switch (type) {
    case 'text': {
      c.charge(WEIGHTS.textCondition);
      const mode = cond.mode;
      if (!(TEXT_MODES as readonly unknown[]).includes(mode)) return c.fail(`${path}.mode`, `"mode" must be one of ${TEXT_MODES.join(', ')}.`);
      if (typeof cond.value !== 'string') return c.fail(`${path}.value`, 'A text condition needs a string "value".');
      if (mode !== 'exact_value' && !/[\p{L}\p{N}]/u.test(cond.value)) return c.fail(`${path}.value`, 'The value has no words to match.');
      const problem = textValueProblem(mode as TextMode, cond.value);
      if (problem) return c.fail(`${path}.value`, problem);
      const value = c.param(cond.value);
      return anyValue(c, f, a, (x) => `${TEXT_FN}('${mode as string}', ${value}, ${x})`);
    }
    case 'term': {
      if (!Array.isArray(cond.values)) return c.fail(`${path}.values`, 'A term condition needs a "values" list.');
      const values = cond.values.map((v, i) => termValue(c, f, v, `${path}.values[${i}]`));
      const list = c.param(JSON.stringify(values));
      // Real API: emails match case-insensitively; so here, and every other term is exact.
      return f.source === 'regular' && f.listKey === 'email'
        ? anyValue(c, f, a, (x) => `lower(${x}) IN (SELECT lower(value) FROM json_each(${list}))`)
        : anyValue(c, f, a, (x) => `${x} IN (SELECT value FROM json_each(${list}))`);
    }
    case 'reference': {
      const refTypes = f.refTypes ?? [];
      if (typeof cond.reference_type !== 'string' || !refTypes.includes(cond.reference_type)) {
        return c.fail(`${path}.reference_type`, `${f.label} references ${refTypes.map((r) => JSON.stringify(r)).join(' or ')} (got ${JSON.stringify(cond.reference_type)}).`);
      }
      if (!Array.isArray(cond.object_ids) || !cond.object_ids.every((id) => typeof id === 'string')) {
        return c.fail(`${path}.object_ids`, 'A reference condition needs "object_ids", a list of ids.');
      }
      // One id (a status, a user) is a plain equality, so SQLite can weigh that column's index.
      if (cond.object_ids.length === 1) {
        const one = c.param(cond.object_ids[0]);
        return anyValue(c, f, a, (x) => `${x} = ${one}`);
      }
      const list = c.param(JSON.stringify(cond.object_ids));
      return anyValue(c, f, a, (x) => `${x} IN (SELECT value FROM json_each(${list}))`);
    }
    case 'number_range': {
      const ops = { gte: '>=', gt: '>', lte: '<=', lt: '<' } as const;
      const parts: string[] = [];
      for (const [key, op] of Object.entries(ops)) {
        const v = cond[key];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'number' || !Number.isFinite(v)) return c.fail(`${path}.${key}`, `"${key}" must be a number.`);
        parts.push(`${op} ${c.param(v)}`);
      }
      if (parts.length === 0) return c.fail(path, 'A number_range needs at least one of gte, gt, lte, lt.');
      return anyValue(c, f, a, (x) => parts.map((p) => `${x} ${p}`).join(' AND '));
    }
    case 'moment_range':
      return momentRange(c, f, cond, path, a);
    case 'exists':
      return exists(c, f, a);
    case 'boolean': {
      // [D] Close documents no boolean field here: {value: true} = the field has a value, false = it has none.
      if (typeof cond.value !== 'boolean') return c.fail(`${path}.value`, 'A boolean condition needs "value": true or false.');
      return cond.value ? exists(c, f, a) : `NOT (${exists(c, f, a)})`;
    }
  }
  return c.fail(`${path}.type`, `Unknown condition type ${JSON.stringify(type)}.`);
}

function termValue(c: Compiler, f: ResolvedField, v: unknown, path: string): string | number {
  if (f.kind === 'number') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : c.fail(path, `${f.label} holds numbers; ${JSON.stringify(v)} is not one.`);
  }
  if (f.kind === 'day' && (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v))) return c.fail(path, `${f.label} holds dates YYYY-MM-DD.`);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return c.fail(path, 'Term values must be strings or numbers.');
}

const MIN_MS = Date.parse('0001-01-01T00:00:00Z');
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function momentRange(c: Compiler, f: ResolvedField, cond: Record<string, unknown>, path: string, a: string): string {
  const bounds: { ms: number; op: '>=' | '<' | '>' | '<=' }[] = [];
  // `__after` (>) and `__on_or_before` (<=) exist only in trees translated from the legacy string, whose
  // datetime comparisons are exclusive or inclusive at the exact instant (legacy.ts).
  const keys = [['on_or_after', '>='], ['before', '<'], ...(c.legacy ? [['__after', '>'], ['__on_or_before', '<=']] as const : [])] as const;
  for (const [key, op] of keys) {
    const m = cond[key];
    if (m === undefined || m === null) continue;
    const ms = resolveMoment(m, `${path}.${key}`, c.env, c.fail.bind(c));
    if (!(ms >= MIN_MS && ms <= MAX_MS)) return c.fail(`${path}.${key}`, 'The moment is outside years 0001–9999.');
    bounds.push({ ms, op });
  }
  if (bounds.length === 0) return c.fail(path, 'A moment_range needs "on_or_after", "before" or both.');
  if (f.kind === 'day') {
    return anyValue(c, f, a, (x) => bounds.map((b) => `${x} ${b.op} ${c.param(firstDayAtOrAfter(b.ms, c.env.tzOffsetMinutes))}`).join(' AND '));
  }
  if (f.source === 'regular') {
    // Stored timestamps are all Close's fixed-width UTC format, so text order is time order and the
    // (org_id, date_created, id) index applies.
    return anyValue(c, f, a, (x) => bounds.map((b) => `${x} ${b.op} ${c.param(closeDate(new Date(b.ms)))}`).join(' AND '));
  }
  // Custom datetime values may be any ISO 8601 form: compare as instants.
  return anyValue(c, f, a, (x) => bounds.map((b) => `unixepoch(${x}, 'subsec') ${b.op} ${c.param(b.ms / 1000)}`).join(' AND '));
}
