import t from 'tap';
import { build, bearer } from '../helper.js';
import { basic } from '../close/seed-ids.js';
import { DEFAULT_ORG_MEMORY } from '../../src/core/org-dbs.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full garbage collection, with or without --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

// MAX_ORGS organizations at once, each used by both vendors: every one has its own data and sees no
// other's, and what they cost in memory stays what "Organizations: one database each" in docs/performance.md
// says (an untouched one next to nothing, a touched one its copy of the seed image, ~3 MB), and the
// default ORG_MEMORY bounds them all together (the ones past it spilled to files and read back).

const N = 1000;
/** Touched first: they fit in the default budget, so they show what one costs. */
const FIRST = 100;

t.test('1,000 organizations, each touched once by both vendors: none sees another\'s rows, and memory is their images\' up to the budget', async (t) => {
  t.setTimeout(600_000);
  const app = await build(t, { maxOrgs: N, journalSize: 0 });
  const rss = () => process.memoryUsage().rss;
  const start = rss();
  const orgs: { id: string; key: string }[] = [];
  for (let i = 0; i < N; i++) {
    const key = `thousand-${i}`;
    const res = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: key } });
    if (res.statusCode !== 201) t.fail(`create ${i}: ${res.statusCode} ${res.body}`);
    orgs.push({ id: res.json().id, key });
  }
  const created = rss();
  t.equal(app.orgDbs.stats().open, 0, 'creating made no database');
  const untouched = (created - start) / N;
  t.ok(untouched < 50_000, `an untouched organization costs under 50 KB (${Math.round(untouched)} bytes)`);
  t.equal((await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'one-too-many' } })).statusCode, 403, 'MAX_ORGS holds');

  const deals: string[] = [];
  let firstTouched = 0;
  for (const [i, org] of orgs.entries()) {
    if (i === FIRST) firstTouched = rss();
    const deal = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer(org.key), payload: { name: `mark-${i}`, amount: i, stage: 'lead' } });
    const lead = await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: basic(org.key), payload: { name: `mark-${i}` } });
    if (deal.statusCode !== 201 || lead.statusCode !== 200) t.fail(`touch ${i}: ${deal.statusCode} ${lead.statusCode}`);
    deals.push(deal.json().id);
  }
  const touched = (firstTouched - created) / FIRST;
  t.ok(touched < 4.5e6, `a touched organization costs its copy of the seed, under 4.5 MB (${(touched / 1e6).toFixed(2)} MB)`);
  const stats = app.orgDbs.stats();
  t.equal(stats.open + stats.memory.spilled, N, 'each has its own database: open, or in its spill file');
  t.ok(stats.bytes <= DEFAULT_ORG_MEMORY, `the open ones hold no more than the budget (${(stats.bytes / 2 ** 20).toFixed(0)} MiB)`);
  // What is retained, not garbage waiting for the collector (spilled images' buffers are external memory).
  collectGarbage();
  t.ok(rss() - created < DEFAULT_ORG_MEMORY * 1.3, `memory grew by about the budget, not by ${N} copies (${((rss() - created) / 2 ** 20).toFixed(0)} MiB)`);

  let foreign = 0;
  for (const [i, org] of orgs.entries()) {
    const db = app.tenants.db(org.id);
    const marks = [
      ...db.prepare(`SELECT name FROM blueai_deals WHERE name LIKE 'mark-%'`).pluck().all(),
      ...db.prepare(`SELECT name FROM close_leads WHERE name LIKE 'mark-%'`).pluck().all(),
    ];
    if (marks.length !== 2 || marks.some((m) => m !== `mark-${i}`)) t.fail(`organization ${i} holds ${JSON.stringify(marks)}`);
    for (const table of ['blueai_deals', 'close_leads', 'close_custom_values']) {
      foreign += db.prepare(`SELECT count(*) FROM ${table} WHERE org_id IS NOT ?`).pluck().get(org.id) as number;
    }
  }
  t.equal(foreign, 0, 'no organization\'s database holds a row of another');
  // Through the API: each one's deal is unknown to the next.
  let seen = 0;
  for (const [i, org] of orgs.entries()) {
    const other = deals[(i + 1) % N]!;
    if ((await app.inject({ url: `/api/v1/crm/deals/${other}`, headers: bearer(org.key) })).statusCode !== 404) seen++;
  }
  t.equal(seen, 0, 'no organization reaches the deal another created');
  t.pass(`${N} organizations: ${(created - start) / 1e6 | 0} MB to create, ${(rss() - start) / 1e6 | 0} MB in all`);
});
