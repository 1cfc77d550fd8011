import t from 'tap';
import { build, shareApps } from '../helper.js';
import { SUPPORTED } from '../../src/close/store/event-list.js';
import { call, isError, isFieldError } from './helper.js';
import { advance, createLead, events, freeze, type Ev, type Page } from './events-helper.js';

// GET /event/: paging with cursors, the _limit cap, filters and their combinations, retention.
// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('cursors page older and newer without duplicates or gaps; _limit defaults to and is capped at 50', async (t) => {
  const app = await build(t);
  await freeze(app);
  const contacts = Array.from({ length: 54 }, (_, i) => ({ name: `C${i}` }));
  await createLead(app, { name: 'Many', contacts });
  await advance(app, 1);
  for (let i = 0; i < 6; i++) await createLead(app, { name: `L${i}` });
  const all: Ev[] = [];
  let page = await events(app);
  t.equal(page.data.length, 50, 'default 50');
  t.equal((await events(app, '_limit=100')).data.length, 50, 'capped at 50');
  t.equal(page.cursor_previous, null, 'nothing newer than the first page');
  all.push(...page.data);
  while (page.cursor_next) {
    page = await events(app, `_cursor=${page.cursor_next}`);
    all.push(...page.data);
  }
  t.equal(all.length, 61);
  t.equal(new Set(all.map((e) => e.id)).size, 61, 'no duplicates');
  const sorted = [...all].sort((a, b) => (a.date_updated < b.date_updated ? 1 : a.date_updated > b.date_updated ? -1 : 0));
  t.same(all.map((e) => e.date_updated), sorted.map((e) => e.date_updated), 'newest first');
  t.equal(all.at(-1)!.object_type, 'lead', 'the oldest: the first lead, before its contacts');
  // Small pages both ways.
  const ids: string[] = [];
  page = await events(app, '_limit=7');
  ids.push(...page.data.map((e) => e.id));
  const pages = [page];
  while (page.cursor_next) {
    page = await events(app, `_limit=7&_cursor=${page.cursor_next}`);
    pages.push(page);
    ids.push(...page.data.map((e) => e.id));
  }
  t.same(ids, all.map((e) => e.id), 'pages of 7 give the same sequence');
  const back: string[] = [];
  page = pages.at(-1)!;
  while (page.cursor_previous) {
    page = await events(app, `_limit=7&_cursor=${page.cursor_previous}`);
    back.unshift(...page.data.map((e) => e.id));
  }
  t.same(back, ids.slice(0, ids.length - pages.at(-1)!.data.length), 'cursor_previous walks back to the newest');
  isFieldError(t, await call(app, { path: '/event/?_cursor=bm9wZQ' }), '_cursor');
  isFieldError(t, await call(app, { path: '/event/?_cursor=!!' }), '_cursor');
  isFieldError(t, await call(app, { path: '/event/?_skip=0' }), '_skip');
  isFieldError(t, await call(app, { path: `/event/?_cursor=${Buffer.from('n|2026-11-02T20:00:00.000000|x').toString('base64url')}` }), '_cursor');
  t.equal((await call(app, { path: '/event/?_limit=0' })).statusCode, 400, '_limit below 1');
});

t.test('each filter narrows the list; supported combinations answer 200, others a 400 naming them', async (t) => {
  const app = await build(t);
  await freeze(app);
  const a = await createLead(app, { name: 'A', contacts: [{ name: 'Ann' }] });
  await advance(app, '1m');
  const b = await createLead(app, { name: 'B' });
  await call(app, { method: 'PUT', path: `/lead/${b.id}/`, payload: { name: 'B2' } });
  const all = (await events(app)).data;
  t.equal(all.length, 4);
  const [upd, bCreated, aContact, aCreated] = all as [Ev, Ev, Ev, Ev];
  const ids = (p: Page) => p.data.map((e) => e.id);
  t.same(ids(await events(app, `lead_id=${a.id}`)), [aContact.id, aCreated.id]);
  t.same(ids(await events(app, `request_id=${aCreated.request_id}`)), [aContact.id, aCreated.id]);
  t.same(ids(await events(app, `user_id=${upd.user_id}`)), ids({ data: all } as Page));
  t.same(ids(await events(app, `object_type=lead&action=created`)), [bCreated.id, aCreated.id]);
  t.same(ids(await events(app, `object_id=${b.id}&action=updated`)), [upd.id]);
  t.same(ids(await events(app, `object_type=lead&object_id=${a.id}`)), [aCreated.id], 'object_id: no related objects');
  t.same(ids(await events(app, `lead_id=${a.id}&object_type=contact`)), [aContact.id]);
  t.same(ids(await events(app, 'date_updated__gte=2026-11-02T20:01:00Z')), [upd.id, bCreated.id]);
  t.same(ids(await events(app, 'date_updated__lt=2026-11-02T20:01:00Z')), [aContact.id, aCreated.id]);
  t.same(ids(await events(app, 'date_updated__gt=2026-11-02T20:01:00Z')), []);
  t.same(ids(await events(app, `lead_id=${b.id}&date_updated__lte=2026-11-02T20:01:00`)), [upd.id, bCreated.id]);
  const values: Record<string, string> = { lead_id: a.id, user_id: upd.user_id!, request_id: aCreated.request_id!, object_type: 'lead', object_id: a.id, action: 'created' };
  for (const combo of SUPPORTED) {
    const qs = combo.split('+').filter(Boolean).map((f) => `${f}=${values[f]}`).concat('date_updated__gte=2026-01-01').join('&');
    t.equal((await call(app, { path: `/event/?${qs}` })).statusCode, 200, `${combo || 'no filter'} is supported`);
  }
  for (const combo of ['object_type', 'object_id', 'action', 'lead_id+object_id', 'request_id+lead_id', 'lead_id+action']) {
    const res = await call(app, { path: `/event/?${combo.split('+').map((f) => `${f}=${values[f]}`).join('&')}` });
    for (const f of combo.split('+')) isFieldError(t, res, f);
    t.match(res.json().errors, []);
  }
  isFieldError(t, await call(app, { path: '/event/?date_updated__gte=yesterday' }), 'date_updated__gte');
});

t.test('events older than 30 days are neither listed nor found; an unknown id is a 404', async (t) => {
  const app = await build(t);
  await freeze(app);
  await createLead(app);
  const [old] = (await events(app)).data;
  await advance(app, '29d');
  t.equal((await call(app, { path: `/event/${old!.id}/` })).statusCode, 200, 'still there after 29 days');
  await advance(app, '1d1s');
  isError(t, await call(app, { path: `/event/${old!.id}/` }), 404);
  t.same((await events(app)).data, []);
  isError(t, await call(app, { path: '/event/ev_nope/' }), 404);
});
