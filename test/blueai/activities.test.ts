import t from 'tap';
import { build, bearer, orgOf, row, count, snapshot, isError, SEED_IDS, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// /activities: notes, calls, emails and meetings on a deal or a contact (BlueAI's reference, §5).
const url = '/api/v1/crm/activities';
const { deal1, deal2, contact, member } = SEED_IDS;
const ACT_ID = /^act_[0-9a-f]{32}$/;

type Activity = { id: string; type: string; content: string; deal_id: string | null; contact_id: string | null; created_by: string | null; created_at: string };
const stored = (app: Awaited<ReturnType<typeof build>>, id: string) => {
  const r = row(app, 'blueai_activities', orgOf(app), id);
  if (!r) return undefined;
  const { org_id: _o, ...rest } = r;
  return rest;
};

t.test('the list is newest first, pages with limit/offset and counts every activity of the organization', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const res = await app.inject({ url: `${url}?limit=200`, headers: bearer() });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.total, count(app, 'blueai_activities', org));
  t.equal(body.limit, 200);
  t.equal(body.offset, 0);
  const keys = body.items.map((a: Activity) => `${a.created_at} ${a.id}`);
  t.same(keys, [...keys].sort().reverse(), 'newest first, ties by id');
  const page = await app.inject({ url: `${url}?limit=5&offset=10`, headers: bearer() });
  t.same(page.json().items, body.items.slice(10, 15));
  t.same(stored(app, body.items[0].id), body.items[0], 'an item is the stored row');
});

t.test('type, deal_id and contact_id filter the list, alone and together', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  for (const type of ['note', 'call', 'email', 'meeting']) {
    const res = (await app.inject({ url: `${url}?type=${type}&limit=1`, headers: bearer() })).json();
    t.equal(res.total, count(app, 'blueai_activities', org, 'type = ?', type), type);
    t.ok(res.total > 0, `the seed has ${type}s`);
  }
  const onDeal = (await app.inject({ url: `${url}?deal_id=${deal1}&limit=200`, headers: bearer() })).json();
  t.equal(onDeal.total, count(app, 'blueai_activities', org, 'deal_id = ?', deal1));
  t.ok(onDeal.items.every((a: Activity) => a.deal_id === deal1));
  const viaDeal = (await app.inject({ url: `/api/v1/crm/deals/${deal1}/activities?limit=200`, headers: bearer() })).json();
  t.same(viaDeal, onDeal, 'GET /deals/{id}/activities shows the same rows');

  const created = await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'call', content: '架電', contact_id: contact } });
  const onContact = (await app.inject({ url: `${url}?contact_id=${contact}&type=call`, headers: bearer() })).json();
  t.equal(onContact.total, count(app, 'blueai_activities', org, `contact_id = ? AND type = 'call'`, contact));
  t.ok(onContact.items.some((a: Activity) => a.id === created.json().id));
  t.ok(onContact.items.every((a: Activity) => a.contact_id === contact && a.type === 'call'));
  const none = (await app.inject({ url: `${url}?deal_id=deal_00000000000000000000000000000000`, headers: bearer() })).json();
  t.same({ items: none.items, total: none.total }, { items: [], total: 0 }, 'an unknown deal_id filters to nothing');
});

t.test('bad list parameters are 400s in the envelope', async (t) => {
  const app = await build(t);
  for (const q of ['type=task', 'type=stage_change', 'limit=201', 'limit=0', 'offset=-1']) {
    isError(t, await app.inject({ url: `${url}?${q}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
  }
  const err = isError(t, await app.inject({ url: `${url}?type=task`, headers: bearer() }), 400, 'VALIDATION_ERROR');
  t.same(err.details.fields, { type: 'must be one of: note, call, email, meeting' });
});

t.test('creating an activity on a deal stores it with an act_ id and the acting member as created_by', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'meeting', content: '定例MTG。次回までに見積もり。', deal_id: deal2 } });
  t.equal(res.statusCode, 201);
  const a = res.json() as Activity;
  t.match(a.id, ACT_ID);
  t.same({ ...a, id: 'x', created_at: 'x' }, { id: 'x', type: 'meeting', content: '定例MTG。次回までに見積もり。', deal_id: deal2, contact_id: null, created_by: member, created_at: 'x' });
  t.same(stored(app, a.id), a);
  const first = (await app.inject({ url: `/api/v1/crm/deals/${deal2}/activities?limit=1`, headers: bearer() })).json().items[0];
  t.same(first, a, 'newest on the deal');
});

t.test('an activity may belong to a contact alone, or to a deal and a contact', async (t) => {
  const app = await build(t);
  const onContact = await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'email', content: 'mail', contact_id: contact, deal_id: null } });
  t.equal(onContact.statusCode, 201);
  t.same(stored(app, onContact.json().id), onContact.json());
  t.equal(onContact.json().deal_id, null);
  const both = await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'note', content: 'n', contact_id: contact, deal_id: deal1 } });
  t.equal(both.statusCode, 201);
  t.same([both.json().deal_id, both.json().contact_id], [deal1, contact]);
});

t.test('a bad activity is a 400 naming the field and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_activities', org);
  const theirs = (await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('other-org'), payload: { name: 'theirs' } })).json().id as string;
  const theirContact = (await app.inject({ method: 'POST', url: '/api/v1/crm/contacts', headers: bearer('other-org'), payload: { last_name: '他社' } })).json().id as string;
  const cases: [Record<string, unknown>, string][] = [
    [{ type: 'task', content: 'x', deal_id: deal1 }, 'type'],
    [{ type: 'stage_change', content: 'x', deal_id: deal1 }, 'type'],
    [{ content: 'x', deal_id: deal1 }, 'type'],
    [{ type: 'note', deal_id: deal1 }, 'content'],
    [{ type: 'note', content: '', deal_id: deal1 }, 'content'],
    [{ type: 'note', content: 'x'.repeat(10_001), deal_id: deal1 }, 'content'],
    [{ type: 'note', content: 'x' }, 'deal_id'],
    [{ type: 'note', content: 'x', deal_id: null, contact_id: null }, 'deal_id'],
    [{ type: 'note', content: 'x', deal_id: theirs }, 'deal_id'],
    [{ type: 'note', content: 'x', deal_id: 'deal_00000000000000000000000000000000' }, 'deal_id'],
    [{ type: 'note', content: 'x', contact_id: theirContact }, 'contact_id'],
    [{ type: 'note', content: 'x', deal_id: deal1, contact_id: theirContact }, 'contact_id'],
    [{ type: 'note', content: 'x', deal_id: 42 }, 'deal_id'],
  ];
  for (const [payload, field] of cases) {
    const err = isError(t, await app.inject({ method: 'POST', url, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
    t.ok(err.details.fields && field in err.details.fields, `${JSON.stringify(payload).slice(0, 80)} names ${field}: ${JSON.stringify(err.details)}`);
  }
  t.equal(snapshot(app, 'blueai_activities', org), before, 'nothing stored');
});

t.test('PATCH changes type, content and owner; the result must still belong to a deal or a contact', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const a = (await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'note', content: 'draft', deal_id: deal1 } })).json() as Activity;
  const res = await app.inject({ method: 'PATCH', url: `${url}/${a.id}`, headers: bearer(), payload: { type: 'call', content: '電話した', deal_id: null, contact_id: contact } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { ...a, type: 'call', content: '電話した', deal_id: null, contact_id: contact }, 'created_by and created_at stay');
  t.same(stored(app, a.id), res.json());

  const before = snapshot(app, 'blueai_activities', org);
  t.same(isError(t, await app.inject({ method: 'PATCH', url: `${url}/${a.id}`, headers: bearer(), payload: { contact_id: null } }), 400, 'VALIDATION_ERROR').details.fields,
    { deal_id: 'deal_id or contact_id is required' }, 'neither a deal nor a contact');
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${a.id}`, headers: bearer(), payload: { type: 'task' } }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${a.id}`, headers: bearer(), payload: {} }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${a.id}`, headers: bearer(), payload: { deal_id: 'deal_00000000000000000000000000000000' } }), 400, 'VALIDATION_ERROR');
  const missing = isError(t, await app.inject({ method: 'PATCH', url: `${url}/act_00000000000000000000000000000000`, headers: bearer(), payload: { content: 'x' } }), 404, 'NOT_FOUND');
  t.match(missing.message, /act_00000000000000000000000000000000/);
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${a.id}`, headers: bearer('other-org'), payload: { content: 'x' } }), 404, 'NOT_FOUND');
  t.equal(snapshot(app, 'blueai_activities', org), before, 'nothing changed');
});

t.test('DELETE removes the activity; a second DELETE or another organization\'s is a 404', async (t) => {
  const app = await build(t);
  const a = (await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'email', content: 'x', contact_id: contact } })).json() as Activity;
  isError(t, await app.inject({ method: 'DELETE', url: `${url}/${a.id}`, headers: bearer('other-org') }), 404, 'NOT_FOUND');
  t.ok(stored(app, a.id), 'still there');
  const res = await app.inject({ method: 'DELETE', url: `${url}/${a.id}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(stored(app, a.id), undefined);
  isError(t, await app.inject({ method: 'DELETE', url: `${url}/${a.id}`, headers: bearer() }), 404, 'NOT_FOUND');
});

t.test('deleting a contact deletes its activities and tag assignments; its deals stay', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const mine = (await app.inject({ method: 'POST', url, headers: bearer(), payload: { type: 'note', content: 'x', contact_id: contact, deal_id: deal1 } })).json() as Activity;
  const tag = (await app.inject({ method: 'POST', url: '/api/v1/crm/tags', headers: bearer(), payload: { name: 'c', color: '#000000' } })).json().tag;
  await app.inject({ method: 'POST', url: '/api/v1/crm/tag-assignments', headers: bearer(), payload: { tag_id: tag.id, resource_type: 'contact', resource_id: contact } });
  t.equal(count(app, 'blueai_tag_assignments', org, 'resource_id = ?', contact) > 0, true);
  const dealActivities = count(app, 'blueai_activities', org, 'deal_id = ? AND contact_id IS NULL', deal1);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/crm/contacts/${contact}`, headers: bearer() })).statusCode, 200);
  t.equal(count(app, 'blueai_activities', org, 'contact_id = ?', contact), 0);
  t.equal(stored(app, mine.id), undefined, 'one naming the contact and a deal goes too');
  t.equal(count(app, 'blueai_activities', org, 'deal_id = ? AND contact_id IS NULL', deal1), dealActivities, "the deal's own stay");
  t.equal(count(app, 'blueai_tag_assignments', org, `resource_type = 'contact' AND resource_id = ?`, contact), 0);
});
