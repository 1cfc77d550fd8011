import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const F = { dealType: fieldId('Deal Type', 'opportunity'), seats: fieldId('Seats', 'opportunity'), region: fieldId('Region', 'shared'), source: fieldId('Source Detail') };
const apiUser = CS.users[0]!.id;
const active = CS.opportunity_statuses.find((s) => s.type === 'active')!;
const won = CS.opportunity_statuses.find((s) => s.type === 'won')!;

t.test('opportunities list newest first, filter by lead_id and trim with _fields', async (t) => {
  const app = await build(t);
  const all = (await call(app, { path: '/opportunity/?_limit=200' })).json();
  const keys = all.data.map((o: { date_created: string; id: string }) => `${o.date_created}|${o.id}`);
  t.same(keys, [...keys].sort().reverse());
  const ofLead = (await call(app, { path: `/opportunity/?lead_id=${SEEDED_LEAD.id}&_fields=id,lead_id,status_type` })).json();
  t.equal(ofLead.data.length, SEEDED_LEAD.opportunities.length);
  t.ok(ofLead.data.every((o: { lead_id: string }) => o.lead_id === SEEDED_LEAD.id));
  t.ok(ofLead.data.every((o: object) => Object.keys(o).join() === 'id,lead_id,status_type'));
  isFieldError(t, await call(app, { path: '/opportunity/?_limit=251' }), '_limit');
});

t.test('creating an opportunity defaults to the first active status and the key\'s user', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, value: 500000, value_period: 'monthly', [`custom.${F.seats}`]: 25, [`custom.${F.region}`]: 'Tohoku' } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.match(o.id, /^oppo_[0-9A-Za-z]{43}$/);
  t.match(o, {
    lead_id: SEEDED_LEAD.id, status_id: active.id, status_label: active.label, status_type: 'active', value: 500000, value_period: 'monthly',
    user_id: apiUser, note: null, organization_id: org, created_by: apiUser, [`custom.${F.seats}`]: 25, [`custom.${F.region}`]: 'Tohoku',
  });
  t.match(rows(app, `SELECT * FROM close_opportunities WHERE org_id = ? AND id = ?`, org, o.id)[0], { value: 500000, status_id: active.id, lead_id: SEEDED_LEAD.id });
  t.equal(stored(app, o.id, F.seats), 25);
  t.same((await call(app, { path: `/opportunity/${o.id}/` })).json(), o);
  t.ok((await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json().opportunities.some((x: { id: string }) => x.id === o.id));
});

t.test('bad opportunity input is a 400 naming the field and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'lead_id'],
    [{ lead_id: 'lead_missing' }, 'lead_id'],
    [{ lead_id: SEEDED_LEAD.id, status_id: CS.lead_statuses[0]!.id }, 'status_id'],
    [{ lead_id: SEEDED_LEAD.id, value: 1.5 }, 'value'],
    [{ lead_id: SEEDED_LEAD.id, value: '100' }, 'value'],
    [{ lead_id: SEEDED_LEAD.id, value_period: 'weekly' }, 'value_period'],
    [{ lead_id: SEEDED_LEAD.id, user_id: 'user_nobody' }, 'user_id'],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.dealType}`]: 'Barter' }, `custom.${F.dealType}`],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.source}`]: 'web' }, `custom.${F.source}`],
  ];
  for (const [payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload }), field);
  t.same((await badJson(app, 'POST', '/opportunity/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('PUT moves status and custom values; DELETE answers {}', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const seeded = SEEDED_LEAD.opportunities[0]!;
  const res = await call(app, { method: 'PUT', path: `/opportunity/${seeded.id}/`, payload: { status_id: won.id, [`custom.${F.dealType}`]: null, [`custom.${F.seats}`]: '40' } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.match(o, { status_id: won.id, status_label: won.label, status_type: 'won', value: seeded.value, value_period: seeded.value_period, [`custom.${F.seats}`]: 40 });
  t.notOk(`custom.${F.dealType}` in o);
  t.same((await call(app, { path: `/opportunity/${seeded.id}/` })).json(), o);

  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/opportunity/${seeded.id}/`, payload: { status_id: 'stat_nope' } }), 'status_id');
  t.same((await badJson(app, 'PUT', `/opportunity/${seeded.id}/`)).json(), { error: 'The request contains invalid JSON.' });
  isError(t, await call(app, { method: 'PUT', path: '/opportunity/oppo_missing/', payload: {} }), 404);
  t.equal(closeState(app), before);

  const del = await call(app, { method: 'DELETE', path: `/opportunity/${seeded.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_opportunities', org, 'id = ?', seeded.id), 0);
  t.equal(count(app, 'close_custom_values', org, 'object_id = ?', seeded.id), 0);
  isError(t, await call(app, { path: `/opportunity/${seeded.id}/` }), 404);
});

const lost = CS.opportunity_statuses.find((s) => s.type === 'lost')!;
const negotiation = CS.opportunity_statuses.find((s) => s.type === 'active' && s.id !== active.id)!;

t.test('annualized and expected values follow value, value_period and confidence, in whole cents', async (t) => {
  const app = await build(t);
  const make = async (payload: Record<string, unknown>) => (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, ...payload } })).json();
  const pick = (o: Record<string, unknown>) => ({ v: o.value, c: o.confidence, av: o.annualized_value, ev: o.expected_value, aev: o.annualized_expected_value });
  t.same(pick(await make({ value: 10000, value_period: 'monthly', confidence: 25 })), { v: 10000, c: 25, av: 120000, ev: 2500, aev: 30000 });
  t.same(pick(await make({ value: 10000, value_period: 'annual', confidence: 50 })), { v: 10000, c: 50, av: 10000, ev: 5000, aev: 5000 });
  t.same(pick(await make({ value: 999, value_period: 'one_time', confidence: 33 })), { v: 999, c: 33, av: 999, ev: 329, aev: 329 }, '329.67 → 329');
  t.same(pick(await make({ value: 10000 })), { v: 10000, c: 0, av: 10000, ev: 0, aev: 0 }, 'confidence defaults to 0');
  t.same(pick(await make({ confidence: 80 })), { v: null, c: 80, av: null, ev: null, aev: null }, 'no value, no derived values');
  const o = await make({ value: 1000, value_period: 'monthly', confidence: 10 });
  const put = (await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { confidence: 90 } })).json();
  t.same(pick(put), { v: 1000, c: 90, av: 12000, ev: 900, aev: 10800 });
  t.equal(rows(app, `SELECT confidence FROM close_opportunities WHERE org_id = ? AND id = ?`, closeOrg(app), o.id)[0]!.confidence, 90, 'confidence is stored');
  t.equal((await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { confidence: null } })).json().confidence, 0, 'null → 0');
  const before = closeState(app);
  for (const confidence of [101, -1, 50.5, '50']) isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, confidence } }), 'confidence');
  t.equal(closeState(app), before, 'a bad confidence stores nothing');
  for (const seeded of (await call(app, { path: '/opportunity/?_limit=200' })).json().data) {
    if (seeded.value_period === 'monthly' && seeded.value !== null) t.equal(seeded.annualized_value, seeded.value * 12);
  }
});

t.test("an opportunity's contact must be one of its lead's contacts; another is a 400 on contact_id that changes nothing", async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const mine = SEEDED_LEAD.contacts[0]!.id;
  const other = CS.leads.find((l) => l.id !== SEEDED_LEAD.id && l.contacts.length)!.contacts[0]!.id;
  const o = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, contact_id: mine } })).json();
  t.equal(o.contact_id, mine);
  t.equal((await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id } })).json().contact_id, null, 'none by default');
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, contact_id: other } }), 'contact_id');
  isFieldError(t, await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { contact_id: other } }), 'contact_id');
  isFieldError(t, await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { contact_id: 'cont_missing' } }), 'contact_id');
  t.equal(closeState(app), before, 'nothing changed');
  t.equal((await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { contact_id: null } })).json().contact_id, null, 'null clears it');
  await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { contact_id: mine } });
  t.equal((await call(app, { method: 'DELETE', path: `/contact/${mine}/` })).statusCode, 200);
  t.equal((await call(app, { path: `/opportunity/${o.id}/` })).json().contact_id, null, 'deleting the contact clears it');
  t.equal(rows(app, `SELECT contact_id FROM close_opportunities WHERE org_id = ? AND id = ?`, org, o.id)[0]!.contact_id, null);
});

t.test("date_won and date_lost are set when the status becomes won or lost, on the organization's clock, and cleared when it leaves", async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  app.clock.set(new Date('2026-01-01T00:00:00Z'), true);
  // The organization's own clock decides, not the process default.
  t.equal((await app.inject({ method: 'PUT', url: `/_mock/orgs/${org}/clock`, payload: { now: '2027-05-06T23:30:00.000Z', frozen: true } })).statusCode, 200);
  const o = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, status_id: won.id } })).json();
  t.match(o, { status_type: 'won', date_won: '2027-05-06', date_lost: null }, 'created won');
  const put = (id: string, status_id: string) => call(app, { method: 'PUT', path: `/opportunity/${id}/`, payload: { status_id } }).then((r) => r.json());
  const lostOne = await put(o.id, lost.id);
  t.match(lostOne, { date_won: null, date_lost: /^2027-05-06T23:30:00\.\d{6}\+00:00$/ }, 'won → lost');
  t.equal(lostOne.date_lost, lostOne.date_updated, 'the moment of the change');
  await app.inject({ method: 'POST', url: `/_mock/orgs/${org}/clock/advance`, payload: { by: '1h' } });
  t.match(await put(o.id, lost.id), { date_lost: lostOne.date_lost }, 'lost again keeps when it was lost');
  t.match(await put(o.id, active.id), { date_won: null, date_lost: null }, 'lost → active clears');
  t.match(await put(o.id, negotiation.id), { date_won: null, date_lost: null });
  t.match(await put(o.id, won.id), { date_won: '2027-05-07', date_lost: null }, 'the date is the clock\'s UTC date');
  t.match(rows(app, `SELECT date_won, date_lost FROM close_opportunities WHERE org_id = ? AND id = ?`, org, o.id)[0], { date_won: '2027-05-07', date_lost: null });
  const fresh = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id } })).json();
  t.match(fresh, { date_won: null, date_lost: null }, 'an active one has neither');
  // The seed's won and lost opportunities carry theirs.
  for (const s of (await call(app, { path: '/opportunity/?_limit=200' })).json().data) {
    if (s.status_type === 'won') t.match(s.date_won, /^\d{4}-\d{2}-\d{2}$/);
    else t.equal(s.date_won, null);
    if (s.status_type === 'lost') t.ok(s.date_lost);
    else t.equal(s.date_lost, null);
  }
});

t.test('a snapshot carries confidence, contact and the won and lost dates, and restores them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const o = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, status_id: lost.id, confidence: 15, contact_id: SEEDED_LEAD.contacts[0]!.id } })).json();
  const snap = (await app.inject(`/_mock/orgs/${org}/snapshot`)).json();
  const inSnap = snap.close.leads.find((l: { id: string }) => l.id === SEEDED_LEAD.id).opportunities.find((x: { id: string }) => x.id === o.id);
  t.match(inSnap, { confidence: 15, contact_id: SEEDED_LEAD.contacts[0]!.id, date_won: null, date_lost: o.date_lost });
  await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { status_id: won.id, confidence: 99 } });
  t.equal((await app.inject({ method: 'PUT', url: `/_mock/orgs/${org}/snapshot`, payload: snap })).statusCode, 200);
  t.same((await call(app, { path: `/opportunity/${o.id}/` })).json(), o, 'restored as it was');
});
