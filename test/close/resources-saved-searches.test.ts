import t from 'tap';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';
import { ACME_QUERY, CLOSE, leadsQuery } from './seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The seeded smart views (seed/default.json): a tree, a search body referring to the first, a legacy string, a contact view.
const QUALIFIED = 'save_auk8EV6wIfuzR7Q0dBmC1wHnj6pPrw8zjgoezbquxvT';
const QUALIFIED_ACTIVE = 'save_jmStE91t73IJDKwULMNJ2I6MVQ9DKiCRtcCNpV3WJ60';
const CUSTOMERS = 'save_xiEEL07IyQVIYQj6FgYa2QhLJE0Wvja0evGUPyZFmeA';
const TITLED = 'save_Lp0pVrWj7S9oiOi57WcMuxWyy4F8EemZfsvNrCGwIi2';
type App = Awaited<ReturnType<typeof build>>;

const ids = (data: { id: string }[]) => data.map((x) => x.id);
const search = async (app: App, query: unknown) => {
  const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query, _limit: 200 } });
  return res;
};
const viewNode = (id: string) => ({ type: 'saved_search', saved_search_id: id });
const stored = (app: App, id: string) => rows(app, `SELECT name, type, query, s_query, is_shared, user_id FROM close_saved_searches WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0];

t.test('smart views list lead views by default, by type and type__in, oldest first; one reads back', async (t) => {
  const app = await build(t);
  const lead = await call(app, { path: '/saved_search/' });
  t.equal(lead.statusCode, 200);
  t.same(ids(lead.json().data), [QUALIFIED, QUALIFIED_ACTIVE, CUSTOMERS]);
  t.equal(lead.json().has_more, false);
  t.same(ids((await call(app, { path: '/saved_search/?type=contact' })).json().data), [TITLED]);
  t.same(ids((await call(app, { path: '/saved_search/?type__in=contact,lead' })).json().data), [QUALIFIED, QUALIFIED_ACTIVE, CUSTOMERS, TITLED]);
  t.same((await call(app, { path: '/saved_search/?_limit=1&_fields=name' })).json(), { data: [{ name: 'Qualified leads' }], has_more: true });
  const one = await call(app, { path: `/saved_search/${CUSTOMERS}/` });
  t.equal(one.statusCode, 200);
  t.match(one.json(), {
    id: CUSTOMERS, name: 'Customers with opportunities', type: 'lead', query: 'status:Customer opportunities > 0', s_query: null, is_shared: true,
    shared_with: null, sharing_settings: null, selected_fields: null, organization_id: closeOrg(app), user_id: CLOSE.user,
  });
  isFieldError(t, await call(app, { path: '/saved_search/?type=deal' }), 'type');
  isFieldError(t, await call(app, { path: '/saved_search/?type__in=lead,deal' }), 'type__in');
  isError(t, await call(app, { path: '/saved_search/save_missing/' }), 404);
});

t.test('a smart view is created, updated and deleted, stored with its events', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const made = await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'ACME', s_query: ACME_QUERY, is_shared: true, description: 'the two' } });
  t.equal(made.statusCode, 200);
  const id = made.json().id as string;
  t.match(id, /^save_[0-9A-Za-z]{43}$/);
  t.match(made.json(), { name: 'ACME', type: 'lead', s_query: ACME_QUERY, query: null, is_shared: true, description: 'the two', user_id: CLOSE.user });
  t.same(stored(app, id), { name: 'ACME', type: 'lead', query: null, s_query: JSON.stringify(ACME_QUERY), is_shared: 1, user_id: CLOSE.user });

  const put = await call(app, { method: 'PUT', path: `/saved_search/${id}/`, payload: { name: 'ACME (legacy)', query: 'name:ACME' } });
  t.equal(put.statusCode, 200);
  t.match(put.json(), { name: 'ACME (legacy)', query: 'name:ACME', s_query: null, description: 'the two' });
  t.same(stored(app, id), { name: 'ACME (legacy)', type: 'lead', query: 'name:ACME', s_query: null, is_shared: 1, user_id: CLOSE.user });

  t.same((await call(app, { method: 'DELETE', path: `/saved_search/${id}/` })).json(), {});
  t.equal(stored(app, id), undefined);
  isError(t, await call(app, { path: `/saved_search/${id}/` }), 404);
  const events = rows(app, `SELECT object_type, action FROM close_events WHERE org_id = ? AND object_id = ? ORDER BY seq`, org, id);
  t.same(events, [{ object_type: 'saved_search', action: 'created' }, { object_type: 'saved_search', action: 'updated' }, { object_type: 'saved_search', action: 'deleted' }]);
});

t.test('a contact smart view takes a contact query; the search body Close saves is accepted as s_query', async (t) => {
  const app = await build(t);
  const contactQuery = { type: 'and', queries: [{ type: 'object_type', object_type: 'contact' }] };
  const made = await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'All contacts', type: 'contact', s_query: contactQuery } });
  t.equal(made.statusCode, 200);
  t.equal(made.json().type, 'contact');
  const body = { query: leadsQuery(CLOSE.acmeInc), sort: [{ direction: 'asc', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' } }] };
  const wrapped = await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'One lead', s_query: body } });
  t.equal(wrapped.statusCode, 200);
  t.same(wrapped.json().s_query, body);
  t.same(ids((await search(app, viewNode(wrapped.json().id))).json().data), [CLOSE.acmeInc]);
});

t.test('bad smart views are 400s naming the field, and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const count = () => rows(app, `SELECT count(*) AS n FROM close_saved_searches WHERE org_id = ?`, closeOrg(app))[0]!.n;
  const n = count();
  const post = (payload: unknown) => call(app, { method: 'POST', path: '/saved_search/', payload });
  isFieldError(t, await post({ name: 'x', s_query: { type: 'nonsense' } }), 's_query');
  isFieldError(t, await post({ name: 'x', s_query: { query: ACME_QUERY, sort: [{ direction: 'up' }] } }), 's_query');
  isFieldError(t, await post({ name: 'x', s_query: { type: 'and', queries: [{ type: 'object_type', object_type: 'contact' }] } }), 's_query');
  isFieldError(t, await post({ name: 'x', type: 'contact', s_query: ACME_QUERY }), 's_query');
  isFieldError(t, await post({ name: 'x' }), 's_query');
  isFieldError(t, await post({ name: 'x', query: 'colour:red' }), 'query');
  isFieldError(t, await post({ name: 'x', type: 'contact', query: 'name:ACME' }), 'query');
  isFieldError(t, await post({ name: 'x', type: 'call', s_query: ACME_QUERY }), 'type');
  isFieldError(t, await post({ name: 'x', type: 'deal', s_query: ACME_QUERY }), 'type');
  isFieldError(t, await post({ name: ' ', s_query: ACME_QUERY }), 'name');
  isFieldError(t, await post({ s_query: ACME_QUERY }), 'name');
  isFieldError(t, await post({ name: 'x', s_query: ACME_QUERY, sharing_settings: {} }), 'sharing_settings');
  isFieldError(t, await post({ name: 'x', s_query: { type: 'and', queries: [viewNode('save_missing')] } }), 's_query');
  isFieldError(t, await call(app, { method: 'PUT', path: `/saved_search/${QUALIFIED}/`, payload: { s_query: { type: 'text' } } }), 's_query');
  isError(t, await call(app, { method: 'PUT', path: '/saved_search/save_missing/', payload: { name: 'y' } }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/saved_search/save_missing/' }), 404);
  t.equal(count(), n);
  t.equal(closeState(app), before);
  t.equal(stored(app, QUALIFIED)!.name, 'Qualified leads');
});

t.test('a saved_search node matches what its query matches inline, nested and legacy views included', async (t) => {
  const app = await build(t);
  const view = (await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'ACME', s_query: ACME_QUERY } })).json();
  const inline = await search(app, ACME_QUERY);
  const node = await search(app, viewNode(view.id));
  t.same(ids(node.json().data), [CLOSE.incAcmeHoldings, CLOSE.acmeInc]);
  t.same(node.json(), inline.json());
  // Inside an and, negated, and as the whole query of another view.
  const notOne = { type: 'and', queries: [viewNode(view.id), { ...leadsQuery(CLOSE.acmeInc), negate: true }] };
  t.same(ids((await search(app, notOne)).json().data), [CLOSE.incAcmeHoldings]);
  const outer = (await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'outer', s_query: notOne } })).json();
  t.same(ids((await search(app, viewNode(outer.id))).json().data), [CLOSE.incAcmeHoldings]);
  // The seeded views: a tree referring to another, a legacy string (with a count), a contact view.
  const qualifiedActive = {
    type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'term', values: [CLOSE.status.qualified] } },
      { type: 'has_related', this_object_type: 'lead', related_object_type: 'opportunity', related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'opportunity', field_name: 'status_type' }, condition: { type: 'term', values: ['active'] } } }],
  };
  const nested = (await search(app, viewNode(QUALIFIED_ACTIVE))).json().data;
  t.equal(nested.length, 24);
  t.same(nested, (await search(app, qualifiedActive)).json().data);
  const customers = ids((await search(app, viewNode(CUSTOMERS))).json().data);
  const byLegacy = ids((await call(app, { path: `/lead/?query=${encodeURIComponent('status:Customer opportunities > 0')}&_limit=200&_fields=id` })).json().data);
  t.equal(customers.length, 27);
  t.same([...customers].sort(), [...byLegacy].sort());
  const titled = (await search(app, viewNode(TITLED))).json().data;
  t.equal(titled[0].__object_type, 'contact', 'a contact view selects contacts');
  isFieldError(t, await search(app, viewNode('save_missing')), 'query');
  isFieldError(t, await search(app, { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, viewNode(TITLED)] }), 'query');
  isFieldError(t, await search(app, { type: 'saved_search' }), 'query');
});

t.test('a smart view referring to itself, directly or through another, is a 400 and changes nothing', async (t) => {
  const app = await build(t);
  const self = await call(app, { method: 'PUT', path: `/saved_search/${QUALIFIED}/`, payload: { s_query: { type: 'and', queries: [viewNode(QUALIFIED)] } } });
  isFieldError(t, self, 's_query');
  t.match(self.json()['field-errors'].s_query, /refers to itself/);
  // QUALIFIED_ACTIVE refers to QUALIFIED: QUALIFIED referring back is a cycle.
  const cycle = await call(app, { method: 'PUT', path: `/saved_search/${QUALIFIED}/`, payload: { s_query: viewNode(QUALIFIED_ACTIVE) } });
  isFieldError(t, cycle, 's_query');
  t.match(cycle.json()['field-errors'].s_query, `${QUALIFIED} → ${QUALIFIED_ACTIVE} → ${QUALIFIED}`);
  t.same(JSON.parse(stored(app, QUALIFIED)!.s_query as string).queries[1].condition, { type: 'term', values: [CLOSE.status.qualified] });
});

t.test('smart views nest at most 10 deep, the one written counting', async (t) => {
  const app = await build(t);
  let last = (await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'v0', s_query: ACME_QUERY } })).json().id as string;
  for (let i = 1; i <= 9; i++) {
    const res = await call(app, { method: 'POST', path: '/saved_search/', payload: { name: `v${i}`, s_query: viewNode(last) } });
    t.equal(res.statusCode, 200, `v${i}`);
    last = res.json().id;
  }
  t.same(ids((await search(app, viewNode(last))).json().data), [CLOSE.incAcmeHoldings, CLOSE.acmeInc], 'ten levels below the search');
  const deeper = await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'v10', s_query: viewNode(last) } });
  isFieldError(t, deeper, 's_query');
  t.match(deeper.json()['field-errors'].s_query, /more than 10 levels deep/);
});

t.test('lead_saved_search_id keeps exactly the opportunities of the leads the smart view matches', async (t) => {
  const app = await build(t);
  const view = (await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'two', s_query: leadsQuery(CLOSE.acmeInc, CLOSE.incAcmeHoldings) } })).json();
  const res = await call(app, { path: `/opportunity/?lead_saved_search_id=${view.id}&_order_by=date_created` });
  t.equal(res.statusCode, 200);
  t.same([...ids(res.json().data)].sort(), [
    'oppo_Npme9x7ZtUIrddRnaGzN24pgZwF1O5RSEnMLc1bto1y', 'oppo_UKBmuwAbXbcE0fx6nIp2z0cmQJ3WdMWPiGlRUI1ehtD',
    'oppo_VEBLxQ7IvFLhVPXCMMxIAAu8lxfPHiZsfBgz2Ydq54f', 'oppo_X4XhJNUpRfgp4XISTkFMvRsQs6osNuJT3bTeUPykE76',
  ]);
  t.equal(res.json().total_results, 4);
  // With another filter: and-ed.
  const one = await call(app, { path: `/opportunity/?lead_saved_search_id=${view.id}&lead_id=${CLOSE.acmeInc}` });
  t.same([...ids(one.json().data)].sort(), ['oppo_Npme9x7ZtUIrddRnaGzN24pgZwF1O5RSEnMLc1bto1y', 'oppo_X4XhJNUpRfgp4XISTkFMvRsQs6osNuJT3bTeUPykE76']);
  // A seeded view: every opportunity whose lead is a Qualified lead with an active opportunity.
  const qualifiedLeads = new Set(CS.leads.filter((l) => l.status_id === CLOSE.status.qualified && l.opportunities.some((o) => CS.opportunity_statuses.find((s) => s.id === o.status_id)!.type === 'active')).map((l) => l.id));
  const seeded = await call(app, { path: `/opportunity/?lead_saved_search_id=${QUALIFIED_ACTIVE}&_limit=250` });
  t.same([...ids(seeded.json().data)].sort(), CS.leads.filter((l) => qualifiedLeads.has(l.id)).flatMap((l) => l.opportunities.map((o) => o.id)).sort());
  isFieldError(t, await call(app, { path: '/opportunity/?lead_saved_search_id=save_missing' }), 'lead_saved_search_id');
  isFieldError(t, await call(app, { path: `/opportunity/?lead_saved_search_id=${TITLED}` }), 'lead_saved_search_id');
});

t.test('a bulk edit whose s_query is a smart view edits exactly the leads the view matches', async (t) => {
  const app = await build(t);
  const view = (await call(app, { method: 'POST', path: '/saved_search/', payload: { name: 'ACME', s_query: ACME_QUERY } })).json();
  const edit = await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: viewNode(view.id) } });
  t.equal(edit.statusCode, 200);
  t.match((await ctl(app, 'POST', `/jobs/${edit.json().id}/run`)).json(), { status: 'done', n_leads_processed: 2 });
  const status = (id: string) => rows(app, `SELECT status_id FROM close_leads WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0]!.status_id;
  t.same([status(CLOSE.acmeInc), status(CLOSE.incAcmeHoldings)], [CLOSE.status.customer, CLOSE.status.customer]);
  t.equal(status(CLOSE.acmeCorp), CS.leads.find((l) => l.id === CLOSE.acmeCorp)!.status_id, '"ACMECorp" is not in the view: unchanged');
  t.equal(rows(app, `SELECT count(*) AS n FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ?`, closeOrg(app), edit.json().id)[0]!.n, 2);
  isFieldError(t, await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: viewNode(TITLED) } }), 's_query');
});
