import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { bearer, multipart, seed, SEED_IDS } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl } from './helper.js';

/** The same requests against a fresh app; every answer's body, in order. */
async function session(opts: { idSeed?: string; freezeAt?: number }): Promise<string[]> {
  const app: FastifyInstance = await buildApp({ seed, logger: false, tickMs: 0, ...opts });
  await app.ready();
  const out: string[] = [];
  const keep = async (p: Promise<{ body: string; statusCode: number }>) => {
    const r = await p;
    out.push(`${r.statusCode} ${r.body}`);
  };
  try {
    await keep(app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('det'), payload: { name: 'Deterministic', amount: 10 } }));
    await keep(app.inject({ method: 'PATCH', url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('det'), payload: { name: 'Renamed' } }));
    const { payload, headers } = multipart([{ name: 'file', filename: 'c.csv', content: 'first_name,last_name,email,phone,position,company_id,note\r\nA,B,,,,,\r\n' }]);
    await keep(app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...bearer('det'), ...headers }, payload }));
    await keep(app.inject({ url: '/api/v1/crm/bulk/contacts/export', headers: bearer('det') }));
    await keep(app.inject({ method: 'POST', url: '/api/v1/lead/', headers: basic('det'), payload: { name: 'Same every run' } }));
    const edit = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('det'), payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(CLOSE.acmeInc) } });
    out.push(edit.body);
    await ctl(app, 'POST', `/jobs/${edit.json().id}/run`);
    await keep(app.inject({ url: '/api/v1/bulk_action/edit/', headers: basic('det') }));
    await keep(app.inject({ url: '/api/v1/me/', headers: basic('det') }));
    await keep(app.inject({ url: '/api/v1/lead/?_limit=5', headers: basic('det') }));
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
