import t from 'tap';
import { build, shareApps } from '../helper.js';
import { call, CS } from './helper.js';

shareApps(t);

// Filters real ETL connectors send that Close's OpenAPI does not list for these operations: honoured,
// never ignored (an ignored filter passes here and fails against Close).

const GOOGLE = 'emailacct_Roiu1XgvRmp1vZSUYiyQrIbXlewT0LEoj5oxxBEJaIO';
const CUSTOM = 'emailacct_CXQZuVlKIrcTeRsjhvgNgLBmDHeuydjMQua9TOKPBri';
const ids = (res: { json(): unknown }) => (res.json() as { data: { id: string }[] }).data.map((d) => d.id);

t.test('GET /connected_account/?_type=… lists only accounts of that type; zoom, which no account is, lists none', async (t) => {
  const app = await build(t);
  t.same(ids(await call(app, { path: '/connected_account/?_type=google' })), [GOOGLE]);
  t.same(ids(await call(app, { path: '/connected_account/?_type=custom' })), [CUSTOM]);
  t.same(ids(await call(app, { path: '/connected_account/?_type=zoom' })), [], 'not every account, as it was');
  t.same(ids(await call(app, { path: '/connected_account/?_type__in=zoom,google' })).sort(), [GOOGLE]);
  t.same(ids(await call(app, { path: '/connected_account/' })).sort(), [GOOGLE, CUSTOM].sort(), 'without the filter: all');
});

t.test('GET /task/ takes each task type connectors send (only lead tasks exist here) and _order_by=date_created', async (t) => {
  const app = await build(t);
  const all = (await call(app, { path: '/task/?_limit=1000' })).json().data as { id: string; _type: string; date_created: string }[];
  t.equal(all.length, CS.leads.flatMap((l) => l.tasks ?? []).length);
  for (const type of ['incoming_email', 'email_followup', 'missed_call', 'answered_detached_call', 'voicemail', 'opportunity', 'opportunity_due', 'incoming_sms']) {
    const res = await call(app, { path: `/task/?_type=${type}&_order_by=date_created&_limit=1000` });
    t.equal(res.statusCode, 200, type);
    t.same(ids(res), [], `${type}: no such tasks here`);
  }
  const lead = await call(app, { path: '/task/?_type=lead&_order_by=date_created&_limit=1000' });
  t.same(ids(lead), [...all].sort((a, b) => (a.date_created < b.date_created ? -1 : a.date_created > b.date_created ? 1 : 0)).map((x) => x.id));
  const bad = await call(app, { path: '/task/?_type=call' });
  t.equal(bad.statusCode, 400);
  t.match(bad.json()['field-errors']._type, /"call" is not one of/);
});
