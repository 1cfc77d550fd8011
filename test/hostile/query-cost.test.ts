import t from 'tap';
import fc from 'fast-check';
import { listening } from '../helper.js';
import { basic } from '../close/seed-ids.js';
import { buildWithRoutes, holds, inspect, TOKENS } from './helper.js';

// Queries built to cost, not to be large: many text nodes, has_related inside has_related, counts,
// deep and wide and/or trees, long legacy strings. Each answers 200 or 400 (never a 5xx) within a
// generous bound, and one costly request does not hold the server: a health check sent while it
// runs answers within 100 ms (src/close/query/budget.ts: the budget refuses them before they run,
// the deadline stops what is within budget and still slow).

t.setTimeout(240_000);

const text = (value: string, mode?: string) => ({ type: 'text', value, ...(mode ? { mode } : {}) });
const HOSTILE_LEGACY = Array(2000).fill('a').join(' or ');

/**
 * The best of up to three tries (as test/hostile/regex.test.ts): one load spike on a shared machine
 * does not fail a bound that a query holding the server for seconds misses every time.
 */
async function bestOf(run: () => Promise<{ queryMs: number; healthMs: number }>): Promise<{ queryMs: number; healthMs: number }> {
  let best = { queryMs: Infinity, healthMs: Infinity };
  for (let i = 0; i < 3 && (best.queryMs >= 1000 || best.healthMs >= 100); i++) {
    const r = await run();
    if (r.queryMs + r.healthMs < best.queryMs + best.healthMs) best = r;
  }
  return best;
}

t.test('over HTTP, a 10 KB hostile query answers within 1 s and a health check sent meanwhile within 100 ms', async (t) => {
  // A small deadline: the second query is within the budget, and what it leaves to do is stopped.
  const { url } = await listening(t, { queryTimeoutMs: 50, logger: false });
  const withinBudget = Array.from({ length: 180 }, (_, i) => `"${'x'.repeat(40)}${i}"`).join(' or ');
  for (const [what, query, status] of [['"a or a" × 2,000 (past the budget)', HOSTILE_LEGACY, 400], [`${withinBudget.length} characters of phrases (within the budget)`, withinBudget, null]] as const) {
    t.ok(query.length > 7_000 && query.length < 10_000, `${what}: ${query.length} characters`);
    let seen = 0;
    const best = await bestOf(async () => {
      const start = performance.now();
      // Spaces as `+`: the URL stays ~10 KB, within Node's 16 KB header limit.
      const answer = fetch(`${url}/api/v1/lead/?query=${encodeURIComponent(query).replaceAll('%20', '+')}`, { headers: basic() }).then(async (res) => {
        seen = res.status;
        await res.arrayBuffer();
        return performance.now() - start;
      });
      // Sent once the query is on its way, so it waits behind it if the query holds the server.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const sent = performance.now();
      const health = await fetch(`${url}/_mock/health`);
      t.equal(health.status, 200);
      await health.arrayBuffer();
      const healthMs = performance.now() - sent;
      return { queryMs: await answer, healthMs };
    });
    if (status !== null) t.equal(seen, status, `${what}: ${status}`);
    else t.ok(seen === 200 || seen === 400, `${what}: ${seen}`);
    t.ok(best.queryMs < 1000, `${what}: answered in ${best.queryMs.toFixed(0)} ms (bound 1 s)`);
    t.ok(best.healthMs < 100, `${what}: health answered in ${best.healthMs.toFixed(0)} ms (bound 100 ms)`);
  }
});

/** Trees of the costly nodes, deep and wide. */
const words = fc.constantFrom('a', 'acme', 'juniper labs', 'x', 'aiden rossi', 'nosuchword', '日本');
const leaf = fc.oneof(
  fc.record({ type: fc.constant('text'), value: words, mode: fc.constantFrom('beginning_of_words', 'full_words', 'phrase', 'exact_value') }),
  fc.constant({ type: 'match_all' }),
  fc.constant({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode: 'phrase', value: 'acme' } }),
);
const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: fc.constantFrom('and', 'or'), queries: fc.array(tie('node'), { maxLength: 30 }), negate: fc.boolean() }),
    // has_related: a lead's contacts, and back to their lead (nested scans).
    fc.record({
      type: fc.constant('has_related'), this_object_type: fc.constant('lead'), related_object_type: fc.constant('contact'),
      related_query: fc.oneof(
        fc.constant({ type: 'match_all' }),
        fc.record({ type: fc.constant('text'), value: words }),
        tie('node').map((inner) => ({ type: 'has_related', this_object_type: 'contact', related_object_type: 'lead', related_query: inner })),
      ),
    }),
  ),
})).node;
/** Wide: n copies of one costly node; deep: a chain of n and/or. */
const wide = fc.tuple(fc.integer({ min: 1, max: 6000 }), leaf, fc.constantFrom('and', 'or')).map(([n, node, type]) => ({ type, queries: Array(n).fill(node) }));
const deep = fc.tuple(fc.integer({ min: 1, max: 150 }), leaf).map(([n, node]) => Array.from({ length: n }).reduce<unknown>((q, _, i) => ({ type: i % 2 ? 'and' : 'or', queries: [q, text('acme')] }), node));
const sQuery = fc.oneof(tree, wide, deep).map((query) => ({ method: 'POST' as const, url: '/api/v1/data/search/', payload: { query } }));
/** Legacy strings: many terms, counts, related fields, nesting. */
const term = fc.constantFrom('a', 'acme', '"juniper labs"', 'contacts > 1', 'opportunities:0', 'email_address:"a@example.com"', 'name:acme', 'or', 'and', 'not', '(', ')', 'sort:name', '-');
const legacy = fc.oneof(
  fc.array(term, { maxLength: 2500 }).map((ts) => ts.join(' ')),
  fc.tuple(fc.integer({ min: 1, max: 2400 }), term).map(([n, w]) => Array(n).fill(w).join(' or ')),
).filter((s) => s.length <= 10_000).map((q) => ({ method: 'GET' as const, url: `/api/v1/lead/?query=${encodeURIComponent(q)}`, payload: undefined }));

t.test('hostile query shapes answer 200 or 400, never a 5xx, each within 3 s', async (t) => {
  const { app } = await buildWithRoutes(t, { queryTimeoutMs: 1000 });
  const statuses = new Map<number, number>();
  let slowest = 0;
  await holds(t, 'a 200 or a 400 in Close\'s envelope, within 3 s', fc.oneof(sQuery, legacy), async (req) => {
    const start = performance.now();
    const { problem, res } = await inspect(app, { ...req, headers: basic(TOKENS[0]) });
    const ms = performance.now() - start;
    slowest = Math.max(slowest, ms);
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (problem) return problem;
    if (res.statusCode !== 200 && res.statusCode !== 400) return `${req.url.slice(0, 200)}: ${res.statusCode} ${res.body.slice(0, 300)}`;
    return ms > 3000 ? `${req.url.slice(0, 200)}: ${ms.toFixed(0)} ms` : null;
  }, 160);
  t.comment(`statuses ${JSON.stringify([...statuses])}, slowest ${slowest.toFixed(0)} ms`);
  t.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, 'both answers seen: shapes reach evaluation as well as refusals');
});
