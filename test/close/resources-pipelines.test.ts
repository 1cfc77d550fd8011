import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';
import { ctl } from '../control/helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const [SALES, PARTNERS] = CS.pipelines!;
const statusesOf = (pipelineId: string) => CS.opportunity_statuses.filter((s) => s.pipeline_id === pipelineId);
const withOrg = (org: string, list: typeof CS.opportunity_statuses) => list.map((s) => ({ ...s, organization_id: org }));
const pipelineIds = (app: Parameters<typeof rows>[0], pipelineId: string) =>
  rows(app, `SELECT id FROM close_opportunity_statuses WHERE org_id = ? AND pipeline_id = ? ORDER BY position, id`, closeOrg(app), pipelineId).map((r) => r.id);

t.test('the seeded pipelines list in order with their statuses, and one reads back; statuses and the organization show them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const sales = { ...SALES, organization_id: org, statuses: withOrg(org, statusesOf(SALES!.id)) };
  const partners = { ...PARTNERS, organization_id: org, statuses: withOrg(org, statusesOf(PARTNERS!.id)) };
  const list = await call(app, { path: '/pipeline/' });
  t.equal(list.statusCode, 200);
  t.same(list.json(), { data: [sales, partners], has_more: false });
  t.same((await call(app, { path: '/pipeline/?_limit=1&_fields=name' })).json(), { data: [{ name: 'Sales' }], has_more: true });
  const one = await call(app, { path: `/pipeline/${PARTNERS!.id}/` });
  t.equal(one.statusCode, 200);
  t.same(one.json(), partners);
  const statuses = (await call(app, { path: '/status/opportunity/' })).json().data;
  t.same(statuses.map((s: { pipeline_id: string }) => s.pipeline_id), CS.opportunity_statuses.map((s) => s.pipeline_id));
  const orgAnswer = (await call(app, { path: `/organization/${org}/` })).json();
  t.same(orgAnswer.pipelines, [sales, partners]);
  isFieldError(t, await call(app, { path: '/pipeline/?_limit=201' }), '_limit');
  isError(t, await call(app, { path: '/pipeline/pipe_missing/' }), 404);
});

t.test('a new pipeline goes last, empty or with statuses moved in from another pipeline', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const empty = await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Renewals' } });
  t.equal(empty.statusCode, 200);
  t.match(empty.json().id, /^pipe_[0-9A-Za-z]{43}$/);
  t.same(empty.json(), { id: empty.json().id, name: 'Renewals', organization_id: org, statuses: [] });
  const [referred, signed] = statusesOf(PARTNERS!.id);
  const moved = await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Channel', statuses: [{ id: signed!.id }, { id: referred!.id }] } });
  t.equal(moved.statusCode, 200);
  t.same(moved.json().statuses.map((s: { id: string; pipeline_id: string }) => [s.id, s.pipeline_id]), [[signed!.id, moved.json().id], [referred!.id, moved.json().id]]);
  t.same(pipelineIds(app, PARTNERS!.id), [statusesOf(PARTNERS!.id)[2]!.id], 'the source pipeline keeps the rest');
  const names = (await call(app, { path: '/pipeline/' })).json().data.map((p: { name: string }) => p.name);
  t.same(names, ['Sales', 'Partnerships', 'Renewals', 'Channel']);
});

t.test('PUT renames a pipeline, reorders its statuses and moves one in; opportunities follow their status', async (t) => {
  const app = await build(t);
  const [active, negotiation, won, lost] = statusesOf(SALES!.id);
  const referred = statusesOf(PARTNERS!.id)[0]!;
  const res = await call(app, { method: 'PUT', path: `/pipeline/${SALES!.id}/`, payload: { name: 'New business', statuses: [{ id: won!.id }, { id: referred.id }, { id: active!.id }] } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().name, 'New business');
  // Statuses left out stay, after the listed ones.
  const order = [won!.id, referred.id, active!.id, negotiation!.id, lost!.id];
  t.same(res.json().statuses.map((s: { id: string }) => s.id), order);
  t.same(pipelineIds(app, SALES!.id), order);
  t.same(rows(app, `SELECT name FROM close_pipelines WHERE org_id = ? AND id = ?`, closeOrg(app), SALES!.id), [{ name: 'New business' }]);
  const renamedOnly = await call(app, { method: 'PUT', path: `/pipeline/${PARTNERS!.id}/`, payload: { name: 'Partners' } });
  t.same(renamedOnly.json().statuses.map((s: { id: string }) => s.id), statusesOf(PARTNERS!.id).slice(1).map((s) => s.id), 'no statuses key leaves them as they are');
});

t.test('pipeline writes with a bad body are 400s naming the field and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/pipeline/', payload: {} }), 'name');
  isFieldError(t, await call(app, { method: 'POST', path: '/pipeline/', payload: { name: '  ' } }), 'name');
  isFieldError(t, await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'X', statuses: [{ id: 'stat_missing' }] } }), 'statuses');
  isFieldError(t, await call(app, { method: 'PUT', path: `/pipeline/${SALES!.id}/`, payload: { name: '' } }), 'name');
  const a = statusesOf(SALES!.id)[0]!.id;
  isFieldError(t, await call(app, { method: 'PUT', path: `/pipeline/${SALES!.id}/`, payload: { statuses: [{ id: a }, { id: a }] } }), 'statuses');
  isFieldError(t, await call(app, { method: 'PUT', path: `/pipeline/${SALES!.id}/`, payload: { name: 'Y', statuses: [{ id: 'stat_missing' }] } }), 'statuses');
  isFieldError(t, await call(app, { method: 'PUT', path: `/pipeline/${SALES!.id}/`, payload: { statuses: [{}] } }), 'statuses.0.id');
  t.equal((await badJson(app, 'POST', '/pipeline/')).statusCode, 400);
  isError(t, await call(app, { method: 'PUT', path: '/pipeline/pipe_missing/', payload: { name: 'Z' } }), 404);
  t.equal(closeState(app), before, 'nothing stored');
});

t.test('a pipeline that still holds statuses cannot be deleted; an empty one can; the row counts follow', async (t) => {
  const app = await build(t);
  const pipelineCount = async () => (await ctl(app, 'GET', `/orgs/${closeOrg(app)}`)).json().counts.close.pipelines;
  t.equal(await pipelineCount(), CS.pipelines!.length, 'the control API counts the seeded pipelines');
  const before = closeState(app);
  const msg = isError(t, await call(app, { method: 'DELETE', path: `/pipeline/${PARTNERS!.id}/` }), 400);
  t.match(msg, /3 opportunity statuses/);
  t.equal(closeState(app), before, 'nothing deleted');
  const created = (await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Gone soon' } })).json();
  t.equal(await pipelineCount(), CS.pipelines!.length + 1);
  const del = await call(app, { method: 'DELETE', path: `/pipeline/${created.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.same(rows(app, `SELECT id FROM close_pipelines WHERE org_id = ? AND id = ?`, closeOrg(app), created.id), []);
  isError(t, await call(app, { method: 'DELETE', path: `/pipeline/${created.id}/` }), 404);
  // Emptied by moving its statuses away, the seeded pipeline can go too.
  await call(app, { method: 'PUT', path: `/pipeline/${SALES!.id}/`, payload: { statuses: statusesOf(PARTNERS!.id).map((s) => ({ id: s.id })) } });
  t.equal((await call(app, { method: 'DELETE', path: `/pipeline/${PARTNERS!.id}/` })).statusCode, 200);
  t.equal(await pipelineCount(), CS.pipelines!.length - 1);
});

t.test("another organization's pipeline is 404 for every call and missing from its list", async (t) => {
  const app = await build(t);
  const mine = (await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Mine' } })).json();
  const OTHER = 'close-pipelines-other-key';
  const before = closeState(app);
  isError(t, await call(app, { path: `/pipeline/${mine.id}/`, key: OTHER }), 404);
  isError(t, await call(app, { method: 'PUT', path: `/pipeline/${mine.id}/`, payload: { name: 'Stolen' }, key: OTHER }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/pipeline/${mine.id}/`, key: OTHER }), 404);
  t.notOk((await call(app, { path: '/pipeline/', key: OTHER })).json().data.some((p: { id: string }) => p.id === mine.id));
  t.equal(closeState(app), before, 'my organization is unchanged');
});

t.test('POST /opportunity/ with pipeline_id takes its first active status, or checks status_id belongs to it', async (t) => {
  const app = await build(t);
  const [referred, signed] = statusesOf(PARTNERS!.id);
  const first = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: PARTNERS!.id } });
  t.equal(first.statusCode, 200);
  t.equal(first.json().status_id, referred!.id);
  t.same(rows(app, `SELECT status_id FROM close_opportunities WHERE org_id = ? AND id = ?`, closeOrg(app), first.json().id), [{ status_id: referred!.id }]);
  const given = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: PARTNERS!.id, status_id: signed!.id } });
  t.equal(given.statusCode, 200);
  t.equal(given.json().status_type, 'won');
  const plain = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id } });
  t.equal(plain.json().status_id, statusesOf(SALES!.id)[0]!.id, 'without pipeline_id: the first pipeline\'s first active status');
});

t.test('POST /opportunity/ refuses an unknown pipeline, a status of another pipeline and an empty pipeline, storing nothing', async (t) => {
  const app = await build(t);
  const empty = (await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Empty' } })).json();
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: 'pipe_missing' } }), 'pipeline_id');
  const foreign = (await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'Theirs' }, key: 'close-pipelines-other-key' })).json();
  isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: foreign.id } }), 'pipeline_id');
  isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: PARTNERS!.id, status_id: statusesOf(SALES!.id)[0]!.id } }), 'status_id');
  isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: empty.id } }), 'pipeline_id');
  t.equal(closeState(app), before, 'nothing stored');
});
