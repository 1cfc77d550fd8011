import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build } from '../helper.js';
import { basic } from '../close/seed-ids.js';
import { seed } from '../helper.js';
import { ctl } from './helper.js';

// A snapshot keeps comments, their threads (a removed comment included) and LeadMerge activities: a
// restore, into the same or another organization, reads back byte for byte.

const CS = seed.close!;

async function answers(app: FastifyInstance, credential: string, orgId: string, objects: string[]): Promise<string[]> {
  const urls = ['/api/v1/comment_thread/?_limit=200', '/api/v1/activity/lead_merge/', ...objects.map((o) => `/api/v1/comment/?object_id=${o}`)];
  const out: string[] = [];
  for (const url of urls) {
    const res = await app.inject({ url, headers: basic(credential) });
    t.equal(res.statusCode, 200, url);
    out.push(`${url}\n${res.body.replaceAll(orgId, 'orga_X')}`);
  }
  return out;
}

t.test('snapshot then restore gives the same comments, threads and LeadMerge activities', async (t) => {
  const app = await build(t);
  const source = (await ctl(app, 'POST', '/orgs', { credential: 'talk' })).json();
  const c = basic('talk');
  const [a, b, d] = [CS.leads[5]!, CS.leads[6]!, CS.leads[7]!];
  const first = (await app.inject({ method: 'POST', url: '/api/v1/comment/', headers: c, payload: { body: 'one', object_id: a.id } })).json();
  await app.inject({ method: 'POST', url: '/api/v1/comment/', headers: c, payload: { body: 'two', object_id: a.id } });
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/comment/${first.id}/`, headers: c })).statusCode, 200);
  await app.inject({ method: 'POST', url: '/api/v1/comment/', headers: c, payload: { body: 'on b', object_id: b.id } });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/lead/merge/', headers: c, payload: { source: b.id, destination: d.id } })).statusCode, 200);
  const objects = [a.id, d.id, ...(CS.comment_threads ?? []).map((x) => x.object_id)];
  const before = await answers(app, 'talk', source.id, objects);

  const snap = await ctl(app, 'GET', '/orgs/talk/snapshot');
  t.equal(snap.statusCode, 200);
  const close = snap.json().close;
  t.equal(close.comment_threads.length, (CS.comment_threads ?? []).length + 2);
  t.equal(close.comments.length, (CS.comments ?? []).length + 3);
  t.equal(close.lead_merges.length, (CS.lead_merges ?? []).length + 1);

  // Changed after the snapshot, then put back.
  await app.inject({ method: 'POST', url: '/api/v1/comment/', headers: c, payload: { body: 'later', object_id: a.id } });
  t.not((await answers(app, 'talk', source.id, objects)).join(), before.join());
  const same = await ctl(app, 'PUT', '/orgs/talk/snapshot', snap.json());
  t.equal(same.statusCode, 200);
  t.match(same.json().counts.close, { comment_threads: close.comment_threads.length, comments: close.comments.length, lead_merges: close.lead_merges.length });
  t.same(await answers(app, 'talk', source.id, objects), before, 'the same organization: the same bytes');

  const copy = (await ctl(app, 'POST', '/orgs', { credential: 'talk-copy', dataset: 'empty' })).json();
  t.equal((await ctl(app, 'PUT', '/orgs/talk-copy/snapshot', snap.json())).statusCode, 200);
  t.same(await answers(app, 'talk-copy', copy.id, objects), before, 'another organization: the same bytes');
  t.same((await ctl(app, 'GET', '/orgs/talk-copy/snapshot')).json().close.comments, close.comments);
});

t.test('a dataset whose comment names an unknown thread, or whose thread an unknown object, is refused', async (t) => {
  const app = await build(t);
  const snap = (await ctl(app, 'GET', `/orgs/${(await ctl(app, 'POST', '/orgs', { credential: 'bad-talk' })).json().id}/snapshot`)).json();
  const thread = snap.close.comment_threads[0];
  for (const [mutate, where] of [
    [(s: typeof snap) => { s.close.comments[0].thread_id = 'comthr_' + 'x'.repeat(43); }, '/close/comments/0/thread_id'],
    [(s: typeof snap) => { s.close.comment_threads[0].object_id = 'lead_' + 'x'.repeat(43); }, '/close/comment_threads/0/object_id'],
    [(s: typeof snap) => { s.close.comment_threads.push({ ...thread, id: 'comthr_' + 'y'.repeat(43) }); }, `/close/comment_threads/${snap.close.comment_threads.length}/object_id`],
  ] as const) {
    const bad = structuredClone(snap);
    mutate(bad);
    const res = await ctl(app, 'POST', '/orgs', { credential: `bad-${where}`, dataset: bad });
    t.equal(res.statusCode, 400, where);
    t.match(res.body, where);
  }
});
