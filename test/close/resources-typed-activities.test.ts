import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const apiUser = CS.users[0]!.id;
const otherUser = CS.users[1]!.id;
const lead = SEEDED_LEAD.id;
const contact = SEEDED_LEAD.contacts[0]!.id;
const otherLead = CS.leads.find((l) => l.contacts.length > 0 && l.id !== lead)!;
const ID = /^acti_[0-9A-Za-z]{43}$/;
/** The stored events of one object, newest first, as `object_type action`. */
const eventsOf = (app: Parameters<typeof closeOrg>[0], id: string) =>
  rows(app, 'SELECT object_type, action, changed_fields FROM close_events WHERE org_id = ? AND object_id = ? ORDER BY seq DESC', closeOrg(app), id);
const actions = (evs: Record<string, unknown>[]) => evs.map((e) => `${e.object_type} ${e.action}`);

t.test('GET /activity/note/ is the note list, not the activity with id "note"', async (t) => {
  const app = await build(t);
  const res = await call(app, { path: '/activity/note/?_limit=5' });
  t.equal(res.statusCode, 200);
  t.ok(res.json().data.length > 0);
  t.ok(res.json().data.every((a: { _type: string }) => a._type === 'Note'));
  for (const segment of ['call', 'meeting', 'sms']) t.equal((await call(app, { path: `/activity/${segment}/` })).statusCode, 200, segment);
});

t.test('a note is created, read, updated and deleted with its own fields, stamps and events', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/activity/note/', payload: { lead_id: lead, contact_id: contact, note_html: '<p>Met <b>Ann</b></p>', title: 'Intro', pinned: true } });
  t.equal(res.statusCode, 200, res.body);
  const n = res.json();
  t.match(n.id, ID);
  t.match(n, {
    _type: 'Note', lead_id: lead, contact_id: contact, note: 'Met Ann', note_html: '<p>Met <b>Ann</b></p>', title: 'Intro', pinned: true,
    user_id: apiUser, created_by: apiUser, updated_by: apiUser, users: [apiUser], organization_id: org, attachments: [],
  });
  t.equal(n.activity_at, n.date_created);
  t.same(rows(app, 'SELECT lead_id, contact_id, note, title, pinned, created_by FROM close_activities WHERE org_id = ? AND id = ?', org, n.id),
    [{ lead_id: lead, contact_id: contact, note: 'Met Ann', title: 'Intro', pinned: 1, created_by: apiUser }]);
  t.same((await call(app, { path: `/activity/note/${n.id}/` })).json(), n);
  t.same((await call(app, { path: `/activity/${n.id}/` })).json(), n);
  const up = await call(app, { method: 'PUT', path: `/activity/note/${n.id}/`, payload: { note: 'Met Ann and Bob', pinned: false } });
  t.equal(up.statusCode, 200, up.body);
  t.match(up.json(), { note: 'Met Ann and Bob', note_html: '<p>Met <b>Ann</b></p>', pinned: false, title: 'Intro' });
  t.ok(up.json().date_updated > n.date_updated);
  t.same((await call(app, { method: 'DELETE', path: `/activity/note/${n.id}/` })).json(), {});
  t.same(rows(app, 'SELECT id FROM close_activities WHERE org_id = ? AND id = ?', org, n.id), []);
  const ev = eventsOf(app, n.id);
  t.same(actions(ev), ['activity.note deleted', 'activity.note updated', 'activity.note created']);
  t.same(JSON.parse(ev[1]!.changed_fields as string), ['date_updated', 'note', 'pinned']);
  isError(t, await call(app, { path: `/activity/note/${n.id}/` }), 404);
});

t.test('a call is logged with Close\'s call fields, updated and deleted, each with its event', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/activity/call/', payload: {
    lead_id: lead, contact_id: contact, direction: 'inbound', duration: 95, phone: '+1 (415) 555-0100', note: 'Asked for pricing', status: 'completed',
    recording_url: 'https://example.com/r.mp3', user_id: otherUser,
  } });
  t.equal(res.statusCode, 200, res.body);
  const c = res.json();
  t.match(c, {
    _type: 'Call', lead_id: lead, contact_id: contact, direction: 'inbound', duration: 95, phone: '+14155550100', remote_phone: '+14155550100',
    local_phone: null, disposition: 'answered', status: 'completed', source: 'External', note: 'Asked for pricing', recording_url: 'https://example.com/r.mp3',
    voicemail_url: null, user_id: otherUser, created_by: apiUser, outcome_id: null, sequence_id: null,
  });
  t.equal(c.user_name, `${CS.users[1]!.first_name} ${CS.users[1]!.last_name}`);
  t.same(rows(app, 'SELECT type, lead_id, user_id, fields FROM close_typed_activities WHERE org_id = ? AND id = ?', org, c.id).map((r) => ({ ...r, fields: JSON.parse(r.fields as string) })),
    [{ type: 'Call', lead_id: lead, user_id: otherUser, fields: {
      direction: 'inbound', duration: 95, phone: '+14155550100', status: 'completed', source: 'External', note: 'Asked for pricing', note_html: null,
      recording_url: 'https://example.com/r.mp3', voicemail_url: null,
    } }]);
  const up = await call(app, { method: 'PUT', path: `/activity/call/${c.id}/`, payload: { status: 'no-answer', duration: 0 } });
  t.match(up.json(), { status: 'no-answer', disposition: 'no-answer', duration: 0, direction: 'inbound', updated_by: apiUser });
  const moved = await call(app, { method: 'PUT', path: `/activity/call/${c.id}/`, payload: { lead_id: otherLead.id, contact_id: otherLead.contacts[0]!.id } });
  t.match(moved.json(), { lead_id: otherLead.id, contact_id: otherLead.contacts[0]!.id });
  t.same((await call(app, { method: 'DELETE', path: `/activity/call/${c.id}/` })).json(), {});
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND id = ?', org, c.id), []);
  t.same(actions(eventsOf(app, c.id)), ['activity.call deleted', 'activity.call updated', 'activity.call created'], 'two updates within seconds are one event');
});

t.test('an SMS is logged with Close\'s SMS fields; outbox is sent at once', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/activity/sms/', payload: {
    lead_id: lead, status: 'outbox', text: 'See you at 3', local_phone: '+14155550001', remote_phone: '+14155550100',
  } });
  t.equal(res.statusCode, 200, res.body);
  const s = res.json();
  t.match(s, {
    _type: 'SMS', lead_id: lead, status: 'sent', direction: 'outbound', text: 'See you at 3', local_phone: '+14155550001', remote_phone: '+14155550100',
    local_phone_formatted: '+14155550001', source: 'External', date_sent: s.date_updated, attachments: [], template_id: null, cost: null,
  });
  const inbound = (await call(app, { method: 'POST', path: '/activity/sms/', payload: { lead_id: lead, status: 'inbox', text: 'ok' } })).json();
  t.match(inbound, { direction: 'inbound', status: 'inbox' });
  const draft = (await call(app, { method: 'POST', path: '/activity/sms/', payload: { lead_id: lead, status: 'draft', text: 'draft' } })).json();
  t.equal(draft.date_sent, null);
  const up = await call(app, { method: 'PUT', path: `/activity/sms/${draft.id}/`, payload: { status: 'outbox', text: 'final' } });
  t.match(up.json(), { status: 'sent', text: 'final' });
  t.ok(up.json().date_sent);
  t.same((await call(app, { method: 'DELETE', path: `/activity/sms/${s.id}/` })).json(), {});
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND id = ?', org, s.id), []);
  t.same(actions(eventsOf(app, draft.id)), ['activity.sms updated', 'activity.sms created']);
});

t.test('bad typed-activity input is a 400 naming the field and writes nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['POST', '/activity/note/', { note: 'x' }, 'lead_id'],
    ['POST', '/activity/note/', { lead_id: 'lead_missing', note: 'x' }, 'lead_id'],
    ['POST', '/activity/note/', { lead_id: lead, contact_id: otherLead.contacts[0]!.id }, 'contact_id'],
    ['POST', '/activity/note/', { lead_id: lead, user_id: 'user_missing' }, 'user_id'],
    ['POST', '/activity/note/', { lead_id: lead, created_by_id: 'user_missing' }, 'created_by_id'],
    ['POST', '/activity/note/', { lead_id: lead, pinned: 'yes' }, 'pinned'],
    ['POST', '/activity/note/', { lead_id: lead, attachments: [{ url: 'https://x' }] }, 'attachments'],
    ['POST', '/activity/note/', { lead_id: lead, date_created: 'yesterday' }, 'date_created'],
    ['POST', '/activity/call/', { lead_id: lead, direction: 'sideways' }, 'direction'],
    ['POST', '/activity/call/', { lead_id: lead, status: 'done' }, 'status'],
    ['POST', '/activity/call/', { lead_id: lead, duration: 'long' }, 'duration'],
    ['POST', '/activity/call/', { lead_id: lead, duration: -1 }, 'duration'],
    ['POST', '/activity/call/', { lead_id: lead, phone: '555' }, 'phone'],
    ['POST', '/activity/call/', { lead_id: lead, recording_url: 'not a url' }, 'recording_url'],
    ['POST', '/activity/call/', { lead_id: lead, outcome_id: 'outcome_1' }, 'outcome_id'],
    ['POST', '/activity/sms/', { lead_id: lead }, 'status'],
    ['POST', '/activity/sms/', { lead_id: lead, status: 'delivered' }, 'status'],
    ['POST', '/activity/sms/', { lead_id: lead, status: 'sent', direction: 'up' }, 'direction'],
    ['POST', '/activity/sms/', { lead_id: lead, status: 'sent', remote_phone: 'abc' }, 'remote_phone'],
    ['POST', '/activity/sms/', { lead_id: lead, status: 'sent', template_id: 'smstmpl_1' }, 'template_id'],
    ['POST', '/activity/sms/?send_to_inbox=true', { lead_id: lead, status: 'inbox' }, 'send_to_inbox'],
  ];
  for (const [method, path, payload, field] of cases) {
    t.test(`${method} ${path} ${JSON.stringify(payload)}`, async (t) => isFieldError(t, await call(app, { method: method as 'POST', path, payload }), field));
  }
  const sms = (await call(app, { method: 'POST', path: '/activity/sms/', payload: { lead_id: lead, status: 'draft' } })).json();
  const after = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/sms/${sms.id}/`, payload: { status: 'lost' } }), 'status');
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/sms/${sms.id}/`, payload: { lead_id: 'lead_missing' } }), 'lead_id');
  t.equal(closeState(app), after, 'a refused update changes nothing');
  t.not(before, after);
});

t.test('unknown ids, and an activity of another type, are 404s', async (t) => {
  const app = await build(t);
  const note = (await call(app, { method: 'POST', path: '/activity/note/', payload: { lead_id: lead, note: 'x' } })).json();
  for (const segment of ['note', 'call', 'meeting', 'sms']) {
    isError(t, await call(app, { path: `/activity/${segment}/acti_missing/` }), 404);
    isError(t, await call(app, { method: 'DELETE', path: `/activity/${segment}/acti_missing/` }), 404);
  }
  isError(t, await call(app, { path: `/activity/call/${note.id}/` }), 404);
  isError(t, await call(app, { method: 'PUT', path: `/activity/sms/${note.id}/`, payload: { text: 'x' } }), 404);
  isError(t, await call(app, { method: 'PUT', path: '/activity/meeting/acti_missing/', payload: { title: 'x' } }), 404);
});
