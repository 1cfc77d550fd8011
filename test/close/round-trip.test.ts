import t from 'tap';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { fcParams } from '../fc.js';
import { CS, call, closeOrg, closeState, isFieldError, rows } from './helper.js';

// Objects round-trip (issue 29): whatever a GET gives, sent back unchanged as an update of the same
// object or as a create, is accepted; read-only fields are ignored (src/close/read-only.ts).
shareApps(t);

type Obj = Record<string, unknown> & { id: string };
interface Spec {
  /** The object's path (POST here, PUT `${path}{id}/`). */
  path: string;
  /** Its stored rows, to check an update changed nothing but its stamps. */
  table: string;
  /** The source objects a run picks from (their ids). */
  sources: (app: FastifyInstance) => Promise<string[]>;
  /** The fields a create copies from the body (hand-written); null: no create from a GET (see why). */
  settable: string[] | null;
  /** What else a create copies (hand-written): a lead's nested contacts, made fresh. */
  project?: (o: Obj) => unknown;
  /** Objects whose name must be unique are deleted before they are posted back (restore). */
  unique?: boolean;
  /** The create's expected 400 field for this source, when Close refuses it too (e.g. an assignee who left). */
  refusedBecause?: (app: FastifyInstance, source: Obj) => string | null;
  /** The same for its update. */
  updateRefusedBecause?: (source: Obj) => string | null;
}

const ids = (path: string) => async (app: FastifyInstance) => ((await call(app, { path })).json().data as Obj[]).map((x) => x.id);
/** A fresh object made by `payload` (objects a run may change or delete without touching the seed's). */
const fresh = (path: string, payload: (n: number) => object) => {
  let n = 0;
  return async (app: FastifyInstance) => {
    const res = await call(app, { method: 'POST', path, payload: payload(++n) });
    if (res.statusCode >= 300) throw new Error(`${path}: ${res.body}`);
    return [res.json().id as string];
  };
};
const customKeys = (o: Obj) => Object.keys(o).filter((k) => k.startsWith('custom.'));
const inactive = (app: FastifyInstance, user: unknown) =>
  rows(app, `SELECT active FROM close_users WHERE org_id = ? AND id = ?`, closeOrg(app), user)[0]?.active === 0;
const firstLead = async (app: FastifyInstance) => (await call(app, { path: '/lead/?_limit=1' })).json().data[0].id as string;
const firstPipeline = async (app: FastifyInstance) => (await call(app, { path: '/pipeline/' })).json().data[0].id as string;

const SPECS: Spec[] = [
  { path: '/lead/', table: 'close_leads', sources: ids('/lead/?_limit=20'), settable: ['name', 'description', 'url', 'status_id'],
    project: (o) => (o.contacts as Obj[]).map(({ name, title, emails, phones, ...rest }) => ({ name, title, emails, phones, custom: customKeys(rest as Obj).map((k) => [k, rest[k]]) })) },
  { path: '/contact/', table: 'close_contacts', sources: ids('/contact/?_limit=20'), settable: ['lead_id', 'name', 'title', 'emails', 'phones'] },
  { path: '/opportunity/', table: 'close_opportunities', sources: ids('/opportunity/?_limit=20'),
    settable: ['lead_id', 'status_id', 'value', 'value_period', 'confidence', 'contact_id', 'user_id', 'note', 'date_won', 'date_created', 'created_by'] },
  { path: '/task/', table: 'close_tasks', sources: ids('/task/'), settable: ['lead_id', 'text', 'date', 'assigned_to', 'is_complete', 'created_by'],
    refusedBecause: (app, s) => (inactive(app, s.assigned_to) ? 'assigned_to' : null) },
  { path: '/activity/note/', table: 'close_typed_activities', sources: ids('/activity/note/'),
    settable: ['lead_id', 'contact_id', 'user_id', 'note', 'note_html', 'title', 'pinned', 'activity_at', 'date_created'] },
  { path: '/activity/call/', table: 'close_typed_activities', sources: ids('/activity/call/'),
    settable: ['lead_id', 'contact_id', 'user_id', 'direction', 'duration', 'status', 'note', 'recording_url', 'activity_at', 'date_created'] },
  { path: '/activity/sms/', table: 'close_typed_activities', sources: ids('/activity/sms/'),
    settable: ['lead_id', 'contact_id', 'user_id', 'text', 'local_phone', 'remote_phone', 'direction', 'activity_at', 'date_created'] },
  { path: '/activity/email/', table: 'close_email_activities', sources: ids('/activity/email/?_limit=20'),
    settable: ['lead_id', 'contact_id', 'user_id', 'subject', 'body_text', 'body_html', 'sender', 'to', 'cc', 'bcc', 'status', 'date_created'],
    // Real API: only a draft (or a scheduled or unsent email) can be modified; a sent or received one, even unchanged, is refused.
    updateRefusedBecause: (s) => (['draft', 'scheduled', 'outbox', 'error'].includes(s.status as string) ? null : 'status') },
  // Real API: meetings are made by calendar sync; only their update is public.
  { path: '/activity/meeting/', table: 'close_typed_activities', sources: ids('/activity/meeting/'), settable: null },
  { path: '/activity/custom/', table: 'close_activities', sources: ids('/activity/custom/'),
    settable: ['lead_id', 'custom_activity_type_id', 'note', 'user_id', 'date_created'] },
  { path: '/custom_object/', table: 'close_custom_objects', sources: ids('/custom_object/'), settable: ['lead_id', 'custom_object_type_id', 'name'] },
  { path: '/status/lead/', table: 'close_lead_statuses', sources: fresh('/status/lead/', (n) => ({ label: `Round trip ${n}` })), settable: ['label'], unique: true },
  { path: '/status/opportunity/', table: 'close_opportunity_statuses', unique: true, settable: ['label', 'type', 'pipeline_id'],
    sources: async (app) => fresh('/status/opportunity/', (n) => ({ label: `Round trip ${n}`, type: 'active', pipeline_id: '' }))(app).catch(async () => {
      const pipeline_id = await firstPipeline(app);
      const res = await call(app, { method: 'POST', path: '/status/opportunity/', payload: { label: `Round trip ${Math.random()}`, type: 'active', pipeline_id } });
      return [res.json().id];
    }) },
  { path: '/pipeline/', table: 'close_pipelines', sources: ids('/pipeline/'), settable: ['name'] },
  { path: '/custom_field/lead/', table: 'close_custom_fields', unique: true, settable: ['name', 'type', 'description', 'accepts_multiple_values', 'choices'],
    sources: fresh('/custom_field/lead/', (n) => ({ name: `Round trip ${n}`, type: 'choices', choices: ['a', 'b'], accepts_multiple_values: n % 2 === 0 })) },
  { path: '/custom_field/shared/', table: 'close_custom_fields', unique: true, settable: ['name', 'type', 'description', 'associations'],
    sources: fresh('/custom_field/shared/', (n) => ({ name: `Shared ${n}`, type: 'text', associations: [{ object_type: 'lead' }, { object_type: 'contact' }] })) },
  { path: '/email_template/', table: 'close_email_templates', sources: ids('/email_template/'), settable: ['name', 'subject', 'body', 'is_shared', 'is_archived'] },
  { path: '/sequence/', table: 'close_sequences', sources: ids('/sequence/'), settable: ['name', 'status', 'timezone', 'schedule'] },
  { path: '/saved_search/', table: 'close_saved_searches', sources: ids('/saved_search/'),
    settable: ['name', 'type', 'description', 'is_shared', 'query', 's_query', 'selected_fields'] },
  { path: '/role/', table: 'close_roles', unique: true, settable: ['name', 'permissions', 'visibility_user_lcf_ids', 'visibility_user_lcf_behavior'],
    sources: fresh('/role/', (n) => ({ name: `Round trip ${n}`, permissions: ['view_all_leads'] })) },
  { path: '/integration_link/', table: 'close_integration_links', sources: ids('/integration_link/'), settable: ['name', 'type', 'url'] },
  { path: '/webhook/', table: 'close_webhooks', settable: ['url', 'events', 'verify_ssl'],
    sources: fresh('/webhook/', (n) => ({ url: `https://example.com/hook/${n}`, events: [{ object_type: 'lead', action: 'created' }] })) },
  // Real API: a comment is created on an object (`object_id`), which a comment read back does not carry;
  // only its author may update it, and not once removed (the key's user's own live comments here).
  { path: '/comment/', table: 'close_comments', settable: null, sources: async (app) => {
    const me = (await call(app, { path: '/me/' })).json().id;
    const threads = (await call(app, { path: '/comment_thread/' })).json().data as Obj[];
    const lists = await Promise.all(threads.map(async (x) => (await call(app, { path: `/comment/?thread_id=${x.id}` })).json().data as Obj[]));
    return lists.flat().filter((c) => c.created_by === me && c.removed_at === null).map((c) => c.id);
  } },
];

/** The stored row without the stamps an update moves. */
const row = (app: FastifyInstance, table: string, id: string) => {
  const r = rows(app, `SELECT * FROM ${table} WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0];
  if (!r) return r;
  const { date_updated: _d, updated_by: _u, updated_at: _a, ...rest } = r;
  // JSON columns compare as values (a list of steps may be stored with its keys in another order).
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v) : v]));
};

for (const spec of SPECS) {
  t.test(`${spec.path}: an object sent back unchanged as its update changes nothing but its stamps${spec.settable ? '; as a create it makes an equal one' : ''}`, async (t) => {
    const app = await build(t);
    void firstLead;
    await fc.assert(fc.asyncProperty(fc.nat(), async (pick) => {
      const sources = await spec.sources(app);
      const id = sources[pick % sources.length]!;
      const source = (await call(app, { path: `${spec.path}${id}/` })).json() as Obj;
      const before = row(app, spec.table, id);
      const put = await call(app, { method: 'PUT', path: `${spec.path}${id}/`, payload: source });
      const refusal = spec.updateRefusedBecause?.(source);
      if (refusal) {
        t.equal(put.statusCode, 400);
        t.ok(Object.hasOwn(put.json()['field-errors'], refusal), `update refused for ${refusal}`);
      } else t.equal(put.statusCode, 200, put.statusCode === 200 ? 'PUT 200' : `PUT ${id}: ${put.body.slice(0, 300)}`);
      t.same(row(app, spec.table, id), before, 'stored row unchanged but for its stamps');
      if (!spec.settable) return;
      if (spec.unique) t.equal((await call(app, { method: 'DELETE', path: `${spec.path}${id}/` })).statusCode, 200);
      const post = await call(app, { method: 'POST', path: spec.path, payload: source });
      const refused = spec.refusedBecause?.(app, source);
      if (refused) {
        t.equal(post.statusCode, 400);
        t.ok(Object.hasOwn(post.json()['field-errors'], refused), `refused for ${refused}`);
        return;
      }
      t.ok(post.statusCode === 200 || post.statusCode === 201, post.statusCode < 300 ? 'POST 2xx' : `POST: ${post.body.slice(0, 300)}`);
      const made = post.json() as Obj;
      t.not(made.id, source.id, 'a new object');
      const pickOf = (o: Obj) => Object.fromEntries([...spec.settable!, ...customKeys(source)].map((k) => [k, o[k]]));
      t.same(pickOf(made), pickOf(source), 'equal in every settable field');
      if (spec.project) t.same(spec.project(made), spec.project(source), 'nested objects made fresh, equal');
      if (spec.path === '/lead/') t.notOk((made.contacts as Obj[]).some((c) => (source.contact_ids as string[]).includes(c.id)), 'new contact ids');
    }), fcParams(t, 20, spec.path));
  });
}

t.test('read-only fields with a value no GET of the caller gives are 400s naming them, and change nothing', async (t) => {
  const app = await build(t);
  const task = (await call(app, { path: '/task/?_limit=1' })).json().data[0] as Obj;
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { ...task, id: 'task_other' } }), 'id');
  isFieldError(t, await call(app, { method: 'POST', path: '/task/', payload: { ...task, _type: 'outgoing_call' } }), '_type');
  isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { ...task, lead_id: CS.leads[5]!.id } }), 'lead_id');
  isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { ...task, created_by: CS.users[1]!.id } }), 'created_by');
  const contact = (await call(app, { path: '/contact/?_limit=1' })).json().data[0] as Obj;
  isFieldError(t, await call(app, { method: 'PUT', path: `/contact/${contact.id}/`, payload: { ...contact, lead_id: CS.leads[5]!.id } }), 'lead_id');
  const opp = (await call(app, { path: '/opportunity/?_limit=1' })).json().data[0] as Obj;
  isFieldError(t, await call(app, { method: 'PUT', path: `/opportunity/${opp.id}/`, payload: { ...opp, lead_id: CS.leads[5]!.id } }), 'lead_id');
  const note = (await call(app, { path: '/activity/note/?_limit=1' })).json().data[0] as Obj;
  isFieldError(t, await call(app, { method: 'POST', path: '/activity/note/', payload: { ...note, _type: 'Call' } }), '_type');
  const lead = (await call(app, { path: `/lead/${CS.leads[0]!.id}/` })).json() as Obj;
  const org = (await call(app, { path: `/organization/${closeOrg(app)}/` })).json() as Obj;
  isFieldError(t, await call(app, { method: 'PUT', path: `/organization/${closeOrg(app)}/`, payload: { ...org, currency: 'EUR' } }), 'currency');
  isFieldError(t, await call(app, { method: 'PUT', path: `/organization/${closeOrg(app)}/`, payload: { ...org, lead_statuses: [...(org.lead_statuses as Obj[])].reverse() } }),
    'lead_statuses');
  t.equal(closeState(app), before, 'nothing changed');
  // The organization itself, sent back unchanged but for its name: renamed, the rest ignored.
  const put = await call(app, { method: 'PUT', path: `/organization/${closeOrg(app)}/`, payload: { ...org, name: 'Renamed' } });
  t.equal(put.statusCode, 200, put.body);
  t.equal(put.json().name, 'Renamed');
});

t.test('organization_id naming another organization is ignored, as Close\'s scripts that copy objects between organizations rely on: the object lands in the key\'s', async (t) => {
  const app = await build(t);
  const other = 'orga_' + 'x'.repeat(43);
  const lead = (await call(app, { path: `/lead/${CS.leads[0]!.id}/` })).json() as Obj;
  const made = await call(app, { method: 'POST', path: '/lead/', payload: { ...lead, organization_id: other, contacts: [{ ...(lead.contacts as Obj[])[0], organization_id: other }] } });
  t.equal(made.statusCode, 200, made.body);
  t.equal(made.json().organization_id, closeOrg(app));
  t.equal(rows(app, 'SELECT count(*) AS n FROM close_contacts WHERE org_id = ? AND lead_id = ?', closeOrg(app), made.json().id)[0]!.n, 1);
});

t.test('a task posted back with its creator keeps it; an unknown creator is a 400', async (t) => {
  const app = await build(t);
  const creator = CS.users[1]!.id;
  const res = await call(app, { method: 'POST', path: '/task/', payload: { lead_id: CS.leads[0]!.id, text: 'Restored', created_by: creator } });
  t.equal(res.statusCode, 200, res.body);
  t.equal(rows(app, 'SELECT created_by FROM close_tasks WHERE org_id = ? AND id = ?', closeOrg(app), res.json().id)[0]!.created_by, creator);
  isFieldError(t, await call(app, { method: 'POST', path: '/task/', payload: { lead_id: CS.leads[0]!.id, text: 'X', created_by: 'user_nobody' } }), 'created_by');
});

t.test("events: an object's data posted back recreates it; a deleted lead's previous_data recreates the lead, its contacts from their own events, each once", async (t) => {
  const app = await build(t);
  const source = (await call(app, { path: `/lead/${CS.leads[3]!.id}/` })).json() as Obj;
  t.ok((source.contacts as Obj[]).length > 0, 'a lead with contacts');
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${source.id}/` })).statusCode, 200);
  const list = await call(app, { path: `/event/?object_id=${source.id}&action=deleted` });
  t.equal(list.statusCode, 200, list.body.slice(0, 300));
  const events = (list.json().data as Obj[]).filter((e) => e.action === 'deleted');
  t.equal(events.length, 1);
  const prev = events[0]!.previous_data as Obj;
  // As Close's restore script relies on: a lead's event data names its contacts (contact_ids) but does not embed them.
  t.notOk('contacts' in prev, 'no nested contacts in the lead\'s previous_data');
  const res = await call(app, { method: 'POST', path: '/lead/', payload: prev });
  t.equal(res.statusCode, 200, res.body);
  const made = res.json() as Obj;
  for (const k of ['name', 'description', 'url', 'status_id', ...customKeys(source)]) t.same(made[k], source[k], k);
  t.same(made.contacts, [], 'the lead comes back alone');
  const contactEvents = (await call(app, { path: `/event/?lead_id=${source.id}&object_type=contact&action=deleted` })).json().data as Obj[];
  t.equal(contactEvents.length, (source.contacts as Obj[]).length, 'one deleted event per contact');
  for (const e of contactEvents) {
    const { id: _old, ...rest } = e.previous_data as Obj;
    const body = { ...rest, lead_id: made.id };
    t.equal((await call(app, { method: 'POST', path: '/contact/', payload: body })).statusCode, 200);
  }
  const back = (await call(app, { path: `/lead/${made.id}/` })).json() as Obj;
  t.same((back.contacts as Obj[]).map((c) => c.name).sort(), (source.contacts as Obj[]).map((c) => c.name).sort(), 'each contact once');
  t.equal(rows(app, 'SELECT count(*) AS n FROM close_contacts WHERE org_id = ? AND lead_id = ?', closeOrg(app), made.id)[0]!.n, (source.contacts as Obj[]).length);
  // A created task's event data, posted back: a second, equal task.
  const task = await call(app, { method: 'POST', path: '/task/', payload: { lead_id: made.id, text: 'From an event', date: '2027-01-05' } });
  const created = ((await call(app, { path: `/event/?object_id=${task.json().id}&action=created` })).json().data as Obj[]).find((e) => e.action === 'created')!;
  const again = await call(app, { method: 'POST', path: '/task/', payload: created.data });
  t.equal(again.statusCode, 200, again.body);
  t.same([again.json().text, again.json().date, again.json().lead_id], ['From an event', '2027-01-05', made.id]);
});
