import t from 'tap';
import { readFileSync } from 'node:fs';
import { build, shareApps } from '../helper.js';
import { REFUSED_FIELDS } from '../../src/close/refused.js';
import { READ_ONLY_FIELDS } from '../../src/close/read-only.js';
import { closePathOf, ourTemplate, PREFIX } from './close-spec.js';
import { CS, SEEDED_LEAD, call, closeOrg, closeState, fieldId, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Close's documented body fields per write operation we serve (scripts/close-request-fields.mjs reads
// them from Close's OpenAPI document; null where it says only "Any type").
const documented = JSON.parse(readFileSync(new URL('../fixtures/close-request-fields.json', import.meta.url), 'utf8')) as Record<string, string[] | null>;

/**
 * Where Close's document says "Any type", the fields its docs' prose and examples show (besides
 * `custom.cf_…` keys). Operations missing here are not yet checked field by field.
 */
const PROSE: Record<string, string[]> = {
  'POST /lead/': ['name', 'url', 'description', 'status_id', 'status', 'contacts', 'addresses'],
  'PUT /lead/{id}/': ['name', 'url', 'description', 'status_id', 'status', 'addresses'],
  'POST /contact/': ['lead_id', 'name', 'title', 'emails', 'phones', 'urls'],
  'PUT /contact/{id}/': ['name', 'title', 'emails', 'phones', 'urls'],
  ...Object.fromEntries(['lead', 'contact', 'opportunity', 'activity', 'shared', 'custom_object_type'].flatMap((word) => {
    const own = word === 'activity' ? ['custom_activity_type_id'] : word === 'custom_object_type' ? ['custom_object_type_id', 'required'] : [];
    const fields = ['name', 'type', 'description', 'accepts_multiple_values', 'choices', 'editable_with_roles', ...own];
    return [[`POST /custom_field/${word}/`, fields], [`PUT /custom_field/${word}/{id}/`, fields.filter((f) => !f.endsWith('_type_id'))]];
  })),
  // close.md §1 "Request fields".
  'POST /bulk_action/edit/': [
    'type', 's_query', 'query', 'results_limit', 'sort', 'send_done_email', 'lead_status_id', 'custom_field_id', 'custom_field_name',
    'custom_field_value', 'custom_field_values', 'custom_field_operation',
  ],
  'PUT /bulk_action/edit/{id}/': ['status'],
  'POST /status/lead/': ['label'],
  'PUT /status/lead/{id}/': ['label'],
  // Close's description: "must belong to a pipeline (specified by `pipeline_id`) and have a `type`"; PUT: "Rename".
  'POST /status/opportunity/': ['label', 'type', 'pipeline_id'],
  'PUT /status/opportunity/{id}/': ['label'],
  'POST /custom_object/': ['custom_object_type_id', 'lead_id', 'name'],
  'PUT /custom_object/{id}/': ['name'],
  // Its description names status_id and date_won (and custom.FIELD_ID) and points to POST /opportunity/ for the
  // rest: the opportunity's own fields there, not lead_id, date_created and created_by, which only a create sets.
  'PUT /opportunity/{id}/': ['status_id', 'date_won', 'value', 'value_period', 'confidence', 'contact_id', 'user_id', 'note', 'custom_fields', 'attachments'],
  // Its description names only _type; a task's writable fields are those its update documents (PUT /task/{id}/).
  'POST /task/': [
    '_type', 'lead_id', 'text', 'assigned_to', 'date', 'due_date', 'is_complete', 'is_dateless', 'contact_id', 'created_by', 'organization_id',
    'priority', 'resolution', 'agent_config_id',
  ],
  // "Update an organization's `name`, `currency`, and reorder existing `lead_statuses`."
  'PUT /organization/{id}/': ['name', 'currency', 'lead_statuses'],
  // Its description: rename, reorder statuses, move a status in with {"id": …} in `statuses`; the create has no prose.
  'POST /pipeline/': ['name', 'statuses'],
  'PUT /pipeline/{id}/': ['name', 'statuses'],
  // The request examples of Close's sequence pages; PUT /sequence_subscription/{id}/ documents `status` alone.
  'POST /sequence/': ['name', 'status', 'timezone', 'schedule', 'steps'],
  'PUT /sequence/{id}/': ['name', 'status', 'timezone', 'schedule', 'steps'],
  'POST /sequence_subscription/': ['sequence_id', 'contact_id', 'contact_email', 'sender_account_id', 'sender_name', 'sender_email', 'calls_assigned_to'],
  'PUT /sequence_subscription/{id}/': ['status'],
};

const F = { dealType: fieldId('Deal Type', 'opportunity'), seats: fieldId('Seats', 'opportunity'), region: fieldId('Region', 'shared'), callOutcome: fieldId('Call Outcome', 'activity') };
const discovery = CS.custom_activity_types.find((a) => a.name === 'Discovery Call')!.id;
const won = CS.opportunity_statuses.find((s) => s.type === 'won')!;
const [apiUser, otherUser] = [CS.users[0]!.id, CS.users[1]!.id];

type Doc = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>> };

t.test('every body field Close documents for a write we serve is in our body schema or refused', async (t) => {
  const app = await build(t);
  const doc = app.swagger() as unknown as Doc;
  const checked = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith(PREFIX + '/')) continue;
    for (const method of ['post', 'put', 'patch']) {
      const op = item[method];
      if (!op) continue;
      // An operation absent from Close's OpenAPI (e.g. pausing a bulk edit) goes by our own path.
      const closePath = closePathOf(method, path) ?? ourTemplate(path);
      const key = `${method.toUpperCase()} ${closePath}`;
      const fields = documented[key] ?? PROSE[key];
      if (!fields) continue;
      const ours = Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {});
      const route = `${method.toUpperCase()} ${ourTemplate(path).replace(/\{(\w+)\}/g, ':$1')}`;
      const refused = Object.keys(REFUSED_FIELDS[route] ?? {});
      // A read-only field kept when it is the caller's own (organization_id, id, _type) and refused otherwise (src/close/read-only.ts).
      const guarded = Object.entries(READ_ONLY_FIELDS[route] ?? {}).filter(([, rule]) => rule !== 'ignore').map(([k]) => k);
      for (const f of fields) t.ok(ours.includes(f) || refused.includes(f) || guarded.includes(f), `${key}: ${f} is honoured or refused`);
      for (const f of refused.filter((r) => !r.includes('[].'))) {
        t.ok(fields.includes(f), `${key}: refused ${f} is documented`);
        t.notOk(ours.includes(f), `${key}: refused ${f} is not also in the body schema`);
      }
      checked.add(key);
    }
  }
  t.same([...checked].sort(), [...Object.keys(documented).filter((k) => documented[k]), ...Object.keys(PROSE)].sort(), 'every listed operation was checked');
  const served = new Set(Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${ourTemplate(p).replace(/\{(\w+)\}/g, ':$1')}`)));
  for (const route of Object.keys(REFUSED_FIELDS)) t.ok(served.has(route), `refused fields belong to a served route: ${route}`);
});

t.test('a documented field the emulator cannot honour is a 400 naming it and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const act = (await call(app, { path: `/activity/custom/?custom_activity_type_id=${discovery}&_limit=1` })).json().data[0];
  const cases: [string, 'POST' | 'PUT', Record<string, unknown>, string][] = [
    ['/opportunity/', 'POST', { lead_id: SEEDED_LEAD.id, attachments: [{ url: 'https://x', filename: 'a.pdf' }] }, 'attachments'],
    ['/activity/custom/', 'POST', { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, pinned: true }, 'pinned'],
    ['/activity/custom/', 'POST', { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, status: 'draft' }, 'status'],
    ['/activity/custom/', 'POST', { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, activity_at: '2026-01-01T00:00:00Z' }, 'activity_at'],
    ['/activity/custom/', 'POST', { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, created_by_id: apiUser }, 'created_by_id'],
    ['/activity/custom/', 'POST', { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, contact_id: 'cont_x' }, 'contact_id'],
    [`/activity/custom/${act.id}/`, 'PUT', { pinned: true }, 'pinned'],
    [`/activity/custom/${act.id}/`, 'PUT', { contact_id: 'cont_x' }, 'contact_id'],
    ['/lead/', 'POST', { name: 'Nested url', contacts: [{ name: 'A' }, { name: 'B', urls: [{ url: 'https://b' }] }] }, 'contacts.1.urls'],
    ['/contact/', 'POST', { lead_id: SEEDED_LEAD.id, name: 'C', urls: [{ url: 'https://c' }] }, 'urls'],
    [`/contact/${SEEDED_LEAD.contacts[0]!.id}/`, 'PUT', { urls: [{ url: 'https://c' }] }, 'urls'],
    ['/custom_field/lead/', 'POST', { name: 'Secret', type: 'text', editable_with_roles: ['role_admin'] }, 'editable_with_roles'],
    [`/custom_field/opportunity/${F.seats}/`, 'PUT', { editable_with_roles: ['role_admin'] }, 'editable_with_roles'],
    ['/custom_field/custom_object_type/', 'POST', { name: 'Must', type: 'text', custom_object_type_id: CS.custom_object_types[0]!.id, required: true }, 'required'],
    [`/opportunity/${SEEDED_LEAD.opportunities[0]!.id}/`, 'PUT', { attachments: [{ url: 'https://x', filename: 'a.pdf' }] }, 'attachments'],
    ['/task/', 'POST', { lead_id: SEEDED_LEAD.id, text: 'Call', priority: 'high' }, 'priority'],
    ['/task/', 'POST', { lead_id: SEEDED_LEAD.id, text: 'Call', contact_id: SEEDED_LEAD.contacts[0]!.id }, 'contact_id'],
    ['/task/', 'POST', { lead_id: SEEDED_LEAD.id, text: 'Call', resolution: 'skipped' }, 'resolution'],
    ['/task/', 'POST', { lead_id: SEEDED_LEAD.id, text: 'Call', agent_config_id: 'x' }, 'agent_config_id'],
    [`/organization/${closeOrg(app)}/`, 'PUT', { currency: 'EUR' }, 'currency'],
    [`/organization/${closeOrg(app)}/`, 'PUT', { lead_statuses: CS.lead_statuses.slice().reverse() }, 'lead_statuses'],
  ];
  for (const [path, method, payload, field] of cases) {
    const res = await call(app, { method, path, payload });
    isFieldError(t, res, field);
    t.match(res.json()['field-errors'][field], /Not supported by the emulator/);
  }
  t.equal(closeState(app), before, 'nothing stored');
});

t.test('a refused field sent as null, false or an empty list is accepted as not sent', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, pipeline_id: null, attachments: [] } });
  t.equal(res.statusCode, 200);
  t.equal(rows(app, `SELECT id FROM close_opportunities WHERE org_id = ? AND id = ?`, closeOrg(app), res.json().id).length, 1);
  const act = await call(app, { method: 'POST', path: '/activity/custom/', payload: { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, pinned: false } });
  t.equal(act.statusCode, 200);
  t.equal(rows(app, `SELECT id FROM close_activities WHERE org_id = ? AND id = ?`, closeOrg(app), act.json().id).length, 1);
});

t.test('an opportunity created with date_created, date_won, created_by and custom_fields stores them and GET echoes them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/opportunity/', payload: {
    lead_id: SEEDED_LEAD.id, status_id: won.id, date_created: '2024-03-05T10:20:30.123Z', date_won: '2024-03-10', created_by: otherUser,
    custom_fields: { [F.seats]: 12, 'Deal Type': 'Upsell', Region: 'Kanto' },
  } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.match(o, {
    date_created: '2024-03-05T10:20:30.123000+00:00', date_won: '2024-03-10', created_by: otherUser, updated_by: otherUser, user_id: apiUser,
    [`custom.${F.seats}`]: 12, [`custom.${F.dealType}`]: 'Upsell', [`custom.${F.region}`]: 'Kanto',
  });
  t.notOk('custom_fields' in o);
  t.match(rows(app, `SELECT date_created, date_won, created_by FROM close_opportunities WHERE org_id = ? AND id = ?`, org, o.id)[0],
    { date_created: '2024-03-05T10:20:30.123000+00:00', date_won: '2024-03-10', created_by: otherUser });
  t.equal(stored(app, o.id, F.seats), 12);
  t.equal(stored(app, o.id, F.dealType), 'Upsell');
  t.same((await call(app, { path: `/opportunity/${o.id}/` })).json(), o);
});

t.test('date_won is kept as given on an active opportunity and can be changed or cleared by PUT', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const o = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, date_won: '2025-06-30T23:30:00+00:00' } })).json();
  t.equal(o.status_type, 'active');
  t.equal(o.date_won, '2025-06-30');
  const put = await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { date_won: '2025-07-15', custom_fields: { [F.seats]: 3 } } });
  t.equal(put.statusCode, 200);
  t.match(put.json(), { date_won: '2025-07-15', [`custom.${F.seats}`]: 3 });
  t.equal(stored(app, o.id, F.seats), 3);
  t.equal((await call(app, { method: 'PUT', path: `/opportunity/${o.id}/`, payload: { date_won: null } })).json().date_won, null);
  t.equal(rows(app, `SELECT date_won FROM close_opportunities WHERE org_id = ? AND id = ?`, org, o.id)[0]!.date_won, null);
});

t.test('bad date_created, date_won, created_by or custom_fields on an opportunity is a 400 naming it and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{ date_created: 'yesterday' }, 'date_created'],
    [{ date_won: '30/06/2025' }, 'date_won'],
    [{ created_by: 'user_nobody' }, 'created_by'],
    [{ custom_fields: { cf_nope: 1 } }, 'custom_fields.cf_nope'],
    [{ custom_fields: { 'Deal Type': 'Barter' } }, 'custom_fields.Deal Type'],
    [{ custom_fields: { [F.seats]: 1 }, [`custom.${F.seats}`]: 2 }, `custom.${F.seats}`],
    [{ custom_fields: 'Seats=1' }, 'custom_fields'],
  ];
  for (const [extra, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, ...extra } }), field);
  t.equal(closeState(app), before, 'nothing stored');
});

t.test('a custom activity created with custom_fields, date_created and its own organization_id stores them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/activity/custom/', payload: {
    lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, organization_id: org, date_created: '2023-01-02T03:04:05',
    custom_fields: { 'Call Outcome': 'Qualified' },
  } });
  t.equal(res.statusCode, 200);
  const a = res.json();
  t.match(a, { date_created: '2023-01-02T03:04:05.000000+00:00', organization_id: org, [`custom.${F.callOutcome}`]: 'Qualified' });
  t.equal(stored(app, a.id, F.callOutcome), 'Qualified');
  t.equal(rows(app, `SELECT date_created FROM close_activities WHERE org_id = ? AND id = ?`, org, a.id)[0]!.date_created, '2023-01-02T03:04:05.000000+00:00');
  const put = await call(app, { method: 'PUT', path: `/activity/custom/${a.id}/`, payload: { custom_fields: { [F.callOutcome]: 'No Answer' } } });
  t.equal(put.json()[`custom.${F.callOutcome}`], 'No Answer');
  t.same((await call(app, { path: `/activity/custom/${a.id}/` })).json(), put.json());
});

t.test('a custom activity with a bad date_created or an unknown custom_fields key is a 400 and stores nothing; another organization_id is ignored', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const base = { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery };
  isFieldError(t, await call(app, { method: 'POST', path: '/activity/custom/', payload: { ...base, date_created: 'soon' } }), 'date_created');
  isFieldError(t, await call(app, { method: 'POST', path: '/activity/custom/', payload: { ...base, custom_fields: { 'Demo Outcome': 'Positive' } } }), 'custom_fields.Demo Outcome');
  t.equal(closeState(app), before, 'nothing stored');
  // Real API: organization_id is read-only; a write lands in the key's organization (Close's clone script relies on it).
  const made = await call(app, { method: 'POST', path: '/activity/custom/', payload: { ...base, organization_id: 'orga_other' } });
  t.equal(made.statusCode, 200);
  t.equal(made.json().organization_id, closeOrg(app));
});
