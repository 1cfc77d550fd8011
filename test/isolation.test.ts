import t, { type Test } from 'tap';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { build, bearer, multipart, shareApps } from './helper.js';
import { basic, CLOSE, leadsQuery } from './close/seed-ids.js';
import { ctl, digest } from './control/helper.js';
import { tenantTables, columns } from '../src/core/db.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Tenant isolation: three organizations with disjoint ids (one seeded on first use, two created
// through POST /_mock/orgs from the first one's snapshot with every id rewritten). Each one's reads,
// lists, exports, searches, bulk actions, jobs and per-organization control calls must neither show
// another organization's ids nor change another organization's rows; another's ids are 404s.

t.setTimeout(170_000);

const ID = /\b(?:deal|cont|comp|usr|pipe|act|tag|taga|cfd|lead|oppo|acti|custobj|user|stat|cf|actitype|cotype|bulkedit|task|emailacct|seq|seqstep|sub|tmpl|comm|comthr|save|role|sendas|dialer|intlink)_[0-9A-Za-z]{32,43}\b/g;

/** What an answer may leak: every stored id, plus organization ids and membership ids (`mem_` + a user id's body). */
const LEAK = new RegExp(`${ID.source}|\\b(?:orga|mem)_[0-9A-Za-z]{32,43}\\b`, 'g');
const memberships = (ids: Iterable<string>) => [...ids].filter((id) => id.startsWith('user_')).map((id) => `mem_${id.slice('user_'.length)}`);

interface Org {
  token: string;
  id: string;
  /** Every id in its tables. */
  ids: Set<string>;
  /** One id of each kind, to aim at from another organization. */
  one: Record<string, string>;
}

function idsOf(app: FastifyInstance, orgId: string): Set<string> {
  const ids = new Set<string>();
  const db = app.tenants.db(orgId);
  for (const table of tenantTables(db)) {
    if (!columns(db, table).includes('id')) continue;
    for (const id of db.prepare(`SELECT id FROM ${table} WHERE org_id = ?`).pluck().all(orgId) as string[]) ids.add(id);
  }
  return ids;
}

const first = (app: FastifyInstance, table: string, orgId: string, where = '1 = 1') =>
  app.tenants.db(orgId).prepare(`SELECT id FROM ${table} WHERE org_id = ? AND ${where} ORDER BY id LIMIT 1`).pluck().get(orgId) as string;

function describe(app: FastifyInstance, token: string): Org {
  const id = app.tenants.resolve(token).id;
  const one: Record<string, string> = {
    deal: app.tenants.db(id).prepare(`SELECT min(deal_id) FROM blueai_activities WHERE org_id = ?`).pluck().get(id) as string, contact: first(app, 'blueai_contacts', id), company: first(app, 'blueai_companies', id),
    pipeline: first(app, 'blueai_pipelines', id), member: first(app, 'blueai_members', id),
    blueActivity: first(app, 'blueai_activities', id), tag: first(app, 'blueai_tags', id),
    taggedDeal: app.tenants.db(id).prepare(`SELECT min(resource_id) FROM blueai_tag_assignments WHERE org_id = ? AND resource_type = 'deal'`).pluck().get(id) as string,
    blueaiField: first(app, 'blueai_custom_field_definitions', id, `resource_type = 'deal'`),
    lead: first(app, 'close_leads', id), closeContact: first(app, 'close_contacts', id), opportunity: first(app, 'close_opportunities', id),
    activity: first(app, 'close_activities', id), customActivity: first(app, 'close_activities', id, 'custom_activity_type_id IS NOT NULL'),
    customObject: first(app, 'close_custom_objects', id), leadStatus: first(app, 'close_lead_statuses', id),
    customField: first(app, 'close_custom_fields', id, "object_type = 'lead'"), user: first(app, 'close_users', id),
    task: first(app, 'close_tasks', id), closePipeline: first(app, 'close_pipelines', id),
    opportunityStatus: first(app, 'close_opportunity_statuses', id),
    account: first(app, 'close_connected_accounts', id), sequence: first(app, 'close_sequences', id),
    subscription: first(app, 'close_sequence_subscriptions', id), emailTemplate: first(app, 'close_email_templates', id),
    comment: first(app, 'close_comments', id), thread: first(app, 'close_comment_threads', id), leadMerge: first(app, 'close_lead_merges', id),
    savedSearch: first(app, 'close_saved_searches', id, "type = 'lead'"), role: first(app, 'close_roles', id), sendAs: first(app, 'close_send_as', id),
    dialer: first(app, 'close_dialer_sessions', id), integrationLink: first(app, 'close_integration_links', id),
  };
  // A contact with an email that no subscription to the first sequence names, for subscriptions that fail only on a foreign id.
  const free = app.tenants.db(id).prepare(`SELECT c.id, json_extract(c.emails, '$[0].email') AS email FROM close_contacts c WHERE c.org_id = ?
    AND json_array_length(c.emails) > 0 AND NOT EXISTS (SELECT 1 FROM close_sequence_subscriptions s WHERE s.org_id = c.org_id AND s.contact_id = c.id)
    ORDER BY c.id LIMIT 1`).get(id) as { id: string; email: string };
  const sender = app.tenants.db(id).prepare(`SELECT email FROM close_connected_accounts WHERE org_id = ? AND id = ?`).pluck().get(id, one.account) as string;
  Object.assign(one, { freeContact: free.id, freeEmail: free.email, senderEmail: sender });
  return { token, id, ids: idsOf(app, id), one };
}

const HEX = '0123456789abcdef';
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Every id's body with each character shifted `k` places in its alphabet (hex ids stay hex): a
 * bijection, so the copy's references stay consistent and its ids are its own. */
const rewrite = (dataset: unknown, k: number) =>
  JSON.parse(JSON.stringify(dataset).replace(ID, (m) => {
    const at = m.indexOf('_') + 1;
    const body = m.slice(at);
    const abc = /^[0-9a-f]+$/.test(body) ? HEX : ALNUM;
    return m.slice(0, at) + [...body].map((ch) => abc[(abc.indexOf(ch) + k) % abc.length]).join('');
  }));

async function setup(t: Test) {
  const app = await build(t);
  const a = describe(app, 'tenant-a');
  const snap = (await ctl(app, 'GET', `/orgs/${a.id}/snapshot`)).json();
  delete snap.credentials;
  for (const [token, k] of [['tenant-b', 8], ['tenant-c', 4]] as const) {
    const res = await ctl(app, 'POST', '/orgs', { credential: token, dataset: rewrite(snap, k) });
    if (res.statusCode !== 201) throw new Error(`could not create ${token}: ${res.body}`);
  }
  const orgs = [a, describe(app, 'tenant-b'), describe(app, 'tenant-c')];
  // The ids really are disjoint, so a leak cannot hide behind a shared id.
  for (const x of orgs) for (const y of orgs) if (x !== y) t.equal([...x.ids].filter((id) => y.ids.has(id)).length, 0, `${x.token} and ${y.token} share no id`);
  return { app, orgs };
}

/**
 * Runs `op` as org `x` and checks it: no other organization's rows changed, and no id of another
 * organization appears in any answer it returns — but the ids `x` aimed at (a 404 may name them).
 */
async function as(t: Test, app: FastifyInstance, orgs: Org[], x: Org, label: string, op: () => Promise<LightMyRequestResponse | LightMyRequestResponse[] | void>, aimed: string[] = []) {
  const others = orgs.filter((o) => o !== x);
  const before = others.map((o) => digest(app, o.id));
  // Their ids now: jobs created since setup count too.
  const theirs = new Set(others.flatMap((o) => { const ids = idsOf(app, o.id); return [...ids, o.id, ...memberships(ids)]; }).filter((id) => !aimed.includes(id)));
  const answers = [(await op()) ?? []].flat();
  others.forEach((o, i) => t.equal(digest(app, o.id), before[i], `${x.token} ${label}: ${o.token}'s rows unchanged`));
  for (const res of answers) {
    const leaked = (res.body.match(LEAK) ?? []).filter((id) => theirs.has(id));
    t.same([...new Set(leaked)], [], `${x.token} ${label}: no other organization's id in ${res.statusCode} ${res.raw.req.url ?? ''}`.slice(0, 200));
  }
}

/** The answers are not vacuous: each shows some of the caller's own ids. */
function ownIds(t: Test, x: Org, answers: LightMyRequestResponse[]): LightMyRequestResponse[] {
  for (const res of answers) t.ok((res.body.match(ID) ?? []).some((id) => x.ids.has(id)), `${x.token} sees its own ids in ${res.raw.req.url}`);
  return answers;
}

const blue = (app: FastifyInstance, x: Org, opts: InjectOptions & { url: string }) =>
  app.inject({ ...opts, url: `/api/v1/crm${opts.url}`, headers: { ...bearer(x.token), ...(opts.headers as object) } });
const close = (app: FastifyInstance, x: Org, opts: InjectOptions & { url: string }) =>
  app.inject({ ...opts, url: `/api/v1${opts.url}`, headers: { ...basic(x.token), ...(opts.headers as object) } });

t.test('BlueAI: reads, lists, exports and searches show only the caller\'s rows; another\'s ids are 404s', async (t) => {
  const { app, orgs } = await setup(t);
  for (const x of orgs) {
    await as(t, app, orgs, x, 'lists and exports', async () => Promise.all(
      ['/deals?limit=200', '/contacts?limit=200', '/companies?limit=200', '/pipelines', '/members', '/deals?search=a', '/contacts?search=a',
        `/deals/${x.one.deal}/activities`, '/activities?limit=200', `/activities?deal_id=${x.one.deal}`, '/tags', `/deals?tag_id=${x.one.tag}`,
        '/bulk/deals/export', '/bulk/contacts/export', '/bulk/companies/export',
        '/custom-fields', '/custom-fields?resource_type=deal', '/reports/owner-performance']
        .map((url) => blue(app, x, { url }))).then((all) => ownIds(t, x, all)));
    // Reports that carry no ids: they must still show nothing of another organization's.
    await as(t, app, orgs, x, 'reports', async () => Promise.all(
      ['/reports/pipeline-summary', `/reports/pipeline-summary?pipeline_id=${x.one.pipeline}`, '/reports/forecast?from=2025-01&to=2026-12']
        .map((url) => blue(app, x, { url }))));
    for (const y of orgs.filter((o) => o !== x)) {
      const targets: [string, string][] = [['deals', y.one.deal!], ['contacts', y.one.contact!], ['companies', y.one.company!], ['pipelines', y.one.pipeline!]];
      await as(t, app, orgs, x, `GET/PATCH/DELETE ${y.token}'s ids`, async () => {
        const out: LightMyRequestResponse[] = [];
        for (const [kind, id] of targets) {
          for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
            const res = await blue(app, x, { method, url: `/${kind}/${id}`, ...(method === 'PATCH' ? { payload: { name: 'hijacked' } } : {}) });
            t.equal(res.statusCode, 404, `${x.token} ${method} ${kind} of ${y.token}`);
            out.push(res);
          }
        }
        out.push(await blue(app, x, { url: `/members/${y.one.member}` }));
        t.equal(out.at(-1)!.statusCode, 404, 'another organization\'s member');
        const stage = await blue(app, x, { method: 'POST', url: `/deals/${y.one.deal}/stage`, payload: { stage: 'proposal' } });
        t.equal(stage.statusCode, 404, 'stage change of another organization\'s deal');
        const activities = await blue(app, x, { url: `/deals/${y.one.deal}/activities` });
        t.equal(activities.statusCode, 404, 'activities of another organization\'s deal');
        for (const [method, path] of [['PATCH', `/activities/${y.one.blueActivity}`], ['DELETE', `/activities/${y.one.blueActivity}`],
          ['PATCH', `/tags/${y.one.tag}`], ['DELETE', `/tags/${y.one.tag}`],
          ['DELETE', `/tag-assignments/${y.one.tag}?resource_type=deal&resource_id=${y.one.taggedDeal}`]] as const) {
          const res = await blue(app, x, { method, url: path, ...(method === 'PATCH' ? { payload: { content: 'hijacked', name: 'hijacked' } } : {}) });
          t.equal(res.statusCode, 404, `${x.token} ${method} ${path.split('/')[1]} of ${y.token}`);
          out.push(res);
        }
        // Another organization's deal, contact and tag are unknown references.
        for (const payload of [{ type: 'note', content: 'x', deal_id: y.one.deal }, { type: 'note', content: 'x', contact_id: y.one.contact }]) {
          const res = await blue(app, x, { method: 'POST', url: '/activities', payload });
          t.equal(res.statusCode, 400, `${x.token} an activity on ${y.token}'s record`);
          out.push(res);
        }
        for (const payload of [{ tag_id: y.one.tag, resource_type: 'deal', resource_id: x.one.deal }, { tag_id: x.one.tag, resource_type: 'deal', resource_id: y.one.deal }]) {
          const res = await blue(app, x, { method: 'POST', url: '/tag-assignments', payload });
          t.equal(res.statusCode, 400, `${x.token} an assignment naming ${y.token}'s tag or deal`);
          out.push(res);
        }
        const listed = await blue(app, x, { url: `/activities?deal_id=${y.one.deal}` });
        t.equal(listed.json().total, 0, `${y.token}'s deal filters ${x.token}'s activities to none`);
        out.push(listed);
        for (const method of ['PATCH', 'DELETE'] as const) {
          const res = await blue(app, x, { method, url: `/custom-fields/${y.one.blueaiField}`, ...(method === 'PATCH' ? { payload: { name: 'hijacked' } } : {}) });
          t.equal(res.statusCode, 404, `${x.token} ${method} custom field of ${y.token}`);
          out.push(res);
        }
        const summary = await blue(app, x, { url: `/reports/pipeline-summary?pipeline_id=${y.one.pipeline}` });
        t.equal(summary.statusCode, 404, 'pipeline summary of another organization\'s pipeline');
        const valued = await blue(app, x, { method: 'PATCH', url: `/deals/${x.one.deal}`, payload: { custom_fields: { [y.one.blueaiField!]: 'x' } } });
        t.equal(valued.statusCode, 400, 'a value for another organization\'s custom field');
        out.push(summary, valued);
        // References to another organization's rows are refused as unknown.
        const deal = await blue(app, x, { method: 'POST', url: '/deals', payload: { name: 'x', company_id: y.one.company, pipeline_id: y.one.pipeline } });
        t.equal(deal.statusCode, 400, 'a deal referring to another organization\'s company and pipeline');
        return [...out, stage, activities, deal];
      }, Object.values(y.one));
    }
  }
});

t.test('BlueAI: bulk update, delete and import never reach another organization', async (t) => {
  const { app, orgs } = await setup(t);
  for (const x of orgs) {
    const foreign = orgs.filter((o) => o !== x).map((o) => o.one.deal!);
    await as(t, app, orgs, x, 'bulk update and delete of foreign ids', async () => {
      const update = await blue(app, x, { method: 'POST', url: '/bulk/deals/update', payload: { ids: [...foreign, x.one.deal], stage: 'proposal' } });
      t.same(update.json(), { processed: 1, errors: foreign.map((id) => `${id}: not found`) });
      const del = await blue(app, x, { method: 'POST', url: '/bulk/deals/delete', payload: { ids: foreign } });
      t.same(del.json(), { processed: 0, errors: foreign.map((id) => `${id}: not found`) });
      return [update, del];
    }, foreign);
    const foreignCompany = orgs.find((o) => o !== x)!.one.company!;
    await as(t, app, orgs, x, 'import naming a foreign company', async () => {
      const { payload, headers } = multipart([{ name: 'file', filename: 'c.csv', content: `last_name,company_id\n山田,${foreignCompany}\n佐藤,${x.one.company}\n` }]);
      const res = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', payload, headers: { ...bearer(x.token), ...headers } });
      t.same(res.json(), { processed: 1, errors: [`row 2: company_id ${foreignCompany} does not exist`] });
      return res;
    }, [foreignCompany]);
  }
});

t.test('Close: reads, lists, searches and another\'s ids', async (t) => {
  const { app, orgs } = await setup(t);
  for (const x of orgs) {
    await as(t, app, orgs, x, 'lists and search', async () => Promise.all([
      ...['/lead/?_limit=200', '/contact/?_limit=200', '/opportunity/?_limit=200', '/activity/?_limit=200', '/custom_object/', '/status/lead/',
        '/status/opportunity/', '/custom_field/lead/', '/custom_activity/', '/custom_object_type/', '/me/', `/lead/${x.one.lead}/`,
        '/user/', `/user/${x.one.user}/`, '/pipeline/', `/pipeline/${x.one.closePipeline}/`, '/task/?_limit=200', `/task/${x.one.task}/`,
        `/organization/${x.id}/?_expand=memberships__user`, '/connected_account/', `/connected_account/${x.one.account}/`, '/sequence/',
        `/sequence/${x.one.sequence}/`, `/sequence_subscription/?sequence_id=${x.one.sequence}`, `/sequence_subscription/${x.one.subscription}/`,
        '/email_template/', `/email_template/${x.one.emailTemplate}/`, '/comment_thread/', `/comment_thread/${x.one.thread}/`,
        `/comment/?thread_id=${x.one.thread}`, `/comment/${x.one.comment}/`, '/activity/lead_merge/', `/activity/lead_merge/${x.one.leadMerge}/`,
        '/custom_fields/lead/', '/saved_search/?type__in=lead,contact', `/saved_search/${x.one.savedSearch}/`,
        '/role/', `/role/${x.one.role}/`, '/send_as/', `/send_as/${x.one.sendAs}/`, '/dialer/', `/dialer/${x.one.dialer}/`, '/integration_link/',
        `/integration_link/${x.one.integrationLink}/`]
        .map((url) => close(app, x, { url })),
      close(app, x, { method: 'POST', url: '/data/search/', payload: { query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }] }, _limit: 200 } }),
    ]).then((all) => ownIds(t, x, all)));
    for (const y of orgs.filter((o) => o !== x)) {
      await as(t, app, orgs, x, `GET/PUT/DELETE ${y.token}'s ids`, async () => {
        const own = digest(app, x.id);
        const out: LightMyRequestResponse[] = [];
        const targets: [string, string][] = [['lead', y.one.lead!], ['contact', y.one.closeContact!], ['opportunity', y.one.opportunity!], ['activity', y.one.activity!],
          ['activity/custom', y.one.customActivity!], ['custom_object', y.one.customObject!], ['status/lead', y.one.leadStatus!], ['custom_field/lead', y.one.customField!],
          ['task', y.one.task!], ['pipeline', y.one.closePipeline!], ['user', y.one.user!], ['organization', y.id],
          ['connected_account', y.one.account!], ['sequence', y.one.sequence!], ['sequence_subscription', y.one.subscription!],
          ['email_template', y.one.emailTemplate!], ['comment', y.one.comment!], ['comment_thread', y.one.thread!], ['activity/lead_merge', y.one.leadMerge!],
          ['saved_search', y.one.savedSearch!], ['role', y.one.role!], ['send_as', y.one.sendAs!], ['dialer', y.one.dialer!], ['integration_link', y.one.integrationLink!]];
        // Each PUT carries a body its resource accepts, so only the id can make it a 404.
        const putBody: Record<string, object> = { sequence_subscription: { status: 'paused' }, comment: { body: 'hijacked' }, task: { text: 'hijacked' }, pipeline: { name: 'hijacked' }, organization: { name: 'hijacked' },
          saved_search: { name: 'hijacked' }, role: { name: 'hijacked' }, integration_link: { name: 'hijacked' } };
        // Served methods only: /activity/{id}/ takes no PUT, /user/{id}/ is read-only, an organization cannot be deleted.
        const unserved = new Set(['activity PUT', 'user PUT', 'user DELETE', 'organization DELETE', 'connected_account PUT', 'connected_account DELETE',
          'sequence_subscription DELETE', 'comment_thread PUT', 'comment_thread DELETE', 'activity/lead_merge PUT', 'activity/lead_merge DELETE',
          'send_as PUT', 'dialer PUT', 'dialer DELETE']);
        for (const [kind, id] of targets) {
          for (const method of ['GET', 'PUT', 'DELETE'] as const) {
            if (unserved.has(`${kind} ${method}`)) continue;
            const res = await close(app, x, { method, url: `/${kind}/${id}/`, ...(method === 'PUT' ? { payload: putBody[kind] ?? { name: 'hijacked', label: 'hijacked' } } : {}) });
            t.equal(res.statusCode, 404, `${x.token} ${method} ${kind} of ${y.token}`);
            out.push(res);
          }
        }
        // References to another organization's lead, user, pipeline or opportunity status are unknown: 400s.
        const refs: [string, string, object, string][] = [
          ['POST', '/task/', { lead_id: y.one.lead, text: 'x' }, 'lead_id'],
          ['POST', '/task/', { lead_id: x.one.lead, text: 'x', assigned_to: y.one.user }, 'assigned_to'],
          ['PUT', `/task/${x.one.task}/`, { assigned_to: y.one.user }, 'assigned_to'],
          ['POST', '/opportunity/', { lead_id: x.one.lead, pipeline_id: y.one.closePipeline }, 'pipeline_id'],
          ['POST', '/opportunity/', { lead_id: x.one.lead, status_id: y.one.opportunityStatus }, 'status_id'],
          ['PUT', `/opportunity/${x.one.opportunity}/`, { status_id: y.one.opportunityStatus }, 'status_id'],
          ['POST', '/pipeline/', { name: 'x', statuses: [{ id: y.one.opportunityStatus }] }, 'statuses'],
          ['PUT', `/pipeline/${x.one.closePipeline}/`, { statuses: [{ id: y.one.opportunityStatus }] }, 'statuses'],
          ['POST', '/comment/', { body: 'x', object_id: y.one.lead }, 'object_id'],
          ['POST', '/comment/', { body: 'x', object_id: y.one.opportunity }, 'object_id'],
          ['POST', '/lead/merge/', { source: y.one.lead, destination: x.one.lead }, 'source'],
          ['POST', '/lead/merge/', { source: x.one.lead, destination: y.one.lead }, 'destination'],
          ['POST', '/saved_search/', { name: 'x', s_query: { type: 'saved_search', saved_search_id: y.one.savedSearch } }, 's_query'],
          ['POST', '/data/search/', { query: { type: 'saved_search', saved_search_id: y.one.savedSearch } }, 'query'],
          ['GET', `/opportunity/?lead_saved_search_id=${y.one.savedSearch}`, undefined as unknown as object, 'lead_saved_search_id'],
          ['POST', '/send_as/bulk/', { allow: [y.one.user] }, 'allow'],
          ['POST', '/role/', { name: 'x', visibility_user_lcf_ids: [y.one.customField] }, 'visibility_user_lcf_ids'],
          ...(['sequence_id', 'contact_id', 'sender_account_id'] as const).map((field): [string, string, object, string] => {
            const mine = {
              sequence_id: x.one.sequence, contact_id: x.one.freeContact, contact_email: x.one.freeEmail, sender_account_id: x.one.account, sender_name: 'x',
              sender_email: x.one.senderEmail,
            };
            const theirs = { sequence_id: y.one.sequence, contact_id: y.one.closeContact, sender_account_id: y.one.account };
            return ['POST', '/sequence_subscription/', { ...mine, [field]: theirs[field] }, field];
          }),
        ];
        for (const [method, url, payload, field] of refs) {
          const res = await close(app, x, { method: method as 'GET' | 'POST' | 'PUT', url, ...(method === 'GET' ? {} : { payload }) });
          t.equal(res.statusCode, 400, `${x.token} ${method} ${url} naming ${y.token}'s ${field}`);
          t.ok(field in (res.json()['field-errors'] ?? {}), `the 400 names ${field}: ${res.body}`.slice(0, 200));
          out.push(res);
        }
        const filtered = await Promise.all([`/task/?lead_id=${y.one.lead}`, `/task/?assigned_to=${y.one.user}`, `/opportunity/?status_id=${y.one.opportunityStatus}`,
          `/sequence_subscription/?sequence_id=${y.one.sequence}`, `/connected_account/?user_id=${y.one.user}`,
          `/comment/?thread_id=${y.one.thread}`, `/comment/?object_id=${y.one.lead}`, `/comment_thread/?ids=${y.one.thread}`, `/activity/lead_merge/?lead_id=${y.one.lead}`,
          `/dialer/?user_id=${y.one.user}`, `/dialer/?source_value=${y.one.savedSearch}`]
          .map((url) => close(app, x, { url })));
        for (const res of filtered) t.same([res.statusCode, res.json().data], [200, []], `${x.token} ${res.raw.req.url}: nothing of ${y.token}'s`);
        out.push(...filtered);
        t.equal(digest(app, x.id), own, `${x.token}'s own rows unchanged by calls aimed at ${y.token}'s ids`);
        const search = await close(app, x, { method: 'POST', url: '/data/search/', payload: { query: leadsQuery(y.one.lead!) } });
        t.same(search.json().data, [], 'a search for another organization\'s lead id finds nothing');
        const contact = await close(app, x, { method: 'POST', url: '/contact/', payload: { lead_id: y.one.lead, name: 'x' } });
        t.equal(contact.statusCode, 400, 'a contact on another organization\'s lead');
        return [...out, search, contact];
      }, [...Object.values(y.one), y.id]);
    }
  }
});

t.test('Close bulk edits: jobs run by tick or by the control API touch only their own organization', async (t) => {
  const { app, orgs } = await setup(t);
  const jobs = new Map<Org, string>();
  const leads = orgs.map((o) => o.one.lead!);
  // One runs by ticks (before the others exist: a tick advances every organization's jobs), the
  // others through the control API, with and without ?org.
  const runs = [
    async () => {
      for (let i = 0; i < 20; i++) await app.closeJobs.tick();
    },
    async (id: string) => ctl(app, 'POST', `/jobs/${id}/run`),
    async (id: string, x: Org) => ctl(app, 'POST', `/jobs/${id}/run?org=${x.token}`),
  ];
  for (const [i, x] of orgs.entries()) {
    const foreignLeads = leads.filter((l) => l !== x.one.lead);
    await as(t, app, orgs, x, 'a bulk edit aimed at foreign leads, run to the end', async () => {
      const bad = await close(app, x, { method: 'POST', url: '/bulk_action/edit/', payload: { type: 'set_lead_status', s_query: leadsQuery(x.one.lead!), lead_status_id: orgs.find((o) => o !== x)!.one.leadStatus } });
      t.equal(bad.statusCode, 400, 'another organization\'s lead status is unknown');
      const res = await close(app, x, { method: 'POST', url: '/bulk_action/edit/', payload: { type: 'set_lead_status', s_query: leadsQuery(x.one.lead!, ...foreignLeads), lead_status_id: x.one.leadStatus } });
      t.equal(res.statusCode, 200);
      jobs.set(x, res.json().id);
      const run = await runs[i]!(res.json().id, x);
      const job = await close(app, x, { url: `/bulk_action/edit/${res.json().id}/` });
      t.match(job.json(), { status: 'done', n_leads: 1 }, `${x.token}'s job matched its own lead only`);
      return [bad, res, job, ...(run ? [run] : [])];
    }, [...foreignLeads, ...orgs.map((o) => o.one.leadStatus!)]);
  }
  for (const x of orgs) {
    for (const y of orgs.filter((o) => o !== x)) {
      await as(t, app, orgs, x, `${y.token}'s job`, async () => {
        const get = await close(app, x, { url: `/bulk_action/edit/${jobs.get(y)}/` });
        const put = await close(app, x, { method: 'PUT', url: `/bulk_action/edit/${jobs.get(y)}/`, payload: { status: 'paused' } });
        const step = await ctl(app, 'POST', `/jobs/${jobs.get(y)}/step?org=${x.token}`);
        t.same([get.statusCode, put.statusCode, step.statusCode], [404, 404, 404], 'another organization\'s job is not found');
        return [get, put, step];
      }, [jobs.get(y)!]);
    }
    await as(t, app, orgs, x, 'GET /_mock/jobs?org= and the bulk edit list', async () => {
      const list = await ctl(app, 'GET', `/jobs?org=${x.token}`);
      t.same(list.json().data.map((j: { id: string }) => j.id), [jobs.get(x)]);
      const edits = await close(app, x, { url: '/bulk_action/edit/' });
      t.same(edits.json().data.map((j: { id: string }) => j.id), [jobs.get(x)]);
      return [list, edits];
    }, leads);
  }
});

t.test('per-organization control calls: reset, clock, rate limit, snapshot, faults, journal', async (t) => {
  const { app, orgs } = await setup(t);
  const [a, b] = orgs as [Org, Org, Org];
  const clockOf = async (o: Org) => (await ctl(app, 'GET', `/orgs/${o.id}/clock`)).json().now as string;
  await ctl(app, 'PUT', '/clock', { now: '2030-01-01T00:00:00Z', frozen: true });
  for (const x of orgs) {
    const others = orgs.filter((o) => o !== x);
    await as(t, app, orgs, x, 'reset', async () => {
      await blue(app, x, { method: 'DELETE', url: `/deals/${x.one.deal}` });
      const res = await ctl(app, 'POST', `/orgs/${x.token}/reset`);
      t.equal(res.statusCode, 200);
      return res;
    });
    await as(t, app, orgs, x, 'clock', async () => {
      const before = await Promise.all(others.map(clockOf));
      const out = [await ctl(app, 'PUT', `/orgs/${x.id}/clock`, { now: '2031-05-05T00:00:00Z', frozen: true }), await ctl(app, 'POST', `/orgs/${x.id}/clock/advance`, { by: '1h' })];
      t.equal(await clockOf(x), '2031-05-05T01:00:00.000Z');
      t.same(await Promise.all(others.map(clockOf)), before, 'other clocks unchanged');
      out.push(await ctl(app, 'DELETE', `/orgs/${x.id}/clock`));
      return out;
    });
    await as(t, app, orgs, x, 'rate limit', async () => {
      const set = await ctl(app, 'PUT', `/orgs/${x.token}/rate-limit`, { limit: 1 });
      const statuses = [(await blue(app, x, { url: '/members' })).statusCode, (await blue(app, x, { url: '/members' })).statusCode];
      t.same(statuses, [200, 429], `${x.token} is limited`);
      for (const o of others) t.equal((await blue(app, o, { url: '/members' })).statusCode, 200, `${o.token} is not`);
      return [set, await ctl(app, 'DELETE', `/orgs/${x.token}/rate-limit`)];
    });
    await as(t, app, orgs, x, 'snapshot and restore', async () => {
      const snap = await ctl(app, 'GET', `/orgs/${x.id}/snapshot`);
      const restore = await ctl(app, 'PUT', `/orgs/${x.id}/snapshot`, snap.json());
      t.equal(restore.statusCode, 200);
      return [snap, restore];
    });
    await as(t, app, orgs, x, 'faults', async () => {
      const rule = await ctl(app, 'POST', '/faults', { org: x.token, status: 503 });
      t.equal((await blue(app, x, { url: '/members' })).statusCode, 503, `${x.token} gets the fault`);
      for (const o of others) t.equal((await blue(app, o, { url: '/members' })).statusCode, 200, `${o.token} does not`);
      return [rule, await ctl(app, 'DELETE', `/faults/${rule.json().id}`)];
    });
    await as(t, app, orgs, x, 'journal', async () => {
      await close(app, x, { url: `/lead/${x.one.lead}/` });
      const list = await ctl(app, 'GET', `/requests?org=${x.token}&limit=1000`);
      t.ok(list.json().data.length > 0);
      t.ok(list.json().data.every((e: { org: string }) => e.org === x.id), 'only its own entries');
      const othersBefore = await Promise.all(others.map(async (o) => (await ctl(app, 'GET', `/requests/count?org=${o.id}`)).json().count));
      const clear = await ctl(app, 'DELETE', `/requests?org=${x.id}`);
      t.equal((await ctl(app, 'GET', `/requests/count?org=${x.id}`)).json().count, 0);
      t.same(await Promise.all(others.map(async (o) => (await ctl(app, 'GET', `/requests/count?org=${o.id}`)).json().count)), othersBefore, 'other journals kept');
      return [list, clear];
    });
  }
  // Deleting an organization leaves the others as they were.
  await as(t, app, orgs, b, 'delete', async () => ctl(app, 'DELETE', `/orgs/${b.id}`));
  t.equal((await blue(app, a, { url: `/deals/${a.one.deal}` })).statusCode, 200);
});
