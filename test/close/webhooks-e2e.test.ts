import { readFileSync } from 'node:fs';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, seed, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { CLOSE, leadsQuery } from './seed-ids.js';
import { call, closeOrg } from './helper.js';
import { createAction, runActionToEnd } from './bulk-helper.js';
import { receiver, subscribe, LOOPBACK_RECEIVERS } from './webhook-helper.js';

// The whole path through HTTP: a bulk edit's lead.updated events (and an API write's) reach a real
// receiver as signed deliveries; failures are retried on the organization's clock (advance + flush,
// no sleeping); three days of failures pause the subscription.
shareApps(t);

const KEY = 'close-resources-key';
const leads = seed.close!.leads.slice(0, 3).map((l) => l.id);
const flush = async (app: FastifyInstance) => (await ctl(app, 'POST', '/webhooks/flush', { org: KEY })).json();
const deliveries = async (app: FastifyInstance) => (await ctl(app, 'GET', `/webhooks/deliveries?org=${KEY}`)).json().data as Record<string, unknown>[];
const advance = (app: FastifyInstance, by: string) => ctl(app, 'POST', `/orgs/${closeOrg(app)}/clock/advance`, { by });

t.test("a bulk edit's lead.updated events reach a real receiver, signed; the first attempts fail and succeed after the clock moves", async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  let fail = 2;
  const rx = await receiver(t, (_req, res) => {
    res.statusCode = fail-- > 0 ? 503 : 200;
    res.end();
  });
  const sub = await subscribe(app, rx, [{ object_type: 'lead', action: 'updated', extra_filter: { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'status_id' } } }]);
  const res = await createAction(app, 'edit', { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...leads), send_done_email: false }, KEY);
  const job = res.json().id as string;
  await runActionToEnd(app, 'edit', job, KEY);
  // An API write that the filter leaves out: a description change.
  t.equal((await call(app, { method: 'PUT', path: `/lead/${leads[0]}/`, payload: { description: 'not a status change' } })).statusCode, 200);

  const queued = await deliveries(app);
  t.equal(queued.length, 3, 'one delivery per lead.updated event with status_id among its changed fields');
  t.ok(queued.every((d) => d.status === 'pending' && d.subscription_id === sub));
  t.same((await flush(app)).attempted, 0, 'updated events wait out the consolidation delay');
  await advance(app, '1m');
  const first = await flush(app);
  t.match(first, { attempted: 3, succeeded: 1, failed: 2 });
  t.equal(rx.got.length, 3);
  t.ok(rx.got.every((g) => g.signatureOk), 'every signature verifies');
  // The version as package.json says it, not as the code computes it.
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  t.same(rx.got.map((g) => g.userAgent), Array(3).fill(`crm-bulk-emulator/${version}`), 'every delivery says who sends it');
  t.same(rx.got.map((g) => g.body.event.object_id).sort(), [...leads].sort());
  t.ok(rx.got.every((g) => (g.body.event.meta as Record<string, unknown>).bulk_action_id === job && g.body.event.action === 'updated'), 'each carries meta.bulk_action_id');
  t.same((await flush(app)).attempted, 0, 'the failed ones are not due yet');

  await advance(app, '30m');
  t.match(await flush(app), { attempted: 2, succeeded: 2, failed: 0 });
  const done = await deliveries(app);
  t.ok(done.every((d) => d.status === 'succeeded'), 'all delivered');
  t.same(done.map((d) => d.attempts).sort(), [1, 2, 2]);
  const stored = app.tenants.db(closeOrg(app)).prepare(`SELECT status, attempts FROM close_webhook_deliveries WHERE org_id = ? ORDER BY attempts`).all(closeOrg(app));
  t.same(stored, [{ status: 'succeeded', attempts: 1 }, { status: 'succeeded', attempts: 2 }, { status: 'succeeded', attempts: 2 }], 'and in the database');
});

t.test('a receiver that fails for three days of the organization clock pauses its subscription', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t, (_req, res) => {
    res.statusCode = 500;
    res.end('down');
  });
  const sub = await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  t.equal((await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Webhook target' } })).statusCode, 200);
  for (let hour = 0; hour < 80; hour++) {
    await flush(app);
    await advance(app, '1h');
  }
  await flush(app);
  const got = await call(app, { path: `/webhook/${sub}/` });
  t.equal(got.json().status, 'paused', 'paused by itself');
  t.ok(rx.got.length > 3 && rx.got.every((g) => g.signatureOk), `retried (${rx.got.length} attempts), each signed`);
  const [d] = await deliveries(app);
  t.match(d, { status: 'dropped', last_status_code: 500 });
});
