import t from 'tap';
import { openDatabase } from '../../src/core/db.js';
import { MIGRATIONS } from '../../src/migrations.js';
import { Clocks } from '../../src/core/clock.js';
import { Scheduler } from '../../src/core/scheduler.js';

// The scheduler on its own (vendor-neutral): organization ids, lanes and instants of each organization's clock.

function setup() {
  const main = openDatabase(':memory:', MIGRATIONS);
  for (const id of ['orga_a', 'orga_b']) main.prepare(`INSERT INTO orgs (id, name, is_template, created_at) VALUES (?, ?, 0, '2026-01-01')`).run(id, id);
  let now = 1_000_000;
  const clock = new Clocks(() => now);
  const rows = () => main.prepare(`SELECT lane, org_id, due_ms FROM control_pending_work ORDER BY lane, org_id`).all();
  return { main, clock, rows, tick: (ms: number) => (now += ms) };
}

t.test('work due later on an organization clock is not due until that clock reaches it; an own clock moved ahead makes it due', async (t) => {
  const { main, clock, rows } = setup();
  const s = new Scheduler(main, clock);
  s.note('l', 'orga_a', 1_000_000 + 30_000);
  s.note('l', 'orga_b', 0);
  t.same(s.due('l'), ['orga_b'], 'only what is due now');
  t.same(rows(), [{ lane: 'l', org_id: 'orga_a', due_ms: 1_030_000 }, { lane: 'l', org_id: 'orga_b', due_ms: 0 }]);
  clock.ownClock('orga_a').advance(30_000);
  t.same(s.due('l'), ['orga_b', 'orga_a'], "orga_a's own clock reached it");
  t.same(s.due('l', 'orga_a'), ['orga_a'], 'one organization');
  t.same(s.due('other'), [], 'lanes are apart');
  t.equal(s.visits.get('l'), 4);
});

t.test('note keeps the earliest instant; settle sets what a visit found, and nothing pending removes the row', async (t) => {
  const { main, clock, rows, tick } = setup();
  const s = new Scheduler(main, clock);
  s.note('l', 'orga_a', 2_000_000);
  s.note('l', 'orga_a', 3_000_000);
  t.same(rows(), [{ lane: 'l', org_id: 'orga_a', due_ms: 2_000_000 }], 'a later note changes nothing');
  s.note('l', 'orga_a', 1_500_000);
  t.same(rows(), [{ lane: 'l', org_id: 'orga_a', due_ms: 1_500_000 }]);
  s.settle('l', 'orga_a', 900_000, 5_000_000);
  t.same(rows(), [{ lane: 'l', org_id: 'orga_a', due_ms: 900_000 }], 'stored: counting work in hand');
  t.same(s.due('l'), [], 'in memory: not before what is not in hand');
  s.note('l', 'orga_a', 950_000);
  t.same(s.due('l'), ['orga_a'], 'a note brings it back');
  tick(1);
  s.settle('l', 'orga_a', null);
  t.same(rows(), [], 'nothing pending: the row goes');
  t.same(s.pending('l'), new Map());
});

t.test('a new scheduler on the same database knows every row; replaceStored + load follow a reset; a deleted organization goes', async (t) => {
  const { main, clock, rows } = setup();
  const s = new Scheduler(main, clock);
  s.note('x', 'orga_a', 5);
  s.note('y', 'orga_a', 7);
  s.note('x', 'orga_b', 9);
  const again = new Scheduler(main, clock);
  t.same(again.pending('x'), new Map([['orga_a', 5], ['orga_b', 9]]));
  main.transaction(() => again.replaceStored('orga_a', ['y']))();
  again.load('orga_a');
  t.same(again.pending('x'), new Map([['orga_b', 9]]));
  t.same(again.pending('y'), new Map([['orga_a', 0]]), 'runnable from the start of the new data');
  main.prepare(`DELETE FROM orgs WHERE id = 'orga_b'`).run();
  again.load('orga_b');
  t.same(again.pending('x'), new Map());
  t.same(rows(), [{ lane: 'y', org_id: 'orga_a', due_ms: 0 }]);
});
