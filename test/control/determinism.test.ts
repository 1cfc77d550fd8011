import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { bearer, multipart, seed, SEED_IDS } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl } from './helper.js';

type Step = (app: FastifyInstance) => Promise<string>;
const answer = async (p: Promise<{ body: string; statusCode: number }>) => {
  const r = await p;
  return `${r.statusCode} ${r.body}`;
};

/** The same requests, each a step, so two apps can take them in turns. */
const STEPS: Step[] = [
  (app) => answer(app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('det'), payload: { name: 'Deterministic', amount: 10 } })),
  (app) => answer(app.inject({ method: 'PATCH', url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('det'), payload: { name: 'Renamed' } })),
  (app) => {
    const { payload, headers } = multipart([{ name: 'file', filename: 'c.csv', content: 'first_name,last_name,email,phone,position,company_id,note\r\nA,B,,,,,\r\n' }]);
    return answer(app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...bearer('det'), ...headers }, payload }));
  },
  (app) => answer(app.inject({ url: '/api/v1/crm/bulk/contacts/export', headers: bearer('det') })),
  (app) => answer(app.inject({ method: 'POST', url: '/api/v1/lead/', headers: basic('det'), payload: { name: 'Same every run' } })),
  async (app) => {
    const edit = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('det'), payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(CLOSE.acmeInc) } });
    await ctl(app, 'POST', `/jobs/${edit.json().id}/run`);
    return edit.body;
  },
  (app) => answer(app.inject({ url: '/api/v1/bulk_action/edit/', headers: basic('det') })),
  (app) => answer(app.inject({ url: '/api/v1/me/', headers: basic('det') })),
  (app) => answer(app.inject({ url: '/api/v1/lead/?_limit=5', headers: basic('det') })),
  async (app) => JSON.stringify((await ctl(app, 'POST', '/faults', { path: '/nowhere', status: 500, seed: 1 })).json().id),
];

async function open(opts: { idSeed?: string; freezeAt?: number }): Promise<FastifyInstance> {
  const app = await buildApp({ seed, logger: false, tickMs: 0, ...opts });
  await app.ready();
  return app;
}

/** The same requests against a fresh app; every answer's body, in order. */
async function session(opts: { idSeed?: string; freezeAt?: number }): Promise<string[]> {
  const app = await open(opts);
  try {
    const out: string[] = [];
    for (const step of STEPS) out.push(await step(app));
    return out;
  } finally {
    await app.close();
  }
}

t.test('ID_SEED and FREEZE_AT make two runs of the same requests byte-identical', async (t) => {
  const opts = { idSeed: 'ci-run', freezeAt: Date.parse('2026-01-15T09:00:00Z') };
  const one = await session(opts);
  const two = await session(opts);
  t.same(two, one);
  t.match(one[0], /"created_at":"2026-01-15T09:00:00.000Z"/, 'timestamps are the frozen instant');
  const other = await session({ ...opts, idSeed: 'another-run' });
  t.not(other.join('\n'), one.join('\n'), 'another seed gives other ids');
});

t.test('without ID_SEED ids differ between runs', async (t) => {
  const freezeAt = Date.parse('2026-01-15T09:00:00Z');
  const one = await session({ freezeAt });
  const two = await session({ freezeAt });
  t.not(two[0], one[0]);
});

t.test('two apps in one process with the same ID_SEED give the same ids however their requests interleave', async (t) => {
  const freezeAt = Date.parse('2026-01-15T09:00:00Z');
  const alone = await session({ idSeed: 'shared', freezeAt });
  const [a, b, other] = await Promise.all([open({ idSeed: 'shared', freezeAt }), open({ idSeed: 'shared', freezeAt }), open({ idSeed: 'noise', freezeAt })]);
  t.teardown(() => Promise.all([a.close(), b.close(), other.close()]));
  const outA: string[] = [];
  const outB: string[] = [];
  // A runs ahead by two steps; another app with another seed draws ids between every step of theirs.
  for (let i = 0; i < STEPS.length + 2; i++) {
    if (i < STEPS.length) outA.push(await STEPS[i]!(a));
    await STEPS[i % STEPS.length]!(other);
    if (i >= 2) outB.push(await STEPS[i - 2]!(b));
    await STEPS[(i + 3) % STEPS.length]!(other);
  }
  t.same(outA, alone, 'the first app answers as an app alone in its process');
  t.same(outB, alone, 'and so does the second');
  t.match(alone[0], /"id":"deal_[0-9a-f]{32}"/);
});
