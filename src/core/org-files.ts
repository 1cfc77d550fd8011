import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';

/** `<org id>.<generation>.db`, its WAL and shared-memory files, and the temporary name it is written under. */
const ORG_FILE = /^(orga_[0-9A-Za-z]{1,64})\.(\d{1,15})\.db(-wal|-shm|\.tmp)?$/;

/**
 * At start, with DB=<path>: removes every organization file that is not its organization's current
 * data — other generations (a crash inside a restore leaves the next one, and its log, behind; a crash
 * inside a reset or deletion leaves the last one), files of organizations that no longer exist,
 * temporary files, and a log or shared-memory file without its database. Left there, a later file
 * renamed to that name would have SQLite replay the old log into it. Names that are not an
 * organization's file are left alone.
 */
export function removeStrayFiles(main: Db, dir: string): number {
  const current = new Map(
    (main.prepare(`SELECT id, data_gen FROM orgs WHERE is_template = 0`).all() as { id: string; data_gen: number }[])
      .map((r) => [r.id, r.data_gen]),
  );
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const m = ORG_FILE.exec(name);
    if (!m) continue;
    const [, orgId, gen, end] = m as unknown as [string, string, string, string | undefined];
    const keep = current.get(orgId) === Number(gen)
      && (end === undefined || ((end === '-wal' || end === '-shm') && existsSync(join(dir, `${orgId}.${gen}.db`))));
    if (keep) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
