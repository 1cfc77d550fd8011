import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const [u0, u1] = [CS.users[0]!.id, CS.users[1]!.id];
const typed = CS.typed_activities!;
const forms = typed.filter((a) => a._type === 'FormSubmission') as Extract<(typeof typed)[number], { _type: 'FormSubmission' }>[];
const messages = typed.filter((a) => a._type === 'WhatsAppMessage');
const withContacts = CS.leads.filter((l) => l.contacts.length > 1);
const lead = withContacts[0]!;
const otherLead = withContacts[1]!;
const ID = /^acti_[0-9A-Za-z]{43}$/;
const newestFirst = (list: { id: string; date_created: string }[]) =>
  [...list].sort((a, b) => (b.date_created + b.id).localeCompare(a.date_created + a.id)).map((a) => a.id);
const eventsOf = (app: FastifyInstance, id: string) =>
  rows(app, 'SELECT object_type, action FROM close_events WHERE org_id = ? AND object_id = ? ORDER BY seq', closeOrg(app), id).map((e) => `${e.object_type} ${e.action}`);
const ids = async (app: FastifyInstance, path: string) => {
  const res = await call(app, { path });
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return (res.json().data as { id: string }[]).map((a) => a.id);
};
const wa = (extra: Record<string, unknown> = {}) => ({
  lead_id: lead.id, contact_id: lead.contacts[0]!.id, activity_at: '2026-01-05T10:00:00Z', direction: 'outgoing', external_whatsapp_message_id: 'wamid.1',
  local_phone: '+1 415 555 0001', remote_phone: '+14155550100', message_markdown: 'Hi *Ann*, see _you_ <soon> ~never~', ...extra,
});
async function post(app: FastifyInstance, payload: Record<string, unknown>, at?: string) {
  if (at) await ctl(app, 'PUT', '/clock', { now: at, frozen: true });
  const res = await call(app, { method: 'POST', path: '/activity/whatsapp_message/', payload });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json() as { id: string } & Record<string, unknown>;
}

t.test('a WhatsApp message is logged, read, updated and deleted with Close\'s fields, stored row and events', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const m = await post(app, wa({ integration_link: 'https://crm.example.com/m/1', user_id: u1 }));
  t.match(m.id, ID);
  t.match(m, {
    _type: 'WhatsAppMessage', lead_id: lead.id, contact_id: lead.contacts[0]!.id, user_id: u1, users: [u1], created_by: u0, direction: 'outgoing',
    external_whatsapp_message_id: 'wamid.1', local_phone: '+14155550001', local_phone_formatted: '+14155550001', remote_phone: '+14155550100',
    message_markdown: 'Hi *Ann*, see _you_ <soon> ~never~', message_html: 'Hi <b>Ann</b>, see <i>you</i> &lt;soon&gt; <s>never</s>',
    text: 'Hi Ann, see you <soon> never', integration_link: 'https://crm.example.com/m/1', integration_name: null, response_to_id: null,
    source: 'api', attachments: [], activity_at: '2026-01-05T10:00:00.000000+00:00', organization_id: org,
  });
  const row = rows(app, 'SELECT type, lead_id, user_id, fields FROM close_typed_activities WHERE org_id = ? AND id = ?', org, m.id)[0]!;
  t.same({ ...row, fields: JSON.parse(row.fields as string) }, { type: 'WhatsAppMessage', lead_id: lead.id, user_id: u1, fields: {
    external_whatsapp_message_id: 'wamid.1', direction: 'outgoing', message_markdown: 'Hi *Ann*, see _you_ <soon> ~never~', local_phone: '+14155550001',
    remote_phone: '+14155550100', integration_link: 'https://crm.example.com/m/1', response_to_id: null, source: 'api',
  } });
  t.same((await call(app, { path: `/activity/whatsapp_message/${m.id}/` })).json(), m);
  t.same((await call(app, { path: `/activity/${m.id}/` })).json(), m);
  const reply = await post(app, wa({ direction: 'incoming', external_whatsapp_message_id: 'wamid.2', message_markdown: 'ok\nthanks', response_to_id: m.id }));
  t.match(reply, { response_to_id: m.id, message_html: 'ok<br>thanks', text: 'ok\nthanks', direction: 'incoming' });
  const up = await call(app, { method: 'PUT', path: `/activity/whatsapp_message/${m.id}/`, payload: { message_markdown: 'edited', contact_id: lead.contacts[1]!.id } });
  t.equal(up.statusCode, 200, up.body);
  t.match(up.json(), { message_markdown: 'edited', text: 'edited', contact_id: lead.contacts[1]!.id, external_whatsapp_message_id: 'wamid.1', integration_link: 'https://crm.example.com/m/1' });
  t.same((await call(app, { method: 'DELETE', path: `/activity/whatsapp_message/${m.id}/` })).json(), {});
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND id = ?', org, m.id), []);
  t.same(eventsOf(app, m.id), ['activity.whatsapp_message created', 'activity.whatsapp_message updated', 'activity.whatsapp_message deleted']);
  isError(t, await call(app, { path: `/activity/whatsapp_message/${m.id}/` }), 404);
});

t.test('bad WhatsApp input is a 400 naming the field and writes nothing', async (t) => {
  const app = await build(t);
  const m = await post(app, wa());
  const before = closeState(app);
  const omit = (key: string) => Object.fromEntries(Object.entries(wa()).filter(([k]) => k !== key));
  const cases: [string, Record<string, unknown>, string][] = [
    ...['lead_id', 'contact_id', 'activity_at', 'direction', 'external_whatsapp_message_id', 'local_phone', 'remote_phone', 'message_markdown']
      .map((k): [string, Record<string, unknown>, string] => ['POST', omit(k), k]),
    ['POST', wa({ direction: 'outbound' }), 'direction'],
    ['POST', wa({ lead_id: 'lead_missing' }), 'lead_id'],
    ['POST', wa({ contact_id: otherLead.contacts[0]!.id }), 'contact_id'],
    ['POST', wa({ user_id: 'user_missing' }), 'user_id'],
    ['POST', wa({ remote_phone: '555' }), 'remote_phone'],
    ['POST', wa({ integration_link: 'ftp://x' }), 'integration_link'],
    ['POST', wa({ activity_at: 'later' }), 'activity_at'],
    ['POST', wa({ response_to_id: 'acti_missing' }), 'response_to_id'],
    ['POST', wa({ response_to_id: typed.find((a) => a._type === 'SMS')!.id }), 'response_to_id'],
    ['POST', wa({ attachments: [{ url: 'https://app.close.com/go/file/x', filename: 'a.pdf', content_type: 'application/pdf' }] }), 'attachments'],
    ['PUT', { direction: 'sideways' }, 'direction'],
    ['PUT', { response_to_id: m.id }, 'response_to_id'],
    ['PUT', { local_phone: 'abc' }, 'local_phone'],
  ];
  for (const [method, payload, field] of cases) {
    const path = method === 'POST' ? '/activity/whatsapp_message/' : `/activity/whatsapp_message/${m.id}/`;
    t.test(`${method} ${JSON.stringify(payload)}`, async (t) => isFieldError(t, await call(app, { method: method as 'POST', path, payload }), field));
  }
  isFieldError(t, await call(app, { method: 'POST', path: '/activity/whatsapp_message/?send_to_inbox=true', payload: wa({ direction: 'incoming' }) }), 'send_to_inbox');
  t.equal(closeState(app), before, 'nothing written');
  isError(t, await call(app, { method: 'PUT', path: '/activity/whatsapp_message/acti_missing/', payload: { message_markdown: 'x' } }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/activity/whatsapp_message/acti_missing/' }), 404);
  isError(t, await call(app, { path: `/activity/form_submission/${m.id}/` }), 404);
  isError(t, await call(app, { path: `/activity/whatsapp_message/${forms[0]!.id}/` }), 404);
});

t.test('GET /activity/whatsapp_message/ honours each documented filter (literal ids, newest first)', async (t) => {
  const app = await build(t);
  const [A, B] = [lead, otherLead];
  const c1 = (await post(app, wa({ user_id: u0, activity_at: '2026-01-01T00:00:00Z' }), '2026-01-01T00:00:00Z')).id;
  const c2 = (await post(app, wa({ user_id: u1, contact_id: A.contacts[1]!.id, external_whatsapp_message_id: 'wamid.x' }), '2026-02-01T00:00:00Z')).id;
  const c3 = (await post(app, wa({ lead_id: B.id, contact_id: B.contacts[0]!.id, user_id: u0, activity_at: '2025-12-01T00:00:00Z' }), '2026-03-01T00:00:00Z')).id;
  const both = `lead_id=${A.id},${B.id}`;
  const mine = (list: string[]) => list.filter((id) => [c1, c2, c3].includes(id));
  const cases: [string, string[]][] = [
    [`lead_id=${A.id}`, [c2, c1]], [both, [c3, c2, c1]], [`${both}&contact_id=${A.contacts[1]!.id}`, [c2]], [`${both}&user_id=${u1}`, [c2]],
    [`id__in=${c1},${c3}`, [c3, c1]], [`${both}&date_created__gt=2026-01-01T00:00:00Z`, [c3, c2]], [`${both}&date_created__lte=2026-02-01`, [c2, c1]], [`${both}&date_created__lt=2026-02-01`, [c1]],
    [`${both}&activity_at__lt=2026-01-01`, [c3]], [`${both}&activity_at__gte=2026-01-01`, [c2, c1]], [`${both}&_type=WhatsAppMessage`, [c3, c2, c1]],
    [`${both}&external_whatsapp_message_id=wamid.x`, [c2]], [`${both}&_limit=1&_skip=1`, [c2]], [`${both}&organization_id=orga_other`, []],
  ];
  for (const [qs, expected] of cases) t.same(mine(await ids(app, `/activity/whatsapp_message/?${qs}`)), expected, qs);
  t.same((await call(app, { path: `/activity/whatsapp_message/?id__in=${c3}&_fields=id,_type` })).json(), { data: [{ id: c3, _type: 'WhatsAppMessage' }], has_more: false });
  t.same(mine(await ids(app, `/activity/?_type=WhatsAppMessage&${both}`)), [c3, c2, c1], '/activity/ _type');
  isFieldError(t, await call(app, { path: '/activity/whatsapp_message/?_type=SMS' }), '_type');
  isFieldError(t, await call(app, { path: '/activity/whatsapp_message/?_limit=201' }), '_limit');
  isFieldError(t, await call(app, { path: '/activity/whatsapp_message/?activity_at__gt=soon' }), 'activity_at__gt');
});

t.test('form submissions come from the seed: listed, filtered by form, read and deleted with their event', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  t.ok(forms.length >= 3 && messages.length >= 3);
  t.same(await ids(app, '/activity/form_submission/'), newestFirst(forms));
  const f = forms[0]!;
  const got = (await call(app, { path: `/activity/form_submission/${f.id}/` })).json();
  t.match(got, {
    id: f.id, _type: 'FormSubmission', lead_id: f.lead_id, form_id: f.form_id, form_configuration_id: f.form_configuration_id, form_name: f.form_name,
    values: f.values, values_by_name: f.values_by_name, users: [], user_id: null, organization_id: org, source_url: f.source_url,
  });
  t.equal(got.source_url_normalized, f.source_url!.split('?')[0]!.replace(/\/$/, ''));
  const byForm = (id: string) => newestFirst(forms.filter((x) => x.form_id === id));
  const formIds = [...new Set(forms.map((x) => x.form_id))];
  t.ok(formIds.length >= 2);
  t.same(await ids(app, `/activity/form_submission/?form_id=${formIds[0]}`), byForm(formIds[0]!));
  t.same(await ids(app, `/activity/form_submission/?form_id__in=${formIds.join(',')}`), newestFirst(forms));
  t.same(await ids(app, `/activity/form_submission/?lead_id__in=${f.lead_id}`), newestFirst(forms.filter((x) => x.lead_id === f.lead_id)));
  t.same(await ids(app, `/activity/form_submission/?contact_id__in=${f.contact_id}`), newestFirst(forms.filter((x) => x.contact_id === f.contact_id)));
  t.same(await ids(app, `/activity/form_submission/?user_id__in=${u0}`), []);
  t.same(await ids(app, '/activity/form_submission/?_type__in=FormSubmission'), newestFirst(forms));
  t.same(await ids(app, `/activity/form_submission/?date_created__gte=${f.date_created.slice(0, 19)}Z&id__in=${f.id}`), [f.id]);
  t.same((await ids(app, '/activity/?_type=FormSubmission&_limit=200')).sort(), forms.map((x) => x.id).sort(), '/activity/ _type');
  t.same((await ids(app, '/activity/?_type__in=FormSubmission,WhatsAppMessage&_limit=200')).sort(), [...forms, ...messages].map((x) => x.id).sort());
  isFieldError(t, await call(app, { path: '/activity/form_submission/?_type__in=Note' }), '_type__in');
  isError(t, await call(app, { method: 'POST', path: '/activity/form_submission/', payload: { lead_id: f.lead_id } }), 404);
  isError(t, await call(app, { method: 'PUT', path: `/activity/form_submission/${f.id}/`, payload: {} }), 404);
  t.same((await call(app, { method: 'DELETE', path: `/activity/form_submission/${f.id}/` })).json(), {});
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND id = ?', org, f.id), []);
  t.same(eventsOf(app, f.id), ['activity.form_submission deleted']);
  isError(t, await call(app, { path: `/activity/form_submission/${f.id}/` }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/activity/form_submission/${f.id}/` }), 404);
});

t.test('deleting a lead, alone or in a bulk delete, deletes its WhatsApp messages and form submissions with their events', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const leadOf = forms[0]!.lead_id;
  const mine = typed.filter((a) => a.lead_id === leadOf && (a._type === 'FormSubmission' || a._type === 'WhatsAppMessage')).map((a) => a.id);
  const contact = CS.leads.find((l) => l.id === leadOf)!.contacts[0]!.id;
  const m = await post(app, wa({ lead_id: leadOf, contact_id: contact }));
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${leadOf}/` })).statusCode, 200);
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND lead_id = ?', org, leadOf), []);
  const deleted = rows(app, `SELECT object_id FROM close_events WHERE org_id = ? AND action = 'deleted' AND object_type IN ('activity.whatsapp_message', 'activity.form_submission')`, org);
  t.same(deleted.map((e) => e.object_id).sort(), [...mine, m.id].sort());
  const other = messages.find((a) => a.lead_id !== leadOf)!.lead_id;
  t.equal((await call(app, { method: 'POST', path: '/bulk_action/delete/', payload: { s_query: leadsQuery(other) } })).statusCode, 200);
  for (let i = 0; i < 100 && rows(app, 'SELECT 1 FROM close_leads WHERE org_id = ? AND id = ?', org, other).length > 0; i++) app.closeJobs.tick();
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND lead_id = ?', org, other), []);
});

t.test('a snapshot keeps WhatsApp messages and form submissions: restored, the same bytes', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'wa-snap' });
  const headers = basic('wa-snap');
  const api = (method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const first = await api('POST', '/activity/whatsapp_message/', wa({ integration_link: 'https://x.example/1' }));
  t.equal(first.statusCode, 200, first.body);
  t.equal((await api('POST', '/activity/whatsapp_message/', wa({ response_to_id: first.json().id, direction: 'incoming' }))).statusCode, 200);
  const reads = async () => Promise.all(['/activity/whatsapp_message/', '/activity/form_submission/', '/activity/?_limit=200'].map(async (u) => (await api('GET', u)).body));
  const before = await reads();
  const snap = (await ctl(app, 'GET', '/orgs/wa-snap/snapshot')).json();
  t.equal(snap.close.typed_activities.length, typed.length + 2);
  t.equal((await ctl(app, 'PUT', '/orgs/wa-snap/snapshot', snap)).statusCode, 200);
  t.same(await reads(), before, 'the same answers');
  t.same((await ctl(app, 'GET', '/orgs/wa-snap/snapshot')).json(), snap, 'the same snapshot');
  const bad = structuredClone(snap);
  bad.close.typed_activities.find((a: { _type: string }) => a._type === 'FormSubmission').form_id = 7;
  t.equal((await ctl(app, 'PUT', '/orgs/wa-snap/snapshot', bad)).statusCode, 400);
  const badDir = structuredClone(snap);
  badDir.close.typed_activities.find((a: { _type: string }) => a._type === 'WhatsAppMessage').direction = 'outbound';
  t.equal((await ctl(app, 'PUT', '/orgs/wa-snap/snapshot', badDir)).statusCode, 400);
});
