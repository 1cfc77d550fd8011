import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, call, closeOrg, closeState, isFieldError, rows } from './helper.js';

// Issue 29: an opportunity written with a status label (`status`), as Close's import scripts send an
// exported opportunity's `status_label` back: resolved among the organization's opportunity statuses,
// case-insensitively; unknown or ambiguous → a 400 naming `status` that stores nothing.

shareApps(t);

type App = Awaited<ReturnType<typeof build>>;
const [sales, partners] = CS.pipelines!;
const negotiation = CS.opportunity_statuses.find((s) => s.label === 'Negotiation')!;
const referred = CS.opportunity_statuses.find((s) => s.label === 'Referred')!;
const storedStatus = (app: App, id: string) => rows(app, `SELECT status_id FROM close_opportunities WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0]!['status_id'];
const post = (app: App, payload: Record<string, unknown>) => call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, ...payload } });

t.test('POST /opportunity/ with a status label stores that status (case-insensitive); status_id wins over it', async (t) => {
  const app = await build(t);
  const res = await post(app, { status: 'negotiation', value: 1000 });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status_id: negotiation.id, status_label: 'Negotiation', pipeline_id: sales!.id });
  t.equal(storedStatus(app, res.json().id), negotiation.id);
  const other = await post(app, { status: 'REFERRED' });
  t.equal(storedStatus(app, other.json().id), referred.id, 'a status of another pipeline');
  const both = await post(app, { status: 'Referred', status_id: negotiation.id });
  t.equal(storedStatus(app, both.json().id), negotiation.id, 'status_id wins');
});

t.test('an unknown status label, or one outside the given pipeline, is a 400 naming status and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await post(app, { status: 'No such status' }), 'status');
  isFieldError(t, await post(app, { status: 'Referred', pipeline_id: sales!.id }), 'status');
  isFieldError(t, await post(app, { status: '' }), 'status');
  const opp = SEEDED_LEAD.opportunities[0]!;
  isFieldError(t, await call(app, { method: 'PUT', path: `/opportunity/${opp.id}/`, payload: { status: 'No such status' } }), 'status');
  t.equal(closeState(app), before);
});

t.test('a label in two pipelines: 400 naming status without pipeline_id; with it, that pipeline\'s; an update prefers its own pipeline', async (t) => {
  const app = await build(t);
  const twin = await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: 'negotiation', type: 'active', pipeline_id: partners!.id } });
  t.equal(twin.statusCode, 200);
  const before = closeState(app);
  isFieldError(t, await post(app, { status: 'Negotiation' }), 'status');
  t.equal(closeState(app), before, 'nothing stored');
  const inPartners = await post(app, { status: 'Negotiation', pipeline_id: partners!.id });
  t.equal(storedStatus(app, inPartners.json().id), twin.json().id);
  // An opportunity in the Sales pipeline moved by label stays in it; one in Partnerships likewise.
  const sale = (await post(app, { status_id: CS.opportunity_statuses.find((s) => s.label === 'Active')!.id })).json();
  const moved = await call(app, { method: 'PUT', path: `/opportunity/${sale.id}/`, payload: { status: 'NEGOTIATION' } });
  t.equal(moved.statusCode, 200);
  t.equal(storedStatus(app, sale.id), negotiation.id);
  const back = await call(app, { method: 'PUT', path: `/opportunity/${inPartners.json().id}/`, payload: { status: 'Referred' } });
  t.equal(back.statusCode, 200);
  t.equal(storedStatus(app, inPartners.json().id), referred.id, 'a label only one pipeline has is found wherever it is');
});
