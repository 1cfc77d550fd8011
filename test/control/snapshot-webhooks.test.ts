import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, count } from '../helper.js';
import { basic } from '../close/seed-ids.js';
import { LOOPBACK_RECEIVERS, receiver } from '../close/webhook-helper.js';
import { ctl, digest, isControlError } from './helper.js';

// A snapshot keeps every list a reader can see: webhook subscriptions (with their signature keys),
// Close's event log and the webhook deliveries come back byte for byte, and a restored subscription
// still signs with the key its receiver knows.

const READS = ['/api/v1/webhook/', '/api/v1/event/', '/api/v1/event/?_limit=3'];

/** The Close reads above and the control API's deliveries, as bytes (`orgId` written as orga_X). */
async function answers(app: FastifyInstance, credential: string, orgId: string): Promise<string[]> {
  const out: string[] = [];
  for (const url of READS) {
    const res = await app.inject({ url, headers: basic(credential) });
    t.equal(res.statusCode, 200, url);
    out.push(`${url}\n${res.body.replaceAll(orgId, 'orga_X')}`);
  }
  const d = await ctl(app, 'GET', `/webhooks/deliveries?org=${credential}`);
  t.equal(d.statusCode, 200);
  out.push(d.body.replaceAll(orgId, 'orga_X'));
  return out;
}

/** Two subscriptions (one paused), a lead created and updated: events, and deliveries pending and sent. */
async function populate(app: FastifyInstance, credential: string, rxUrl: string, keys: Map<string, string>) {
  const c = basic(credential);
  const subs: string[] = [];
  for (const [path, events] of [['/a', [{ object_type: 'lead', action: 'created' }]],
    ['/b', [{ object_type: 'lead', action: 'updated', extra_filter: { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'name' } } }]]] as const) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/webhook/', headers: c, payload: { url: rxUrl + path, events } });
    t.equal(res.statusCode, 201);
    keys.set(res.json().id, res.json().signature_key);
    subs.push(res.json().id);
  }
  const lead = await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: c, payload: { name: 'Hooked' } });
  t.equal(lead.statusCode, 200);
  t.match((await ctl(app, 'POST', '/webhooks/flush', { org: credential })).json(), { attempted: 1, succeeded: 1 });
  t.equal((await app.inject({ method: 'PUT', url: `/api/v1/lead/${lead.json().id}/`, headers: c, payload: { name: 'Renamed' } })).statusCode, 200);
  return { subs, leadId: lead.json().id as string };
}

t.test('snapshot then restore, into the same and into another organization, gives the same subscriptions, events and deliveries', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  const source = (await ctl(app, 'POST', '/orgs', { credential: 'hooks' })).json();
  const { subs } = await populate(app, 'hooks', rx.url, rx.keys);
  const before = await answers(app, 'hooks', source.id);
  const snap = await ctl(app, 'GET', '/orgs/hooks/snapshot');
  t.equal(snap.statusCode, 200);
  const close = snap.json().close;
  t.equal(close.organization.id, source.id);
  t.equal(close.webhooks.length, 2);
  t.match(close.webhooks[0], { id: subs[0], signature_key: rx.keys.get(subs[0]!), status: 'active', failing_since: null });
  t.ok(close.events.length >= 2, 'the event log is in it');
  t.same(close.webhook_deliveries.map((d: { status: string }) => d.status), ['succeeded', 'pending']);

  // Changed after the snapshot: one subscription gone, another lead.
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/webhook/${subs[1]}/`, headers: basic('hooks') })).statusCode, 200);
  await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: basic('hooks'), payload: { name: 'Later' } });
  t.not((await answers(app, 'hooks', source.id)).join(), before.join());
  const same = await ctl(app, 'PUT', '/orgs/hooks/snapshot', snap.json());
  t.equal(same.statusCode, 200);
  t.match(same.json().counts.close, { webhooks: 2, webhook_deliveries: 2 });
  t.same(await answers(app, 'hooks', source.id), before, 'the same organization: the same bytes');

  const copy = (await ctl(app, 'POST', '/orgs', { credential: 'hooks-copy', dataset: 'empty' })).json();
  t.equal((await ctl(app, 'PUT', '/orgs/hooks-copy/snapshot', snap.json())).statusCode, 200);
  t.same(await answers(app, 'hooks-copy', copy.id), before, 'another organization: the same bytes, its own id');
  const event = (await app.inject({ url: '/api/v1/event/', headers: basic('hooks-copy') })).json().data[0];
  t.equal(event.organization_id, copy.id);
  t.equal(event.data.organization_id, copy.id, "the event's object names the organization it is in now");
});

t.test('a restored subscription signs its deliveries with the key its receiver was given', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  await ctl(app, 'POST', '/orgs', { credential: 'signer' });
  const { subs } = await populate(app, 'signer', rx.url, rx.keys);
  const snap = (await ctl(app, 'GET', '/orgs/signer/snapshot')).json();
  const copy = (await ctl(app, 'POST', '/orgs', { credential: 'signer-copy', dataset: 'empty' })).json();
  t.equal((await ctl(app, 'PUT', '/orgs/signer-copy/snapshot', snap)).statusCode, 200);
  rx.got.length = 0;
  const lead = await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: basic('signer-copy'), payload: { name: 'After restore' } });
  t.equal(lead.statusCode, 200);
  t.match((await ctl(app, 'POST', '/webhooks/flush', { org: 'signer-copy' })).json(), { attempted: 1, succeeded: 1 });
  t.equal(rx.got.length, 1);
  t.equal(rx.got[0]!.body.subscription_id, subs[0]);
  t.equal(rx.got[0]!.body.event.organization_id, copy.id);
  t.ok(rx.got[0]!.signatureOk, 'verifies with the original signature key');
});

t.test('a dataset with a bad subscription, event or delivery is a 400 naming the path inside it, and changes nothing', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'bad-hooks' })).json();
  await populate(app, 'bad-hooks', rx.url, rx.keys);
  const good = (await ctl(app, 'GET', '/orgs/bad-hooks/snapshot')).json();
  const before = digest(app, org.id);
  const c = good.close;
  const w0 = c.webhooks[0];
  const with_ = (close: Record<string, unknown>) => ({ ...good, close: { ...c, ...close } });
  const cases: [unknown, RegExp][] = [
    [with_({ webhooks: [{ ...w0, id: 'whsub_short' }] }), /^dataset\/close\/webhooks\/0\/id$/],
    [with_({ webhooks: [w0, w0] }), /^dataset\/close\/webhooks\/1\/id$/],
    [with_({ webhooks: [{ ...w0, signature_key: 'not-hex' }] }), /^dataset\/close\/webhooks\/0\/signature_key$/],
    [with_({ webhooks: [{ ...w0, url: 'ftp://example.com/' }] }), /^dataset\/close\/webhooks\/0\/url$/],
    [with_({ webhooks: [{ ...w0, events: [] }] }), /^dataset\/close\/webhooks\/0\/events$/],
    [with_({ webhooks: [{ ...w0, events: [{ object_type: 'lead', action: 'created', extra_filter: { type: 'nope' } }] }] }), /^dataset\/close\/webhooks\/0\/events$/],
    [with_({ webhooks: [{ ...w0, status: 'constructor' }] }), /^close\.webhooks\.0\.status$/],
    [with_({ events: [{ ...c.events[0], id: 'ev_bad' }] }), /^dataset\/close\/events\/0\/id$/],
    [with_({ events: [c.events[0], { ...c.events[1], seq: c.events[0].seq }] }), /^dataset\/close\/events\/1\/seq$/],
    [with_({ events: [{ ...c.events[0], changed_fields: 'name' }] }), /^close\.events\.0\.changed_fields$/],
    [with_({ webhook_deliveries: [{ ...c.webhook_deliveries[0], subscription_id: 'whsub_0000000000000000000000' }] }), /^dataset\/close\/webhook_deliveries\/0\/subscription_id$/],
    [with_({ webhook_deliveries: [{ ...c.webhook_deliveries[0], event_id: 'ev_0000000000000000000000' }] }), /^dataset\/close\/webhook_deliveries\/0\/event$/],
    [with_({ webhook_deliveries: [{ ...c.webhook_deliveries[0], status: 'sent' }] }), /^close\.webhook_deliveries\.0\.status$/],
  ];
  for (const [body, field] of cases) isControlError(t, await ctl(app, 'PUT', '/orgs/bad-hooks/snapshot', body), 400, 'VALIDATION_ERROR', field);
  t.equal(digest(app, org.id), before, 'nothing changed');
  t.equal(count(app, 'close_webhooks', org.id), 2);
});

t.test('a dataset without subscriptions, events or deliveries (the seed) restores as before, with none', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'plain' })).json();
  await populate(app, 'plain', rx.url, rx.keys);
  const snap = (await ctl(app, 'GET', '/orgs/plain/snapshot')).json();
  const { webhooks: _w, events: _e, webhook_deliveries: _d, ...close } = snap.close;
  t.equal((await ctl(app, 'PUT', '/orgs/plain/snapshot', { ...snap, close: { ...close, organization: { name: close.organization.name } } })).statusCode, 200);
  for (const table of ['close_webhooks', 'close_events', 'close_webhook_deliveries']) t.equal(count(app, table, org.id), 0, table);
});
