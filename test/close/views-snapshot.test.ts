import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { basic, CLOSE, leadsQuery } from './seed-ids.js';

// Smart views, roles, send-as associations, dialer sessions and integration links through a snapshot.
shareApps(t);

const EMILY = 'user_ZKI1viJICENxRDCsujUs1bgs2DAaHQFy0frYPkMQtZF';
const READS = ['/saved_search/?type__in=lead,contact', '/role/', '/send_as/', `/send_as/?allowed_user_id=${CLOSE.user}`, '/dialer/', '/integration_link/'];

async function answers(app: FastifyInstance, key: string, orgId?: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of READS) {
    const res = await app.inject({ url: `/api/v1${path}`, headers: basic(key) });
    t.equal(res.statusCode, 200, path);
    out.push(orgId ? res.body.replaceAll(orgId, 'orga_X') : res.body);
  }
  return out;
}

async function change(app: FastifyInstance, key: string, tag: string): Promise<string> {
  const c = basic(key);
  const post = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url: `/api/v1${url}`, headers: c, payload: payload as object });
    t.equal(res.statusCode, 200, url);
    return res.json();
  };
  const view = await post('/saved_search/', { name: `View ${tag}`, s_query: leadsQuery(CLOSE.acmeInc), selected_fields: [{ id: 'name' }], is_user_dependent: true });
  await post('/role/', { name: `Role ${tag}`, permissions: ['view_all_leads'] });
  await post('/send_as/bulk/', { allow: [EMILY] });
  await post('/integration_link/', { name: `Link ${tag}`, type: 'opportunity', url: 'https://a.example/{{ opportunity.id }}' });
  return view.id as string;
}

t.test('a snapshot restores them byte for byte, and a restored smart view still filters', async (t) => {
  const app = await build(t);
  const source = (await ctl(app, 'POST', '/orgs', { credential: 'views' })).json();
  const viewId = await change(app, 'views', 'one');
  const before = await answers(app, 'views');
  const snap = await ctl(app, 'GET', '/orgs/views/snapshot');
  t.equal(snap.statusCode, 200);
  const close = snap.json().close;
  t.same([close.saved_searches.length, close.roles.length, close.send_as.length, close.dialer_sessions.length, close.integration_links.length], [5, 2, 3, 3, 4]);
  t.match((await ctl(app, 'GET', '/orgs/views')).json().counts.close, { saved_searches: 5, roles: 2, send_as: 3, dialer_sessions: 3, integration_links: 4 });

  await change(app, 'views', 'two');
  t.not((await answers(app, 'views')).join(), before.join());
  t.equal((await ctl(app, 'PUT', '/orgs/views/snapshot', snap.json())).statusCode, 200);
  t.same(await answers(app, 'views'), before, 'every answer is the same bytes');
  t.same((await ctl(app, 'GET', '/orgs/views/snapshot')).json(), snap.json(), 'snapshot → restore → snapshot is the same');

  const copy = (await ctl(app, 'POST', '/orgs', { credential: 'copy', dataset: 'empty' })).json();
  t.equal((await ctl(app, 'PUT', '/orgs/copy/snapshot', snap.json())).statusCode, 200);
  t.same(await answers(app, 'copy', copy.id), await answers(app, 'views', source.id));
  const opps = await app.inject({ url: `/api/v1/opportunity/?lead_saved_search_id=${viewId}`, headers: basic('copy') });
  t.equal(opps.json().total_results, 2);
});

t.test('a dataset whose records name unknown users or fields is a 400 naming the path', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'bad' });
  const snap = (await ctl(app, 'GET', '/orgs/bad/snapshot')).json();
  const cases: [(c: Record<string, any>) => void, RegExp][] = [
    [(c) => { c.send_as[0].allowed_user_id = 'user_missing'; }, /send_as\/0\/allowed_user_id/],
    [(c) => { c.dialer_sessions[1].user_ids.push('user_missing'); }, /dialer_sessions\/1\/user_ids/],
    [(c) => { c.roles[0].visibility_user_lcf_ids = ['cf_missing']; }, /roles\/0\/visibility_user_lcf_ids/],
    [(c) => { c.saved_searches[0].id = 'save_1'; }, /saved_searches\/0\/id/],
    [(c) => { c.saved_searches[0].type = 'call'; }, /saved_searches\/0\/type/],
    [(c) => { c.integration_links[0].type = 'task'; }, /integration_links.0.type/],
  ];
  for (const [spoil, path] of cases) {
    const copy = structuredClone(snap);
    spoil(copy.close);
    const res = await ctl(app, 'PUT', '/orgs/bad/snapshot', copy);
    t.equal(res.statusCode, 400, String(path));
    t.match(JSON.stringify(res.json()), path);
  }
  t.same((await ctl(app, 'GET', '/orgs/bad/snapshot')).json(), snap, 'nothing changed');
});
