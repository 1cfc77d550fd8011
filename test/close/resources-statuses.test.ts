import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('lead statuses list in their order; opportunity statuses list with their type', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: '/status/lead/' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: CS.lead_statuses.map((s) => ({ ...s, organization_id: org })), has_more: false });
  const page = (await call(app, { path: '/status/lead/?_limit=2&_skip=1&_fields=label' })).json();
  t.same(page, { data: CS.lead_statuses.slice(1, 3).map((s) => ({ label: s.label })), has_more: true });
  const opp = (await call(app, { path: '/status/opportunity/' })).json();
  t.same(opp, { data: CS.opportunity_statuses.map((s) => ({ ...s, organization_id: org })), has_more: false });
  isFieldError(t, await call(app, { path: '/status/lead/?_limit=201' }), '_limit');
  const one = await call(app, { path: `/status/lead/${CS.lead_statuses[1]!.id}/` });
  t.same(one.json(), { ...CS.lead_statuses[1], organization_id: org });
  isError(t, await call(app, { path: '/status/lead/stat_missing/' }), 404);
});

t.test('creating, renaming and deleting a lead status', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/status/lead/', payload: { label: 'Nurture' } });
  t.equal(res.statusCode, 200);
  const s = res.json();
  t.match(s.id, /^stat_[0-9A-Za-z]{43}$/);
  t.same(s, { id: s.id, label: 'Nurture', organization_id: org });
  const list = (await call(app, { path: '/status/lead/' })).json().data;
  t.equal(list[list.length - 1].id, s.id, 'a new status goes last');
  t.equal(count(app, 'close_lead_statuses', org, 'id = ?', s.id), 1);

  const renamed = await call(app, { method: 'PUT', path: `/status/lead/${s.id}/`, payload: { label: 'Nurturing' } });
  t.same(renamed.json(), { id: s.id, label: 'Nurturing', organization_id: org });
  t.equal(rows(app, `SELECT label FROM close_lead_statuses WHERE org_id = ? AND id = ?`, org, s.id)[0]!.label, 'Nurturing');

  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'uses it', status_id: s.id } })).json();
  t.equal(lead.status_label, 'Nurturing');
  const before = closeState(app);
  const refused = await call(app, { method: 'DELETE', path: `/status/lead/${s.id}/` });
  t.match(isError(t, refused, 400), /used by 1 lead/);
  t.equal(closeState(app), before, 'a status in use stays');

  await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` });
  const del = await call(app, { method: 'DELETE', path: `/status/lead/${s.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_lead_statuses', org, 'id = ?', s.id), 0);
  isError(t, await call(app, { method: 'DELETE', path: `/status/lead/${s.id}/` }), 404);
});

t.test('seeded statuses in use cannot be deleted; bad status input is a 400 that changes nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isError(t, await call(app, { method: 'DELETE', path: `/status/lead/${CS.lead_statuses[0]!.id}/` }), 400);
  isFieldError(t, await call(app, { method: 'POST', path: '/status/lead/', payload: {} }), 'label');
  isFieldError(t, await call(app, { method: 'POST', path: '/status/lead/', payload: { label: '' } }), 'label');
  isFieldError(t, await call(app, { method: 'POST', path: '/status/lead/', payload: { label: CS.lead_statuses[0]!.label.toLowerCase() } }), 'label');
  isFieldError(t, await call(app, { method: 'PUT', path: `/status/lead/${CS.lead_statuses[0]!.id}/`, payload: { label: CS.lead_statuses[1]!.label } }), 'label');
  isError(t, await call(app, { method: 'PUT', path: '/status/lead/stat_missing/', payload: { label: 'x' } }), 404);
  t.same((await badJson(app, 'POST', '/status/lead/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

const [SALES, PARTNERS] = CS.pipelines!;
const oppStatusRow = (app: Parameters<typeof rows>[0], id: string) =>
  rows(app, `SELECT label, type, pipeline_id FROM close_opportunity_statuses WHERE org_id = ? AND id = ?`, closeOrg(app), id);

t.test('creating an opportunity status puts it last in its pipeline, with its type', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: 'Demo booked', type: 'active', pipeline_id: PARTNERS!.id } });
  t.equal(res.statusCode, 200);
  const s = res.json();
  t.match(s.id, /^stat_[0-9A-Za-z]{43}$/);
  t.same(s, { id: s.id, label: 'Demo booked', type: 'active', organization_id: org, pipeline_id: PARTNERS!.id });
  t.same(oppStatusRow(app, s.id), [{ label: 'Demo booked', type: 'active', pipeline_id: PARTNERS!.id }]);
  const pipeline = (await call(app, { path: `/pipeline/${PARTNERS!.id}/` })).json();
  t.equal(pipeline.statuses[pipeline.statuses.length - 1].id, s.id, 'last in its pipeline');
  const list = (await call(app, { path: '/status/opportunity/' })).json().data.map((x: { id: string }) => x.id);
  t.equal(list[list.length - 1], s.id, 'the list still goes pipeline by pipeline');
  // The same label in another pipeline is fine; each type can be created; _fields trims the answer.
  const won = await call(app, { method: 'POST', path: '/status/opportunity/?_fields=id,type', payload: { label: 'Demo booked', type: 'won', pipeline_id: SALES!.id } });
  t.equal(won.statusCode, 200);
  t.same(Object.keys(won.json()).sort(), ['id', 'type']);
  t.equal(won.json().type, 'won');
  const lost = (await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: 'Ghosted', type: 'lost', pipeline_id: SALES!.id } })).json();
  const opp = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, status_id: lost.id } });
  t.equal(opp.json().status_type, 'lost', 'an opportunity may take the new status');
  t.equal(opp.json().status_label, 'Ghosted');
});

t.test('renaming an opportunity status shows on its opportunities; type and pipeline only unchanged', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const s = CS.opportunity_statuses.find((x) => x.pipeline_id === SALES!.id && x.type === 'active')!;
  const opp = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, status_id: s.id } })).json();
  const res = await call(app, { method: 'PUT', path: `/status/opportunity/${s.id}/`, payload: { label: 'Discovery' } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { ...s, label: 'Discovery', organization_id: org });
  t.same(oppStatusRow(app, s.id), [{ label: 'Discovery', type: s.type, pipeline_id: SALES!.id }]);
  t.equal((await call(app, { path: `/opportunity/${opp.id}/` })).json().status_label, 'Discovery');
  t.ok((await call(app, { path: '/opportunity/?status_label=Discovery' })).json().data.some((o: { id: string }) => o.id === opp.id));
  // The object sent back whole (type and pipeline_id as they are) renames too.
  const back = await call(app, { method: 'PUT', path: `/status/opportunity/${s.id}/?_fields=label`, payload: { label: 'Qualifying', type: s.type, pipeline_id: SALES!.id } });
  t.equal(back.statusCode, 200);
  t.same(back.json(), { label: 'Qualifying' });
  // Changing only the case of its own label is allowed.
  t.equal((await call(app, { method: 'PUT', path: `/status/opportunity/${s.id}/`, payload: { label: 'QUALIFYING' } })).statusCode, 200);
});

t.test('deleting an opportunity status: refused while an opportunity uses it, then gone', async (t) => {
  const app = await build(t);
  const s = (await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: 'Trial', type: 'active', pipeline_id: SALES!.id } })).json();
  const opp = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, status_id: s.id } })).json();
  const before = closeState(app);
  t.match(isError(t, await call(app, { method: 'DELETE', path: `/status/opportunity/${s.id}/` }), 400), /used by 1 opportunity/);
  t.equal(closeState(app), before, 'a status in use stays');
  await call(app, { method: 'DELETE', path: `/opportunity/${opp.id}/` });
  const del = await call(app, { method: 'DELETE', path: `/status/opportunity/${s.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.same(oppStatusRow(app, s.id), []);
  t.notOk((await call(app, { path: '/status/opportunity/' })).json().data.some((x: { id: string }) => x.id === s.id));
  isError(t, await call(app, { method: 'DELETE', path: `/status/opportunity/${s.id}/` }), 404);
  // A seeded status some seeded opportunity uses is refused too.
  const used = rows(app, `SELECT status_id FROM close_opportunities WHERE org_id = ? LIMIT 1`, closeOrg(app))[0]!.status_id as string;
  t.match(isError(t, await call(app, { method: 'DELETE', path: `/status/opportunity/${used}/` }), 400), /used by \d+ opportunit/);
});

t.test('bad opportunity status input is a 400 naming the field, or a 404, and changes nothing', async (t) => {
  const app = await build(t);
  const [first, second] = CS.opportunity_statuses.filter((x) => x.pipeline_id === SALES!.id);
  const before = closeState(app);
  const post = (payload: unknown) => call(app, { method: 'POST', path: '/status/opportunity/', payload });
  const ok = { label: 'New', type: 'active', pipeline_id: SALES!.id };
  isFieldError(t, await post({ type: 'active', pipeline_id: SALES!.id }), 'label');
  isFieldError(t, await post({ ...ok, label: '' }), 'label');
  isFieldError(t, await post({ label: 'New', pipeline_id: SALES!.id }), 'type');
  isFieldError(t, await post({ ...ok, type: 'stalled' }), 'type');
  isFieldError(t, await post({ label: 'New', type: 'active' }), 'pipeline_id');
  isFieldError(t, await post({ ...ok, pipeline_id: 'pipe_missing' }), 'pipeline_id');
  isFieldError(t, await post({ ...ok, label: first!.label.toUpperCase() }), 'label');
  const put = (id: string, payload: unknown) => call(app, { method: 'PUT', path: `/status/opportunity/${id}/`, payload });
  isFieldError(t, await put(first!.id, {}), 'label');
  isFieldError(t, await put(first!.id, { label: '' }), 'label');
  isFieldError(t, await put(first!.id, { label: second!.label }), 'label');
  isFieldError(t, await put(first!.id, { label: 'X', type: first!.type === 'won' ? 'lost' : 'won' }), 'type');
  isFieldError(t, await put(first!.id, { label: 'X', pipeline_id: PARTNERS!.id }), 'pipeline_id');
  isError(t, await put('stat_missing', { label: 'X' }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/status/opportunity/stat_missing/' }), 404);
  t.same((await badJson(app, 'POST', '/status/opportunity/')).json(), { error: 'The request contains invalid JSON.' });
  t.same((await badJson(app, 'PUT', `/status/opportunity/${first!.id}/`)).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test("another organization's opportunity status is 404 for every write, and its pipelines are not ours", async (t) => {
  const app = await build(t);
  const OTHER = 'close-opp-status-other-key';
  const mine = (await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: 'Mine', type: 'active', pipeline_id: SALES!.id } })).json();
  const theirPipeline = (await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Theirs' }, key: OTHER })).json();
  const before = closeState(app);
  isError(t, await call(app, { method: 'PUT', path: `/status/opportunity/${mine.id}/`, payload: { label: 'Stolen' }, key: OTHER }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/status/opportunity/${mine.id}/`, key: OTHER }), 404);
  t.notOk((await call(app, { path: '/status/opportunity/', key: OTHER })).json().data.some((x: { id: string }) => x.id === mine.id));
  isFieldError(t, await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: 'X', type: 'won', pipeline_id: theirPipeline.id } }), 'pipeline_id');
  t.equal(closeState(app), before, 'my organization is unchanged');
  t.same(oppStatusRow(app, mine.id), [{ label: 'Mine', type: 'active', pipeline_id: SALES!.id }]);
});
