import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, isFieldError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

interface Act { id: string; _type: string; lead_id: string; user_id: string | null; custom_activity_type_id: string | null; date_created: string }

/** Every page of GET <path>?<qs>. */
async function everything(app: FastifyInstance, qs = '', path = '/activity/') {
  const data: Act[] = [];
  for (let skip = 0; ; skip += 100) {
    const res = await call(app, { path: `${path}?_limit=100&_skip=${skip}${qs ? '&' + qs : ''}` });
    if (res.statusCode !== 200) throw new Error(`${qs}: ${res.statusCode} ${res.body}`);
    const body = res.json();
    data.push(...body.data);
    if (!body.has_more) return data;
  }
}

const ids = (as: Act[]) => as.map((a) => a.id);
/** An activity's custom_activity_type_id as stored. */
const stored = (app: FastifyInstance, id: string) => {
  const org = closeOrg(app);
  return app.tenants.db(org).prepare('SELECT custom_activity_type_id FROM close_activities WHERE org_id = ? AND id = ?').pluck().get(org, id) as string | null | undefined;
};
const [u0, u1] = [CS.users[0]!.id, CS.users[1]!.id];
const [type0, type1] = [CS.custom_activity_types[0]!.id, CS.custom_activity_types[1]!.id];

t.test('each documented activity filter answers what filtering the whole list gives', async (t) => {
  const app = await build(t);
  const all = await everything(app);
  // Notes and custom activities, emails, the activities Close records, calls, meetings and SMS.
  t.equal(all.length, CS.leads.flatMap((l) => [...l.activities, ...(l.emails ?? []), ...(l.recorded_activities ?? [])]).length + CS.typed_activities!.length);
  const [l0, l1] = CS.leads.filter((l) => l.activities.length > 0).map((l) => l.id);
  const middle = [...all].sort((a, b) => a.date_created.localeCompare(b.date_created))[Math.floor(all.length / 2)]!.date_created;
  const at = encodeURIComponent(middle);
  const some = [all[3]!.id, all[50]!.id, all[200]!.id];
  const cases: [string, (a: Act) => boolean][] = [
    [`id__in=${some.join(',')}`, (a) => some.includes(a.id)],
    [`lead_id=${l0}`, (a) => a.lead_id === l0],
    [`lead_id=${l0},${l1}`, (a) => a.lead_id === l0 || a.lead_id === l1],
    [`lead_id__in=${l0},${l1}`, (a) => a.lead_id === l0 || a.lead_id === l1],
    [`user_id=${u0}`, (a) => a.user_id === u0],
    [`user_id__in=${u0},${u1}`, (a) => a.user_id === u0 || a.user_id === u1],
    [`lead_id=${l0}&user_id=${u1}`, (a) => a.lead_id === l0 && a.user_id === u1],
    [`organization_id=${closeOrg(app)}`, () => true],
    ['organization_id=orga_other', () => false],
    ['contact_id=cont_any', () => false],
    ['contact_id__in=cont_a,cont_b', () => false],
    ['_type=Note', (a) => a._type === 'Note'],
    ['_type=Custom', (a) => a._type === 'CustomActivity'],
    ['_type=Call', (a) => a._type === 'Call'],
    ['_type__in=SMS,Meeting', (a) => a._type === 'SMS' || a._type === 'Meeting'],
    ['_type=Whatsapp', () => false],
    [`_type=${type0}`, (a) => a.custom_activity_type_id === type0],
    [`_type__in=Note,${type1}`, (a) => a._type === 'Note' || a.custom_activity_type_id === type1],
    [`date_created__gte=${at}`, (a) => a.date_created >= middle],
    [`date_created__gt=${at}`, (a) => a.date_created > middle],
    [`date_created__lt=${at}`, (a) => a.date_created < middle],
    [`date_created__lte=${at}`, (a) => a.date_created <= middle],
    ['thread_emails=false', () => true],
    ['_type=Email', (a) => a._type === 'Email'],
    ['_type__in=LeadStatusChange,TaskCompleted', (a) => a._type === 'LeadStatusChange' || a._type === 'TaskCompleted'],
  ];
  for (const [qs, keep] of cases) t.same(ids(await everything(app, qs)), ids(all.filter(keep)), qs);
  const oldest = [...all].sort((a, b) => a.date_created.localeCompare(b.date_created) || b.id.localeCompare(a.id));
  t.same(ids(await everything(app, '_order_by=date_created')), ids(oldest), '_order_by=date_created');
  t.same(ids(await everything(app, '_order_by=-date_created')), ids(all), '_order_by=-date_created');
  t.same(ids(await everything(app, `user_id=${u0}`, '/activity/custom/')), ids(all.filter((a) => a._type === 'CustomActivity' && a.user_id === u0)), 'custom list filters too');
  t.same(ids(await everything(app, 'colour=blue&id=x&organization_id__in=orga_x')), ids(all), 'parameters Close does not document are ignored');
});

t.test('custom_activity_type_id and custom_activity_type_id__in pick custom activities by type, as the database has them', async (t) => {
  const app = await build(t);
  const all = await everything(app, '', '/activity/custom/');
  const typeOf = (id: string) => stored(app, id);
  const cases: [string, string[]][] = [
    [`custom_activity_type_id=${type0}`, [type0]],
    [`custom_activity_type_id__in=${type1}`, [type1]],
    [`custom_activity_type_id__in=${type0},${type1}`, [type0, type1]],
    ['custom_activity_type_id__in=actitype_none', []],
  ];
  t.ok(all.some((a) => typeOf(a.id) === type0) && all.some((a) => typeOf(a.id) === type1), 'the seed has custom activities of both types');
  for (const [qs, types] of cases) {
    const got = await everything(app, qs, '/activity/custom/');
    t.same(ids(got), ids(all.filter((a) => types.includes(typeOf(a.id)!))), qs);
    t.ok(got.every((a) => types.includes(a.custom_activity_type_id!)), `${qs}: answered types`);
  }
  t.same(ids(await everything(app, `lead_id=${all[0]!.lead_id}&custom_activity_type_id__in=${type0}`, '/activity/custom/')),
    ids(all.filter((a) => a.lead_id === all[0]!.lead_id && typeOf(a.id) === type0)), 'with lead_id, as Close asks');
});

t.test('bad activity filters and activity_at are 400s naming them, changing nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [string, string][] = [
    ['_order_by=-activity_at', '_order_by'], ['_order_by=note', '_order_by'], ['_order_by=toString', '_order_by'],
    ['thread_emails=only', 'thread_emails'], ['thread_emails=true', 'thread_emails'],
    ['date_created__gte=last week', 'date_created__gte'], ['activity_at__gte=2026-01-01', 'activity_at__gte'], ['activity_at__lt=2026-01-01', 'activity_at__lt'],
  ];
  for (const [qs, field] of cases) {
    isFieldError(t, await call(app, { path: `/activity/?${qs}` }), field);
    isFieldError(t, await call(app, { path: `/activity/custom/?${qs}` }), field);
  }
  t.equal(closeState(app), before);
});
