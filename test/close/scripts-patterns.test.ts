import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { API, closeAuth, closeOrg, CS } from './helper.js';
import { CLOSE } from './seed-ids.js';

shareApps(t);

// Issue 29: the request patterns of Close's own public maintenance scripts (closeio/close-api-scripts),
// written here from what each script sends and reads, each checked against the stored rows.

type Obj = Record<string, any>;
const JUNIPER = 'lead_JkLgBR6lIrdC7I3ZQEQPRip4S0RD7eawonaJbYwqrSd';

/** The scripts' `api.get/post/put/delete(endpoint, params|data)` against one organization's key. */
function closeApi(app: FastifyInstance, key: string) {
  const send = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', endpoint: string, body?: unknown, params?: Record<string, string>) => {
    const qs = params ? `?${new URLSearchParams(params)}` : '';
    const res = await app.inject({ method, url: `${API}/${endpoint.replace(/\/?$/, '/')}${qs}`, headers: closeAuth(key), ...(body === undefined ? {} : { payload: body as object }) });
    if (res.statusCode !== 200) throw new Error(`${method} ${endpoint}${qs}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json() as Obj;
  };
  return {
    get: (endpoint: string, params?: Record<string, string>) => send('GET', endpoint, undefined, params),
    post: (endpoint: string, data: unknown) => send('POST', endpoint, data),
    put: (endpoint: string, data: unknown) => send('PUT', endpoint, data),
    delete: (endpoint: string) => send('DELETE', endpoint),
    /** Every event matching `params`, paged as the scripts page: `_cursor` starts empty and follows cursor_next. */
    async events(params: Record<string, string>): Promise<Obj[]> {
      const out: Obj[] = [];
      let cursor = '';
      for (;;) {
        const page = await send('GET', 'event', undefined, { ...params, _cursor: cursor });
        out.push(...page.data);
        if (!page.cursor_next) return out;
        cursor = page.cursor_next;
      }
    },
  };
}

const count = (app: FastifyInstance, key: string, sql: string, ...args: unknown[]) =>
  app.tenants.db(closeOrg(app, key)).prepare(sql).pluck().get(closeOrg(app, key), ...args) as number;

t.test('restore deleted leads from the event log (restore_deleted_leads.py): the lead, then each object from its own deleted event, each once', async (t) => {
  const app = await build(t);
  const api = closeApi(app, 'restore');
  const before = await api.get(`lead/${JUNIPER}`);
  const note = await api.post('activity/note', { lead_id: JUNIPER, note: 'Spoke to procurement' });
  const call = await api.post('activity/call', { lead_id: JUNIPER, direction: 'outbound', duration: 90, phone: '+14155550123', note: 'Intro call' });
  const sms = await api.post('activity/sms', { lead_id: JUNIPER, status: 'sent', direction: 'outbound', text: 'See you Tuesday', local_phone: '+14155550001', remote_phone: '+14155550999' });
  const contacts = before.contacts.length;
  const opportunities = before.opportunities.length;
  const tasks = count(app, 'restore', 'SELECT count(*) FROM close_tasks WHERE org_id = ? AND lead_id = ?', JUNIPER);
  t.ok(contacts >= 2 && opportunities >= 1 && tasks >= 1, 'a lead with contacts, opportunities and a task');
  await api.delete(`lead/${JUNIPER}`);

  // The script: the lead's deleted event's previous_data, without its id, posted as a new lead.
  const [leadEvent] = await api.events({ object_type: 'lead', action: 'deleted', lead_id: JUNIPER });
  const { id: _oldId, ...leadData } = leadEvent!.previous_data;
  const lead = await api.post('lead', leadData);
  t.same(lead.contacts, [], 'the lead\'s event data names its contacts but does not carry them');
  const mapping = new Map<string, string>();
  for (const objectType of ['contact', 'opportunity', 'task.lead', 'activity.call', 'activity.note', 'activity.sms']) {
    for (const event of await api.events({ object_type: objectType, action: 'deleted', lead_id: JUNIPER })) {
      const { id: oldId, ...prev } = event.previous_data;
      if ('contact_id' in prev) {
        if (mapping.has(prev.contact_id)) prev.contact_id = mapping.get(prev.contact_id);
        else delete prev.contact_id;
      }
      if (objectType === 'activity.call') prev.source = 'External';
      prev.lead_id = lead.id;
      const endpoint = objectType.startsWith('activity') ? objectType.replace('.', '/') : objectType.replace('.lead', '');
      const made = await api.post(endpoint, prev);
      if (objectType === 'contact') mapping.set(oldId, made.id);
    }
  }
  const per = (table: string) => count(app, 'restore', `SELECT count(*) FROM ${table} WHERE org_id = ? AND lead_id = ?`, lead.id);
  t.equal(per('close_contacts'), contacts, 'each contact once');
  t.equal(per('close_opportunities'), opportunities);
  t.equal(per('close_tasks'), tasks);
  t.equal(per('close_typed_activities'), 2, 'the call and the SMS');
  t.equal(count(app, 'restore', `SELECT count(*) FROM close_activities WHERE org_id = ? AND lead_id = ? AND note = 'Spoke to procurement'`, lead.id), 1);
  const after = await api.get(`lead/${lead.id}`);
  t.same(after.contacts.map((c: Obj) => c.name).sort(), before.contacts.map((c: Obj) => c.name).sort());
  t.same(after.opportunities.map((o: Obj) => o.contact_id).filter(Boolean).every((id: string) => [...mapping.values()].includes(id)), true, 'opportunities point at the new contacts');
  t.ok(note.id && call.id && sms.id);
});

t.test('move a custom field\'s values into contact info by field name (move_custom_field_to_contact_info.py)', async (t) => {
  const app = await build(t);
  const api = closeApi(app, 'move-field');
  await api.post('custom_field/lead', { name: 'Migration completed', type: 'text' });
  const customOf = (l: Obj, field: string) => (l.custom ?? {})[field];
  const withSource = CS.leads.filter((l) => customOf(l, CLOSE.field.sourceDetail) !== undefined);
  t.ok(withSource.length > 3, 'seeded leads with a Source Detail');
  const resp = await api.get('lead', {
    query: '"custom.Source Detail":* not "custom.Migration completed":* sort:created', _fields: 'id,display_name,name,contacts,custom', _limit: '200',
  });
  t.same(resp.data.map((l: Obj) => l.id).sort(), withSource.map((l) => l.id).sort(), 'the query by field names selects them');
  const migrated = (resp.data as Obj[]).filter((l) => l.contacts.length > 0).slice(0, 3);
  for (const lead of migrated) {
    t.type(lead.custom['Source Detail'], 'string', 'the legacy custom dict, by field name');
    const contact = lead.contacts[0];
    await api.put(`contact/${contact.id}`, { title: lead.custom['Source Detail'] });
    await api.put(`lead/${lead.id}`, { 'custom.Migration completed': 'Yes' });
  }
  const db = app.tenants.db(closeOrg(app, 'move-field'));
  for (const lead of migrated) {
    t.equal(db.prepare('SELECT title FROM close_contacts WHERE id = ?').pluck().get(lead.contacts[0].id), lead.custom['Source Detail']);
  }
  const left = await api.get('lead', { query: '"custom.Source Detail":* not "custom.Migration completed":*', _fields: 'id', _limit: '200' });
  t.equal(left.data.length, withSource.length - 3, 'the migrated ones no longer match');
});

t.test('bulk update lead info from a CSV by field name (bulk_update_leads_info.py): the organization names its fields; a missing one is created', async (t) => {
  const app = await build(t);
  const api = closeApi(app, 'csv-update');
  const orgId = (await api.get('me')).organizations[0].id;
  const org = await api.get(`organization/${orgId}`);
  const names = new Set(org.lead_custom_fields.map((f: Obj) => f.name));
  t.ok(names.has('Industry') && names.has('Products'), 'lead_custom_fields lists the lead fields by name');
  const multi = org.lead_custom_fields.filter((f: Obj) => f.accepts_multiple_values).map((f: Obj) => f.name);
  t.ok(multi.includes('Products'));
  const csv = [
    { company: 'Juniper Medical GmbH', 'custom.Industry': 'Healthcare', 'custom.Products': 'Analytics', 'custom.Segment': 'Enterprise' },
    { company: 'A Company Not In Close', 'custom.Industry': 'Retail', 'custom.Products': 'CRM', 'custom.Segment': 'SMB' },
  ];
  // The script's --create-custom-fields: the missing column becomes a text field, through the plural path it uses.
  for (const field of ['Industry', 'Products', 'Segment']) {
    if (!names.has(field)) await api.post('custom_fields/lead', { name: field, type: 'text' });
  }
  for (const row of csv) {
    const payload: Obj = { ...row };
    delete payload.company;
    const found = await api.get('lead', { query: `company:"${row.company}" sort:created`, _fields: 'id,display_name,name,contacts,custom' });
    if (found.data.length > 0) {
      const lead = found.data[0];
      for (const key of multi) {
        if (payload[`custom.${key}`] && lead.custom[key]) payload[`custom.${key}`] = [...lead.custom[key], payload[`custom.${key}`]];
      }
      await api.put(`lead/${lead.id}`, payload);
    } else {
      await api.post('lead', { name: row.company, ...payload });
    }
  }
  const juniper = await api.get(`lead/${JUNIPER}`, { _fields: 'id,custom' });
  t.equal(juniper.custom.Industry, 'Healthcare');
  t.equal(juniper.custom.Segment, 'Enterprise');
  t.ok(juniper.custom.Products.includes('Analytics'), 'a multi-value field keeps its values and gains the new one');
  const made = await api.get('lead', { query: 'company:"A Company Not In Close"', _fields: 'id,custom' });
  t.equal(made.data.length, 1, 'the unknown company became a lead');
  t.same([made.data[0].custom.Industry, made.data[0].custom.Segment], ['Retail', 'SMB']);
  const segment = org.lead_custom_fields.length + 1;
  t.equal((await api.get(`organization/${orgId}`)).lead_custom_fields.length, segment, 'one field was created');
});

t.test('import leads from a Close JSON export (import_leads_from_close_json.py): statuses by label, custom by name, history kept', async (t) => {
  const app = await build(t);
  const source = closeApi(app, 'export-from');
  const target = closeApi(app, 'import-into');
  const exported = (await source.get('lead', { query: 'company:"Juniper Medical GmbH"', _fields: 'id,display_name,status_label,date_created,created_by,url,description,custom,contacts,opportunities,tasks' })).data;
  t.equal(exported.length, 1);
  await target.post('custom_field/lead', { name: 'Original Lead ID', type: 'text' });
  for (const lead of exported) {
    const custom = { ...lead.custom, 'Original Lead ID': lead.id };
    const contacts = lead.contacts.map(({ id: _i, lead_id: _l, ...c }: Obj) => c);
    const posted = await target.post('lead', {
      status: lead.status_label, name: lead.display_name, date_created: lead.date_created, created_by: lead.created_by, url: lead.url,
      description: lead.description, custom, contacts,
    });
    const mapping = new Map(lead.contacts.map((c: Obj, i: number) => [c.id, posted.contacts[i].id]));
    for (const { id: _o, organization_id: _org, status_id: _s, status_label, ...opp } of lead.opportunities) {
      await target.post('opportunity', { ...opp, status: status_label, lead_id: posted.id, contact_id: opp.contact_id ? mapping.get(opp.contact_id) ?? null : null });
    }
    for (const { id: _t, organization_id: _org, ...task } of (await source.get('task', { lead_id: lead.id })).data) {
      await target.post('task', { ...task, lead_id: posted.id });
    }
    const db = app.tenants.db(closeOrg(app, 'import-into'));
    const row = db.prepare('SELECT date_created, created_by, status_id FROM close_leads WHERE id = ?').get(posted.id) as Obj;
    t.same([row.date_created, row.created_by], [lead.date_created, lead.created_by], 'the lead keeps its creation date and creator');
    t.equal(row.status_id, CS.leads.find((l) => l.id === lead.id)!.status_id, 'status by label (same labels, same ids in both seeded organizations)');
    const back = await target.get(`lead/${posted.id}`, { _fields: 'id,custom,contacts,opportunities' });
    t.equal(back.custom['Original Lead ID'], lead.id);
    t.equal(back.custom.Industry, lead.custom.Industry);
    t.equal(back.contacts.length, lead.contacts.length);
    t.equal(back.opportunities.length, lead.opportunities.length);
    t.same(back.opportunities.map((o: Obj) => o.status_label).sort(), lead.opportunities.map((o: Obj) => o.status_label).sort());
  }
});

t.test('clone an organization\'s settings (clone_organization.py): statuses, pipelines, custom fields, integration links, roles, templates, sequences', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'clone-to', dataset: 'empty' });
  const from = closeApi(app, 'clone-from');
  const to = closeApi(app, 'clone-to');
  await from.post('status/lead', { label: 'Nurture' });
  await from.post('integration_link', { name: 'Search', type: 'lead', url: 'https://search.example.com/?q={{ lead.display_name }}' });
  await from.post('role', { name: 'Analyst', permissions: [] });
  const toLabels = new Set((await to.get('status/lead')).data.map((s: Obj) => s.label));
  for (const { label } of (await from.get('status/lead')).data) if (!toLabels.has(label)) await to.post('status/lead', { label });
  const toPipelines = new Set((await to.get('pipeline')).data.map((p: Obj) => p.name));
  for (const pipeline of (await from.get('pipeline')).data) {
    if (toPipelines.has(pipeline.name)) continue;
    const made = await to.post('pipeline', { name: pipeline.name });
    for (const s of pipeline.statuses) await to.post('status/opportunity', { label: s.label, type: s.type, pipeline_id: made.id });
  }
  for (const kind of ['lead', 'contact', 'opportunity']) {
    const have = new Set((await to.get(`custom_field/${kind}`)).data.map((f: Obj) => f.name));
    for (const { id: _i, organization_id: _o, ...field } of (await from.get(`custom_field/${kind}`, { _limit: '1000' })).data) {
      if (!have.has(field.name)) await to.post(`custom_field/${kind}`, field);
    }
  }
  const haveLinks = new Set((await to.get('integration_link')).data.map((x: Obj) => x.name));
  for (const { id: _i, ...link } of (await from.get('integration_link')).data) if (!haveLinks.has(link.name)) await to.post('integration_link', link);
  const builtin = new Set((await to.get('role')).data.map((r: Obj) => r.name));
  for (const { id: _i, ...role } of (await from.get('role')).data) if (!role.is_builtin && !builtin.has(role.name)) await to.post('role', role);
  const templates = new Map<string, string>();
  const haveTemplates = new Set((await to.get('email_template')).data.map((x: Obj) => x.name));
  for (const { id, ...template } of (await from.get('email_template')).data) {
    if (haveTemplates.has(template.name)) continue;
    templates.set(id, (await to.post('email_template', template)).id);
  }
  // Sequences name templates: the script maps each step's template to its copy.
  const haveSequences = new Set((await to.get('sequence')).data.map((x: Obj) => x.name));
  for (const { id: _i, ...sequence } of (await from.get('sequence')).data) {
    if (haveSequences.has(sequence.name)) continue;
    const steps = sequence.steps.map(({ id: _s, ...step }: Obj) => ({ ...step, ...(step.email_template_id ? { email_template_id: templates.get(step.email_template_id) ?? step.email_template_id } : {}) }));
    await to.post('sequence', { ...sequence, steps });
  }
  const names = async (api: typeof from, endpoint: string, key = 'name') => (await api.get(endpoint, { _limit: '200' })).data.map((x: Obj) => x[key]).sort();
  t.same(await names(to, 'status/lead', 'label'), await names(from, 'status/lead', 'label'));
  t.same(await names(to, 'pipeline'), await names(from, 'pipeline'));
  for (const kind of ['lead', 'contact', 'opportunity']) t.same(await names(to, `custom_field/${kind}`), await names(from, `custom_field/${kind}`), kind);
  t.same(await names(to, 'integration_link'), await names(from, 'integration_link'));
  t.same(await names(to, 'role'), await names(from, 'role'));
  t.same(await names(to, 'email_template'), await names(from, 'email_template'));
  t.same(await names(to, 'sequence'), await names(from, 'sequence'));
});

t.test('reports from the event log with cursors (run_leads_deleted_report.py, custom_field_change_report.py)', async (t) => {
  const app = await build(t);
  const api = closeApi(app, 'report');
  const deleted = CS.leads.slice(10, 13).map((l) => l.id);
  for (const id of deleted) await api.delete(`lead/${id}`);
  for (const l of CS.leads.slice(20, 80)) await api.put(`lead/${l.id}`, { 'custom.Industry': 'Retail' });
  const report = await api.events({ object_type: 'lead', action: 'deleted' });
  t.same(report.map((e) => e.object_id).sort(), [...deleted].sort(), 'every deleted lead, across pages');
  t.ok(report.every((e) => e.previous_data && e.previous_data.display_name !== undefined), 'with what they were');
  const updates = await api.events({ object_type: 'lead', action: 'updated' });
  t.ok(updates.length >= 60, 'more than one page of updates (50 a page)');
  const changedIndustry = updates.filter((e) => e.changed_fields.includes(`custom.${CLOSE.field.industry}`));
  const changedBefore = CS.leads.slice(20, 80).filter((l) => ((l as Obj).custom ?? {})[CLOSE.field.industry] !== 'Retail');
  t.equal(changedIndustry.length, changedBefore.length, 'one updated event per lead whose Industry really changed');
  t.same(new Set(updates.map((e) => e.id)).size, updates.length, 'no event twice across pages');
});

t.test('the legacy custom dict (field name → value) is answered when _fields names custom, and only then', async (t) => {
  const app = await build(t);
  const api = closeApi(app, 'legacy-custom');
  const seeded = CS.leads[0]! as Obj;
  const expected = Object.fromEntries(Object.entries(seeded.custom as Obj).map(([id, v]) => [CS.custom_fields.find((f) => f.id === id)!.name, v]));
  t.same((await api.get(`lead/${seeded.id}`, { _fields: 'id,custom' })).custom, expected, 'GET one lead');
  const listed = (await api.get('lead', { _fields: 'id,custom', _limit: '200' })).data.find((l: Obj) => l.id === seeded.id);
  t.same(listed.custom, expected, 'the list');
  const plain = await api.get(`lead/${seeded.id}`);
  t.notOk('custom' in plain, 'without _fields the published shape: custom.cf_… keys only');
  t.ok(Object.keys(plain).some((k) => k.startsWith('custom.cf_')));
  const contact = CS.leads.flatMap((l) => l.contacts).find((c) => Object.keys((c as Obj).custom ?? {}).length > 0)! as Obj;
  const contactExpected = Object.fromEntries(Object.entries(contact.custom as Obj).map(([id, v]) => [CS.custom_fields.find((f) => f.id === id)!.name, v]));
  t.same((await api.get(`contact/${contact.id}`, { _fields: 'custom' })).custom, contactExpected, 'a contact');
  const opp = CS.leads.flatMap((l) => l.opportunities).find((o) => Object.keys((o as Obj).custom ?? {}).length > 0)! as Obj;
  const oppExpected = Object.fromEntries(Object.entries(opp.custom as Obj).map(([id, v]) => [CS.custom_fields.find((f) => f.id === id)!.name, v]));
  t.same((await api.get(`opportunity/${opp.id}`, { _fields: 'id,custom' })).custom, oppExpected, 'an opportunity');
});
