import type { Db } from '../../core/db.js';
import { ApiError, validationError } from '../../core/errors.js';

// What a query may cost, and how long its evaluation may hold the process. Size limits (MAX_NODES,
// the legacy string's length) do not bound work: 2,000 text nodes fit in a 10 KB legacy string, and
// each is a match per object. So each node has a weight, roughly the work it adds per object scanned,
// and a query past QUERY_BUDGET is a 400 before it runs. What still runs long (a large organization,
// many related objects per row) meets a deadline checked per row: one SQL function on every scan, which
// throws once the evaluation has run QUERY_TIMEOUT_MS.
// Real API: Close documents no cost limit or timeout for a search; here: this model (docs/close.md, "Query cost").

/**
 * Weights per node, in units of about one equality test per object scanned (measured over the default
 * seed: an equality ~0.25 µs per row, a value list ~1.3 µs, a text match ~2 µs, a related scan ~4 µs,
 * a count ~16 µs). QUERY_BUDGET × the objects scanned × 0.25 µs is then about the longest a query
 * within budget takes: ~150 ms over the seed's 300 leads.
 */
export const WEIGHTS = {
  /** and, or, match_all, object_type: nothing per row, but every node is counted. */
  logic: 1,
  /** A comparison on a column of the row (status, dates, name, one id). */
  column: 1,
  /** A comparison against a list: a field's many values (custom fields, emails, phones, status type) or a term / reference list. */
  values: 5,
  /** Added for a text condition on a field: the word matcher runs per value. */
  textCondition: 5,
  /** A `text` node: the object's whole search text matched. */
  text: 10,
  has_related: 15,
  /** The legacy `contacts > n` / `opportunities:n`: a count per lead. */
  count: 50,
} as const;

/** Room for ~200 text nodes or several hundred field conditions; the README's and docs/close.md's example queries cost 8. */
export const QUERY_BUDGET = 2000;

/** Default wall time one query's evaluation may take (QUERY_TIMEOUT_MS). */
export const DEFAULT_QUERY_TIMEOUT_MS = 2000;

export function overBudget(root: string, cost: number): ApiError {
  const text = `${root}: The query is too expensive to run: it costs ${cost} and the budget is ${QUERY_BUDGET} ` +
    `(a count costs ${WEIGHTS.count}, has_related ${WEIGHTS.has_related}, a text node ${WEIGHTS.text}, ` +
    `a field condition ${WEIGHTS.column} to ${WEIGHTS.values + WEIGHTS.textCondition}, and/or ${WEIGHTS.logic}); split it into several queries.`;
  return validationError(text, { [root]: text });
}

function timedOut(root: string, ms: number): ApiError {
  // Real API: a slow search is not documented; here: a 400, as a query past the budget, since
  // repeating the same query would take as long again.
  const text = `${root}: The query took longer than ${ms} ms to evaluate and was stopped; narrow it or use fewer text conditions.`;
  return validationError(text, { [root]: text });
}

/** `close_query_deadline(until, root, ms)` → 1, or throws the 400 once performance.now() passes `until`. */
export const DEADLINE_FN = 'close_query_deadline';

const timeouts = new WeakMap<Db, number>();

/** Sets the evaluation deadline of the queries run on this database (the app's routed one). */
export function setQueryTimeout(db: Db, ms: number): void {
  timeouts.set(db, ms);
}

export function queryTimeout(db: Db): number {
  return timeouts.get(db) ?? DEFAULT_QUERY_TIMEOUT_MS;
}

const registered = new WeakSet<Db>();

export function registerDeadlineFunction(db: Db): void {
  if (registered.has(db)) return;
  // Not deterministic: SQLite must call it for every row, never fold it into a constant.
  db.function(DEADLINE_FN, { deterministic: false }, (until: unknown, root: unknown, ms: unknown) => {
    if (performance.now() > Number(until)) throw timedOut(String(root), Number(ms));
    return 1;
  });
  registered.add(db);
}
