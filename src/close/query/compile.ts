import type { Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import { OBJECT_TYPES, TABLES, article, isObjectType, resolveField, type ObjectType, type Scope } from './fields.js';
import { condition } from './conditions.js';
import { SLICE_FN, registerSliceFunction } from './slice.js';
import { TEXT_FN, TEXT_MODES, registerTextFunction, textValueProblem, type TextMode } from './text.js';
import { DEADLINE_FN, QUERY_BUDGET, WEIGHTS, overBudget, queryTimeout, registerDeadlineFunction } from './budget.js';
import { textSql, textTable, textTableSql } from './search-text.js';
import { orderBy } from './sort.js';
import type { MomentEnv } from './moments.js';
import { isObject } from '../../core/own.js';
import { savedSearchNode, viewType } from './saved.js';

// s_query tree → one SQL boolean expression over an object row aliased `a`. Every node compiles to
// 0/1 (or NULL, which WHERE treats as false); `negate` wraps it in NOT IFNULL(…, 0) so a NULL never
// turns into "true" by accident. Related objects and custom values are uncorrelated IN (subquery)
// sets, which SQLite evaluates once per query instead of once per row.


/** Which related object types a has_related node may name, per this_object_type. */
const RELATED: Record<Scope, readonly Scope[]> = {
  lead: ['contact', 'opportunity', 'address'], contact: ['lead', 'sequence_subscription'], opportunity: ['lead'], address: [], sequence_subscription: [],
};

/**
 * Real API: limits not documented; here: a query nested deeper than MAX_DEPTH nodes or of more than
 * MAX_NODES nodes is a 400 on that node, before it could overflow the stack or SQLite's expression
 * depth (1,000) and variable count (32,766) limits, which would be a 500.
 */
export const MAX_DEPTH = 100;
export const MAX_NODES = 5000;

export class Compiler {
  readonly params: Record<string, unknown>;
  /** The query's cost so far (budget.ts). */
  cost = 0;
  /** Per row alias, how many text nodes read its search text (two or more: joined once, `scan`). */
  private readonly textNodes = new Map<string, { on: ObjectType; n: number }>();
  private n = 0;
  private depth = 0;
  private nodes = 0;
  private check: string | null = null;
  /** The smart views being expanded (or written), outermost first: meeting one again is a cycle (saved.ts). */
  readonly views: string[];

  constructor(readonly db: Db, readonly orgId: string, readonly env: MomentEnv, public legacy = false, readonly prefix = 'p',
    private readonly root = 's_query', views: readonly string[] = []) {
    this.params = { org: orgId };
    this.views = [...views];
  }

  charge(weight: number): void {
    this.cost += weight;
  }

  /**
   * The per-row deadline term (budget.ts), placed in every scan the query makes. The deadline starts
   * now: every caller evaluates a query right after compiling it.
   */
  deadline(): string {
    if (this.check === null) {
      const ms = queryTimeout(this.db);
      // One JS call per row scanned: ~0.15 µs (an indexed range scan of 6,765 of 50k leads, 3.1 → 4.2 ms).
      this.check = `${DEADLINE_FN}(${this.param(performance.now() + ms)}, ${this.param(this.root)}, ${this.param(ms)})`;
    }
    return this.check;
  }

  /** A 400 whose field-errors key is the path's first segment (`s_query`, `query` or `sort`). */
  fail(path: string, message: string): never {
    const text = `${path}: ${message}`;
    throw validationError(text, { [path.split(/[.[]/)[0]!]: text });
  }

  param(value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return '@' + name;
  }

  alias(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  node(q: unknown, path: string, on: Scope, a: string): string {
    if (!isObject(q)) return this.fail(path, 'A query node must be an object with a "type".');
    if (q.negate !== undefined && q.negate !== null && typeof q.negate !== 'boolean') this.fail(`${path}.negate`, '"negate" must be a boolean.');
    if (this.depth >= MAX_DEPTH) return this.fail(path, `The query is nested more than ${MAX_DEPTH} levels deep.`);
    if (++this.nodes > MAX_NODES) return this.fail(path, `The query has more than ${MAX_NODES} nodes.`);
    this.depth++;
    try {
      const sql = this.positive(q, path, on, a);
      return q.negate === true ? `NOT IFNULL((${sql}), 0)` : sql;
    } finally {
      this.depth--;
    }
  }

  private positive(q: Record<string, unknown>, path: string, on: Scope, a: string): string {
    switch (q.type) {
      case 'and':
      case 'or': {
        this.charge(WEIGHTS.logic);
        if (!Array.isArray(q.queries)) return this.fail(`${path}.queries`, `An "${q.type}" node needs a "queries" list.`);
        // Empty and = everything, empty or = nothing (the identities of each operator).
        if (q.queries.length === 0) return q.type === 'and' ? '1' : '0';
        const parts = q.queries.map((child, i) => `(${this.node(child, `${path}.queries[${i}]`, on, a)})`);
        return balanced(parts, q.type === 'and' ? ' AND ' : ' OR ');
      }
      case 'match_all':
        this.charge(WEIGHTS.logic);
        return '1';
      case 'object_type':
        this.charge(WEIGHTS.logic);
        return objectTypeOf(q, path, this) === on ? '1' : '0';
      case 'field_condition':
        return condition(this, resolveField(this.db, this.orgId, q.field, on, `${path}.field`, this.fail.bind(this)), q.condition, `${path}.condition`, a);
      case 'has_related':
        return this.hasRelated(q, path, on, a);
      case 'text':
        if (!isObjectType(on)) return this.fail(`${path}.type`, `A text node does not apply inside ${article(on)} query; use a field_condition.`);
        return this.fullText(q, path, on, a);
      case '__count':
        // Only trees translated from the legacy string (legacy.ts) may count related objects.
        if (this.legacy && on === 'lead') return this.count(q, path, a);
        return this.fail(`${path}.type`, `Unknown query node type ${JSON.stringify(q.type)}; supported: and, or, object_type, field_condition, has_related, match_all, text.`);
      case 'saved_search':
        if (!isObjectType(on)) return this.fail(`${path}.type`, `A saved_search node does not apply inside ${article(on)} query.`);
        return savedSearchNode(this, q, path, on, a);
      default:
        return this.fail(`${path}.type`, `Unknown query node type ${JSON.stringify(q.type)}; supported: and, or, object_type, field_condition, has_related, match_all, text.`);
    }
  }

  /** `{type: "__count", rel, gte}`: the lead has at least `gte` related contacts/opportunities/addresses. */
  private count(q: Record<string, unknown>, path: string, a: string): string {
    const table = q.rel === 'contact' ? 'close_contacts' : q.rel === 'opportunity' ? 'close_opportunities' : q.rel === 'address' ? 'address' : null;
    if (!table || typeof q.gte !== 'number' || !Number.isInteger(q.gte)) return this.fail(path, 'A count node needs "rel" and an integer "gte".');
    this.charge(WEIGHTS.count);
    if (q.gte <= 0) return '(1)';
    // Addresses are a JSON list on the lead's own row.
    if (table === 'address') return `json_array_length(${a}.addresses) >= ${this.param(q.gte)}`;
    const r = this.alias('r');
    const related = `FROM ${table} ${r} WHERE ${r}.org_id = @org AND ${r}.lead_id = ${a}.id`;
    // "At least one" is EXISTS (stops at the first row); "at least n" counts no further than n.
    if (q.gte === 1) return `EXISTS (SELECT 1 ${related})`;
    const n = this.param(q.gte);
    return `(SELECT count(*) FROM (SELECT 1 ${related} LIMIT ${n})) >= ${n}`;
  }

  private hasRelated(q: Record<string, unknown>, path: string, on: Scope, a: string): string {
    if (q.this_object_type !== on) {
      return this.fail(`${path}.this_object_type`, `this_object_type must be "${on}" here (got ${JSON.stringify(q.this_object_type)}).`);
    }
    const rel = q.related_object_type as Scope;
    if (!RELATED[on].includes(rel)) {
      const supported = RELATED[on].length ? `supported: ${RELATED[on].join(', ')}` : 'it has no related objects here';
      return this.fail(`${path}.related_object_type`, `${article(on, true)} has no related ${JSON.stringify(q.related_object_type)}; ${supported}.`);
    }
    if (!isObject(q.related_query)) return this.fail(`${path}.related_query`, 'has_related needs a "related_query" (use {"type": "match_all"} for any).');
    this.charge(WEIGHTS.has_related);
    const r = this.alias('r');
    const inner = this.node(q.related_query, `${path}.related_query`, rel, r);
    if (rel === 'address') return `EXISTS (SELECT 1 FROM json_each(${a}.addresses) ${r} WHERE ${inner})`;
    if (rel === 'sequence_subscription') {
      return `${a}.id IN (SELECT ${r}.contact_id FROM close_sequence_subscriptions ${r} WHERE ${r}.org_id = @org AND ${this.deadline()} AND (${inner}))`;
    }
    if (!isObjectType(rel)) return this.fail(`${path}.related_object_type`, `Unsupported related object type ${rel}.`);
    return on === 'lead'
      ? `${a}.id IN (SELECT ${r}.lead_id FROM ${this.scan(rel, r)} WHERE ${r}.org_id = @org AND ${this.deadline()} AND (${inner}))`
      : `${a}.lead_id IN (SELECT ${r}.id FROM ${this.scan('lead', r)} WHERE ${r}.org_id = @org AND ${this.deadline()} AND (${inner}))`;
  }

  /** The `text` node: words anywhere in the object's search text (search-text.ts). Mode defaults to beginning_of_words. */
  private fullText(q: Record<string, unknown>, path: string, on: ObjectType, a: string): string {
    if (typeof q.value !== 'string') return this.fail(`${path}.value`, 'A text node needs a string "value".');
    const mode = q.mode ?? 'beginning_of_words';
    if (!(TEXT_MODES as readonly unknown[]).includes(mode)) return this.fail(`${path}.mode`, `"mode" must be one of ${TEXT_MODES.join(', ')}.`);
    const problem = textValueProblem(mode as TextMode, q.value);
    if (problem) return this.fail(`${path}.value`, problem);
    this.charge(WEIGHTS.text);
    const read = this.textNodes.get(a) ?? { on, n: 0 };
    read.n++;
    this.textNodes.set(a, read);
    // A mark, resolved once every node of this alias is known (`resolveTexts`).
    return `${TEXT_FN}('${mode as string}', ${this.param(q.value)}, ${TEXT_MARK}${a}${TEXT_MARK})`;
  }

  /** Does more than one text node read the search text of the rows aliased `a`? */
  private shared(a: string): boolean {
    return (this.textNodes.get(a)?.n ?? 0) > 1;
  }

  /** The object types whose text is shared by several nodes: one common table each (search-text.ts). */
  get texts(): ObjectType[] {
    return [...new Set([...this.textNodes.values()].filter((r) => r.n > 1).map((r) => r.on))];
  }

  /** The compiled SQL with each text mark replaced: the joined text where shared, else built in place. */
  resolveTexts(sql: string): string {
    return sql.replace(MARKS, (_, a: string) => (this.shared(a) ? `${a}_text.text` : textSql(this.textNodes.get(a)!.on, a)));
  }

  /**
   * `<table> <a>`, or, when a text node reads its search text, that text table joined first: each
   * object's text row is read once and its object found by primary key. (SQLite does not index a
   * common table it joins to, so with the object table first every row scanned the text table.)
   */
  scan(on: ObjectType, a: string): string {
    const table = `${TABLES[on]} ${a}`;
    if (!this.shared(a)) return table;
    // CROSS JOIN: SQLite keeps this order.
    return `${textTable(this.prefix, on)} ${a}_text CROSS JOIN ${table} ON ${a}.org_id = @org AND ${a}.id = ${a}_text.id`;
  }
}

// Marks the text a text node reads in the SQL under construction; never in SQL otherwise (values are parameters).
const TEXT_MARK = '\u0001';
const MARKS = /\u0001([a-z0-9_]+)\u0001/g;

/** `a OP b OP …` as a balanced tree of parentheses: SQLite nests a flat chain one level per term. */
function balanced(parts: string[], op: string): string {
  if (parts.length <= 8) return parts.join(op);
  const half = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, half), op)})${op}(${balanced(parts.slice(half), op)})`;
}

/** The object type an `object_type` node names; 400 for unsupported ones. */
export function objectTypeOf(q: Record<string, unknown>, path: string, c: Compiler): ObjectType {
  const ot = q.object_type;
  if (typeof ot !== 'string' || !(OBJECT_TYPES as readonly string[]).includes(ot)) {
    return c.fail(`${path}.object_type`, `Unsupported object_type ${JSON.stringify(ot)}; supported: ${OBJECT_TYPES.join(', ')}.`);
  }
  return ot as ObjectType;
}

/**
 * The object type a query returns: the root object_type node, or the object_type nodes among the
 * root `and`'s direct children (they must agree). Without one, leads [D].
 */
export function selectedType(q: unknown, root: string, c: Compiler): ObjectType {
  if (!isObject(q) || q.negate === true) return 'lead';
  if (q.type === 'object_type') return objectTypeOf(q, root, c);
  const view = viewType(q, c);
  if (view) return view;
  if (q.type !== 'and' || !Array.isArray(q.queries)) return 'lead';
  const found = new Set<ObjectType>();
  q.queries.forEach((child, i) => {
    if (isObject(child) && child.type === 'object_type' && child.negate !== true) found.add(objectTypeOf(child, `${root}.queries[${i}]`, c));
    const v = isObject(child) && child.negate !== true ? viewType(child, c) : undefined;
    if (v) found.add(v);
  });
  if (found.size > 1) return c.fail(`${root}.queries`, `Conflicting object_type nodes (${[...found].join(', ')}); a query returns one object type.`);
  return [...found][0] ?? 'lead';
}

export interface CompileOptions {
  /** The request field the tree came in: error keys and paths start with it. */
  root?: string;
  sort?: unknown;
  /** Overrides the object type the query selects. */
  objectType?: ObjectType | undefined;
  now: Date;
  tzOffsetMinutes?: number;
  /** The tree was translated from the legacy string: `__count` nodes are allowed. */
  legacy?: boolean;
  /** Names of the SQL parameters start with this (default `p`), so the SQL can sit inside another query's. */
  paramPrefix?: string;
  /** The smart views being written: a saved_search node reaching one of them is a cycle (a 400). */
  savedSearchIds?: readonly string[];
  /** Keeps only slice `index` of `count` of the matched set (the legacy `slice:i/n`). */
  slice?: { index: number; count: number } | null;
  /** Only a page (LIMIT) of the sorted matches is wanted: the ORDER BY may walk a sort index (sort.ts). */
  paged?: boolean;
}

export interface CompiledQuery {
  objectType: ObjectType;
  /** `FROM <table> a WHERE …` (no SELECT, no ORDER BY); always behind `with`. */
  from: string;
  /** `WITH … ` (the search texts the query reads) or ''; `select()` puts it in front. */
  with: string;
  /** `WITH … SELECT <columns> FROM … WHERE …`, for counting or selecting (add ORDER BY, LIMIT). */
  select(columns: string): string;
  orderBy: string;
  params: Record<string, unknown>;
}

/** Compiles and validates; throws a 400 ApiError naming the offending node and its path. */
export function compileQuery(db: Db, orgId: string, query: unknown, opts: CompileOptions): CompiledQuery {
  registerTextFunction(db);
  registerSliceFunction(db);
  registerDeadlineFunction(db);
  const root = opts.root ?? 's_query';
  const c = new Compiler(db, orgId, { now: opts.now, tzOffsetMinutes: opts.tzOffsetMinutes ?? 0 }, opts.legacy === true, opts.paramPrefix, root, opts.savedSearchIds);
  const objectType = opts.objectType ?? selectedType(query, root, c);
  const where = c.resolveTexts(c.node(query, root, objectType, 'a'));
  if (c.cost > QUERY_BUDGET) throw overBudget(root, c.cost);
  const order = orderBy(c, opts.sort, objectType, 'a', opts.paged === true);
  const slice = opts.slice ? ` AND ${SLICE_FN}(a.id, ${c.param(opts.slice.count)}) = ${c.param(opts.slice.index - 1)}` : '';
  const check = c.deadline();
  const texts = c.texts.map((on) => textTableSql(c.prefix, on, check));
  const withSql = texts.length > 0 ? `WITH ${texts.join(', ')} ` : '';
  const from = `FROM ${c.scan(objectType, 'a')} WHERE a.org_id = @org AND ${check} AND (${where})${slice}`;
  return { objectType, from, with: withSql, select: (columns) => `${withSql}SELECT ${columns} ${from}`, orderBy: order, params: c.params };
}

