import t from 'tap';
import { Journal, truncateBody, type JournalEntry } from '../../src/core/journal.js';

const entry = (path: string, org: string | null = null): Omit<JournalEntry, 'id'> => ({
  time: new Date().toISOString(), org, vendor: 'blueai', method: 'GET', path, query: {}, status: 200, duration_ms: 1,
  request_body: '', request_body_truncated: false, response_body: '', response_body_truncated: false, nearest_route: null, fault: null,
});

t.test('a full ring overwrites its oldest entries and keeps reading newest first', async (t) => {
  const journal = new Journal(3, 100);
  for (let i = 1; i <= 7; i++) journal.add(entry(`/p${i}`));
  t.same(journal.list({}, 10).data.map((e) => e.path), ['/p7', '/p6', '/p5']);
  t.equal(journal.count({}), 3);
});

t.test('clearing some entries of a wrapped ring keeps the rest in order, and new entries follow them', async (t) => {
  const journal = new Journal(4, 100);
  for (let i = 1; i <= 6; i++) journal.add(entry(`/p${i}`, i % 2 ? 'orga_odd' : 'orga_even'));
  t.equal(journal.clearOrg('orga_odd'), 2);
  t.same(journal.list({}, 10).data.map((e) => [e.id, e.path]), [[6, '/p6'], [4, '/p4']]);
  for (let i = 7; i <= 10; i++) journal.add(entry(`/p${i}`));
  t.same(journal.list({}, 10).data.map((e) => e.id), [10, 9, 8, 7], 'the ring is full again and evicts the survivors first');
  t.equal(journal.clear(), 4);
  t.equal(journal.count({}), 0);
});

t.test('a journal of size 0 stores nothing', async (t) => {
  const journal = new Journal(0, 100);
  journal.add(entry('/p'));
  t.same(journal.list({}, 10), { data: [], total: 0 });
  t.equal(journal.clear(), 0);
});

t.test('truncateBody cuts bytes, not characters, and never splits a character', async (t) => {
  t.same(truncateBody('abc', 3), { text: 'abc', truncated: false });
  t.same(truncateBody('abcd', 3), { text: 'abc', truncated: true });
  t.same(truncateBody('aé', 2), { text: 'a', truncated: true }, 'é is 2 bytes: cut at 2 keeps only a');
  t.same(truncateBody(Buffer.from('日本'), 4), { text: '日', truncated: true });
  t.same(truncateBody('x', 0), { text: '', truncated: true });
  t.same(truncateBody('', 0), { text: '', truncated: false });
});
