import { validationError } from '../../core/errors.js';
import { own } from '../../core/own.js';
import { closeDate, parseMoment } from '../dates.js';

// The list filters Close documents as query parameters (`user_id`, `status_type__in`,
// `date_created__gte`, `_order_by`, …), compiled to SQL clauses with bound values. Parameter names
// are this code's own constants; only values come from the request, and they are always bound.

/** A list's query string as the route validated it. */
export type ListQuery = Readonly<Record<string, unknown>>;

const text = (q: ListQuery, name: string): string | undefined => {
  const v = own(q as Record<string, unknown>, name);
  return typeof v === 'string' ? v : undefined;
};

/** `a,b,c` → its non-empty items. */
export const commaList = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s !== '');

const CLOSE_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

const bad = (name: string, message: string) => validationError(`${name}: ${message}`, { [name]: message });

/** A 400 naming the first of `names` the query carries: parameters Close documents that are not emulated. */
export function refuse(q: ListQuery, names: readonly string[]): void {
  for (const name of names) {
    if (text(q, name) !== undefined) throw bad(name, 'This parameter is not supported by the emulator.');
  }
}

/** `AND …` clauses over a query, with their values bound as `@f0`, `@f1`, …. */
export class Where {
  private readonly clauses: string[] = [];
  readonly params: Record<string, unknown> = {};
  private n = 0;

  constructor(private readonly q: ListQuery) {}

  bind(v: unknown): string {
    const key = `f${this.n++}`;
    this.params[key] = v;
    return `@${key}`;
  }

  add(clause: string): this {
    this.clauses.push(clause);
    return this;
  }

  /**
   * `name=v` and `name__in=a,b` on `column`. With `comma`, `name` itself takes a comma-separated list
   * (as the activity list documents). `allowed` lists the values a parameter may take (else 400). With `inOnly`, only `name__in` is a filter; with `noIn`, only `name` (Close declares no `__in` form).
   */
  equals(name: string, column: string, opts: { comma?: boolean; inOnly?: boolean; noIn?: boolean; allowed?: readonly string[] } = {}): this {
    const params = [[name, opts.comma === true], [`${name}__in`, true]] as const;
    for (const [param, many] of opts.inOnly ? params.slice(1) : opts.noIn ? params.slice(0, 1) : params) {
      const v = text(this.q, param);
      if (v === undefined) continue;
      const values = many ? commaList(v) : [v];
      const wrong = opts.allowed ? values.find((x) => !opts.allowed!.includes(x)) : undefined;
      if (wrong !== undefined) throw bad(param, `"${wrong}" is not one of ${opts.allowed!.join(', ')}.`);
      this.add(`${column} IN (SELECT value FROM json_each(${this.bind(JSON.stringify(values))}))`);
    }
    return this;
  }

  /**
   * `name`, `name__gt`, `__gte`, `__lt`, `__lte` on a date column: timestamps (Close's format, compared
   * as text) or, with `dateOnly`, `YYYY-MM-DD` dates. A value that is not a date or timestamp is a 400.
   */
  dates(name: string, column: string, dateOnly = false, ops: readonly string[] = ['', '__gt', '__gte', '__lt', '__lte']): this {
    const SQL_OP: Record<string, string> = { '': '=', __gt: '>', __gte: '>=', __lt: '<', __lte: '<=' };
    for (const op of ops) {
      const param = `${name}${op}`;
      const v = text(this.q, param);
      if (v === undefined) continue;
      const ms = parseMoment(v.trim());
      if (Number.isNaN(ms)) throw bad(param, `"${v}" is not a date or an ISO 8601 timestamp.`);
      // A timestamp in Close's own format keeps its microseconds (Date has only milliseconds).
      const at = CLOSE_STAMP.test(v.trim()) ? v.trim() : closeDate(new Date(ms));
      this.add(`${column} ${own(SQL_OP, op)!} ${this.bind(dateOnly ? at.slice(0, 10) : at)}`);
    }
    return this;
  }

  sql(): string {
    return this.clauses.map((c) => ` AND ${c}`).join('');
  }
}

/**
 * `_order_by=field` / `-field` → an ORDER BY list, `fields` mapping each allowed field to its SQL
 * expression; ties fall back to `tail`. An unknown field is a 400 naming `_order_by`.
 */
export function orderBy(q: ListQuery, fields: ReadonlyMap<string, string>, tail: string): string {
  const v = text(q, '_order_by');
  if (v === undefined || v === '') return tail;
  const desc = v.startsWith('-');
  const expr = fields.get(desc ? v.slice(1) : v);
  if (expr === undefined) throw bad('_order_by', `"${v}" is not one of ${[...fields.keys()].join(', ')} (- for descending).`);
  return `${expr} ${desc ? 'DESC' : 'ASC'}, ${tail}`;
}

/**
 * The filters Close's OpenAPI lists on each typed activity list (emails, threads, status changes, …) over
 * `alias`'s columns: `id__in`, `lead_id`, `contact_id`, `user_id`, `organization_id`, `_type` (only
 * `type`), and `date_created__*` / `activity_at__*` (both on date_created: these activities happen when
 * they are created).
 */
export function activityWhere(q: ListQuery, alias: string, type: string): Where {
  return new Where(q)
    .equals('id', `${alias}.id`, { inOnly: true }).equals('lead_id', `${alias}.lead_id`, { noIn: true })
    .equals('contact_id', `${alias}.contact_id`, { noIn: true }).equals('user_id', `${alias}.user_id`, { noIn: true })
    .equals('organization_id', `${alias}.org_id`, { noIn: true }).equals('_type', `'${type}'`, { noIn: true, allowed: [type] })
    .dates('date_created', `${alias}.date_created`, false, ['__gt', '__gte', '__lt', '__lte'])
    .dates('activity_at', `${alias}.date_created`, false, ['__gt', '__gte', '__lt', '__lte']);
}
