import { isObject, own } from '../../core/own.js';

// Close's webhook `extra_filter` (developer.close.com/api/resources/webhooks/webhook-filters): a tree of
// operators (equals, not_equals, is_null, non_null, contains, and, or, not) and accessors
// (field_accessor, any_array_value), applied to the event object. Pure: `checkFilter` validates the
// shape once, when a subscription is written; `matches` evaluates a checked filter on an event.

export type Filter =
  | { type: 'equals' | 'not_equals' | 'contains'; value: unknown }
  | { type: 'is_null' | 'non_null' }
  | { type: 'and' | 'or'; filters: Filter[] }
  | { type: 'not'; filter: Filter }
  | { type: 'field_accessor'; field: string; filter: Filter }
  | { type: 'any_array_value'; filter: Filter };

const MAX_DEPTH = 32;
/**
 * Real API: no documented bound on an extra_filter; here: at most 64 levels of JSON nesting and
 * 16,384 characters of JSON text, the operators' `value`s included, so a hostile value cannot
 * overflow the stack (JSON.stringify and the matcher recurse) nor make every write slow.
 */
export const MAX_FILTER_JSON_DEPTH = 64;
export const MAX_FILTER_CHARS = 16_384;

/**
 * Why a JSON value is too deep or too large to be a filter, or null. Walks with its own stack (no
 * recursion, so any depth is safe) and stops as soon as a bound is passed.
 */
export function checkFilterSize(value: unknown, path = 'extra_filter'): string | null {
  const stack: [unknown, number][] = [[value, 1]];
  let chars = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') chars += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) chars += String(v).length;
    else if (typeof v === 'object') {
      if (depth > MAX_FILTER_JSON_DEPTH) return `${path}: nested more than ${MAX_FILTER_JSON_DEPTH} levels deep (values included)`;
      const entries = Array.isArray(v) ? v.map((x): [string, unknown] => ['', x]) : Object.entries(v as Record<string, unknown>);
      chars += 2;
      for (const [k, x] of entries) {
        chars += (Array.isArray(v) ? 0 : k.length + 3) + 1;
        stack.push([x, depth + 1]);
      }
    }
    if (chars > MAX_FILTER_CHARS) return `${path}: longer than ${MAX_FILTER_CHARS} characters of JSON (values included)`;
  }
  return null;
}

/** Why `f` is not a filter (a path and a reason), or null when it is one; its size is checked first (checkFilterSize). */
export function checkFilter(f: unknown, path = 'extra_filter', depth = 0): string | null {
  if (depth === 0) {
    const problem = checkFilterSize(f, path);
    if (problem) return problem;
  }
  if (depth > MAX_DEPTH) return `${path}: nested more than ${MAX_DEPTH} levels`;
  if (!isObject(f)) return `${path}: must be an object with a "type"`;
  const has = (k: string) => Object.hasOwn(f, k);
  switch (f.type) {
    case 'equals':
    case 'not_equals':
    case 'contains':
      return has('value') ? null : `${path}: "${f.type}" needs a "value"`;
    case 'is_null':
    case 'non_null':
      return null;
    case 'and':
    case 'or': {
      if (!Array.isArray(f.filters) || f.filters.length === 0) return `${path}: "${f.type}" needs a non-empty "filters" list`;
      for (let i = 0; i < f.filters.length; i++) {
        const problem = checkFilter(f.filters[i], `${path}.filters[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    case 'field_accessor':
      if (typeof f.field !== 'string' || f.field === '') return `${path}: "field_accessor" needs a "field" name`;
      return checkFilter(f.filter, `${path}.filter`, depth + 1);
    case 'not':
    case 'any_array_value':
      return checkFilter(f.filter, `${path}.filter`, depth + 1);
    default:
      return `${path}: unknown type ${JSON.stringify(f.type)}; expected equals, not_equals, is_null, non_null, contains, and, or, not, field_accessor or any_array_value`;
  }
}

/** JSON equality (objects by key, arrays by element). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return false;
}

/**
 * A field of an object. A dotted name (`custom.cf_x`) is first looked up whole, as Close keeps custom
 * fields under flat `custom.cf_…` keys in `data`; failing that, it is followed one part at a time.
 */
export function fieldOf(value: unknown, field: string): unknown {
  if (!isObject(value)) return undefined;
  if (Object.hasOwn(value, field)) return value[field];
  let cur: unknown = value;
  for (const part of field.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = own(cur, part);
  }
  return cur;
}

/** Whether `value` (the event object at the top) passes a filter `checkFilter` accepted. */
export function matches(f: Filter, value: unknown): boolean {
  switch (f.type) {
    case 'equals':
      return same(value, f.value);
    case 'not_equals':
      return !same(value, f.value);
    case 'is_null':
      return value === null || value === undefined;
    case 'non_null':
      return value !== null && value !== undefined;
    case 'contains':
      if (Array.isArray(value)) return value.some((x) => same(x, f.value));
      return typeof value === 'string' && typeof f.value === 'string' && value.includes(f.value);
    case 'and':
      return f.filters.every((x) => matches(x, value));
    case 'or':
      return f.filters.some((x) => matches(x, value));
    case 'not':
      return !matches(f.filter, value);
    case 'field_accessor':
      return matches(f.filter, fieldOf(value, f.field));
    case 'any_array_value':
      return Array.isArray(value) && value.some((x) => matches(f.filter, x));
  }
}
