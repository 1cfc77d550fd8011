import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { closeWhenIdle, FAST_CLOSE_ATTEMPTS } from '../../src/core/close-idle.js';
import type { Db } from '../../src/core/db.js';
import { removeDeadSpills } from '../../src/core/org-memory.js';
import { bearer, build, seed } from '../helper.js';
import { basic, CLOSE } from '../close/seed-ids.js';
import { ManualTimers } from '../timers.js';

// The organizations' memory budget (ORG_MEMORY, src/core/org-memory.ts): past it, idle organizations'
// databases move out of memory (closed when unchanged since their image, else spilled to a file and
// read back on next use); a new organization is refused (503) only when nothing idle can move out.

const LEAD = `/api/v1/lead/${CLOSE.acmeInc}/`;

/** What one used organization of the default seed holds in memory (its image and room to grow). */
let orgBytes = 0;
async function oneOrg(): Promise<number> {
  if (orgBytes > 0) return orgBytes;
  const probe = await build(t, {}, false);
  await probe.inject({ url: LEAD, headers: basic('probe-key') });
  orgBytes = probe.orgDbs.stats().bytes;
  await probe.close();
  return orgBytes;
}

/** An app whose budget holds `orgs` organizations of the default seed (and a half: never exactly at the line). */
async function budgeted(orgs: number): Promise<{ app: FastifyInstance; budget: number }> {
  const budget = Math.floor((orgs + 0.5) * (await oneOrg()));
  return { app: await build(t, { orgMemory: budget }, false), budget };
}

async function leadName(app: FastifyInstance, key: string): Promise<string> {
  const res = await app.inject({ url: LEAD, headers: basic(key) });
  if (res.statusCode !== 200) throw new Error(`GET lead as ${key}: ${res.statusCode} ${res.body}`);
  return res.json().name as string;
}

t.test('with a budget of three organizations, ten used ones stay under it; written ones come back with their data, untouched ones answer their seed', async (t) => {
  const { app, budget } = await budgeted(3);
  const seedName = await leadName(app, 'mem-probe');
  for (let i = 0; i < 10; i++) {
    const key = `mem-${i}`;
    if (i % 2 === 0) {
      const put = await app.inject({ method: 'PUT', url: LEAD, headers: basic(key), payload: { name: `Written by ${i}` } });
      t.equal(put.statusCode, 200);
    } else {
      t.equal(await leadName(app, key), seedName);
    }
    t.ok(app.orgDbs.stats().bytes <= budget, `after organization ${i}: ${app.orgDbs.stats().bytes} ≤ ${budget} bytes`);
  }
  const moved = app.orgDbs.stats();
  t.ok(moved.open <= 3, `at most three open (${moved.open})`);
  t.equal(moved.memory.spilled, 4, 'the written ones no longer in memory went to spill files (mem-8 is still open)');
  t.ok(moved.memory.drops >= 3, 'untouched ones were closed without a file');

  for (let i = 0; i < 10; i++) {
    const key = `mem-${i}`;
    t.equal(await leadName(app, key), i % 2 === 0 ? `Written by ${i}` : seedName, `${key} answers its own data`);
    const id = app.tenants.get(key).id;
    t.equal(app.tenants.db(id).prepare(`SELECT name FROM close_leads WHERE id = ?`).pluck().get(CLOSE.acmeInc), i % 2 === 0 ? `Written by ${i}` : seedName, `${key}: stored`);
    t.ok(app.orgDbs.stats().bytes <= budget, 'still under the budget');
  }
  t.ok(app.orgDbs.stats().memory.loads >= 5, 'the written ones were read back from their files');
});

t.test('listing organizations reads no spilled one back: their counts were kept when they moved out, writes included', async (t) => {
  const { app } = await budgeted(2);
  for (let i = 0; i < 6; i++) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: basic(`list-${i}`), payload: { name: `Added by ${i}` } });
    t.equal(res.statusCode, 200);
  }
  const before = app.orgDbs.stats();
  t.ok(before.memory.spilled >= 4, `spilled: ${before.memory.spilled}`);
  const listed = await app.inject({ url: '/_mock/orgs' });
  t.equal(listed.statusCode, 200);
  const seedLeads = seed.close!.leads.length;
  const data = listed.json().data as { credentials: string[]; counts: { close: { leads: number } } }[];
  t.equal(data.length, 6);
  for (const org of data) t.equal(org.counts.close.leads, seedLeads + 1, `${org.credentials[0]}: the seed's leads and the one added`);
  t.equal(app.orgDbs.stats().memory.loads, before.memory.loads, 'no spill file was read');
  t.equal(app.orgDbs.stats().memory.spills, before.memory.spills, 'and none written');
});

t.test('the least recently used organization is the one moved out, not the first one opened', async (t) => {
  const { app } = await budgeted(2);
  for (const key of ['lru-a', 'lru-b', 'lru-a', 'lru-c']) await leadName(app, key);
  t.ok(app.orgDbs.peek(app.tenants.get('lru-a').id), 'a, used again after b, stays');
  t.equal(app.orgDbs.peek(app.tenants.get('lru-b').id), undefined, 'b moved out');
  t.ok(app.orgDbs.peek(app.tenants.get('lru-c').id), 'c is open');
});

t.test('an organization read back from its spill file and written again is spilled again with the new write; a reset forgets its file', async (t) => {
  const { app } = await budgeted(1);
  await app.inject({ method: 'PUT', url: LEAD, headers: basic('again-a'), payload: { name: 'First write' } });
  await leadName(app, 'again-b');
  t.equal(app.orgDbs.stats().memory.spilled, 1);
  await app.inject({ method: 'PUT', url: LEAD, headers: basic('again-a'), payload: { name: 'Second write' } });
  await leadName(app, 'again-b');
  t.equal(await leadName(app, 'again-a'), 'Second write');
  await leadName(app, 'again-b');

  const id = app.tenants.get('again-a').id;
  t.equal((await app.inject({ method: 'POST', url: `/_mock/orgs/${id}/reset` })).statusCode, 200);
  t.equal(app.orgDbs.stats().memory.spilled, 0, 'no spill file after the reset');
  t.not(await leadName(app, 'again-a'), 'Second write', 'the reset organization answers its seed');
});

t.test('a restored organization (its data in no image it rebuilds from) is spilled, not dropped, and comes back restored', async (t) => {
  const { app } = await budgeted(1);
  await app.inject({ method: 'PUT', url: LEAD, headers: basic('restore-a'), payload: { name: 'Before the snapshot' } });
  const id = app.tenants.get('restore-a').id;
  const snap = (await app.inject({ url: `/_mock/orgs/${id}/snapshot` })).json();
  t.equal((await app.inject({ method: 'POST', url: `/_mock/orgs/${id}/reset` })).statusCode, 200);
  t.equal((await app.inject({ method: 'PUT', url: `/_mock/orgs/${id}/snapshot`, payload: snap })).statusCode, 200);
  await leadName(app, 'restore-b');
  t.equal(app.orgDbs.peek(id), undefined, 'moved out of memory');
  t.equal(await leadName(app, 'restore-a'), 'Before the snapshot');
});

t.test('with the budget full of busy organizations a new one is 503 with Retry-After in each envelope and nothing is created; once idle it is created', async (t) => {
  const { app, budget } = await budgeted(2);
  const busy = ['busy-a', 'busy-b'].map((key) => {
    app.tenants.resolve(key);
    // A statement iterating over its database: it cannot be closed or serialized until it ends.
    const iterator = app.tenants.db(app.tenants.get(key).id).prepare(`SELECT id FROM close_leads`).iterate();
    iterator.next();
    return iterator;
  });
  const orgs = app.tenants.orgCount();

  const close = await app.inject({ url: LEAD, headers: basic('busy-new') });
  t.equal(close.statusCode, 503);
  t.equal(close.headers['retry-after'], '1');
  t.match(close.json(), { error: /ORG_MEMORY/ });
  const blueai = await app.inject({ url: '/api/v1/crm/members', headers: bearer('busy-new') });
  t.equal(blueai.statusCode, 503);
  t.equal(blueai.headers['retry-after'], '1');
  t.match(blueai.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: /ORG_MEMORY/ } });
  const control = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'busy-new' } });
  t.equal(control.statusCode, 503);
  t.equal(control.headers['retry-after'], '1');
  t.match(control.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: /ORG_MEMORY/ } });
  t.equal(app.tenants.orgCount(), orgs, 'no organization was created');
  t.equal(app.db.prepare(`SELECT count(*) FROM credentials WHERE token = 'busy-new'`).pluck().get(), 0, 'nor its credential');

  for (const iterator of busy) iterator.return?.();
  t.equal((await app.inject({ url: LEAD, headers: basic('busy-new') })).statusCode, 200, 'created once the others are idle');
  t.ok(app.orgDbs.stats().bytes <= budget);
});

t.test('open mode: forty random credentials beyond the budget do not grow the organizations\' memory past it', async (t) => {
  const { app, budget } = await budgeted(3);
  for (let i = 0; i < 40; i++) {
    const res = await app.inject({ url: '/api/v1/crm/members', headers: bearer(`random-${Math.random().toString(36).slice(2)}`) });
    t.equal(res.statusCode, 200);
  }
  const stats = app.orgDbs.stats();
  t.equal(app.tenants.orgCount(), 40, 'every credential has its organization');
  t.ok(stats.open <= 3, `at most three in memory (${stats.open})`);
  t.ok(stats.bytes <= budget, `${stats.bytes} ≤ ${budget} bytes`);
  t.equal(stats.memory.spilled, 0, 'reads only: nothing written to a file');
});

t.test('closeWhenIdle never throws from its timer: a database that stays busy is told once and retried every second until it closes', async (t) => {
  const timers = new ManualTimers();
  const warnings: string[] = [];
  let busy = true;
  const fake = {
    open: true,
    close() {
      if (busy) throw new TypeError('This database connection is busy executing a query');
      this.open = false;
    },
  };
  closeWhenIdle(fake as unknown as Db, { timers, warn: (m) => warnings.push(m) });
  t.doesNotThrow(() => {
    for (let i = 0; i < FAST_CLOSE_ATTEMPTS + 50; i++) timers.fire();
  }, 'no timer throws');
  t.equal(warnings.length, 1, 'told once');
  t.match(warnings[0], /still busy after 1000 attempts/);
  t.same(timers.pending, [{ ms: 1000, repeat: false }], 'retried every second');
  busy = false;
  timers.fire();
  t.equal(fake.open, false, 'closed once idle');
  t.same(timers.pending, [], 'nothing scheduled after');
});

t.test('the spill directories of emulator processes that are gone are removed; a running one\'s are left', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'spill-dirs-'));
  const child = spawnSync(process.execPath, ['-e', '0']);
  const dead = join(dir, `crm-bulk-emulator-${child.pid}-abc123`);
  const mine = join(dir, `crm-bulk-emulator-${process.pid}-def456`);
  const other = join(dir, 'crm-bulk-emulator-notes');
  for (const d of [dead, mine, other]) {
    mkdirSync(d);
    writeFileSync(join(d, 'orga_x.db'), 'data');
  }
  t.equal(removeDeadSpills(dir), 1);
  t.notOk(existsSync(dead), 'a gone process\'s directory is removed');
  t.ok(existsSync(mine), 'a running process\'s stays');
  t.ok(existsSync(other), 'a name that is not a spill directory stays');
});
