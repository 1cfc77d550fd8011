import { closeSync, mkdtempSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cached, openDatabase, type Db } from './db.js';
import type { MigrationSet } from './migrations.js';

// What the organizations' databases hold in memory (DB=:memory:) and where the ones moved out of it
// go. Each open database counts its pages (page_count × page_size) or the buffer it was loaded into,
// whichever is larger: the memory SQLite holds for it. Past the budget, OrgDatabases moves idle ones
// out, least recently used first: one unchanged since it was made from its image is simply closed (the
// image makes it again), one unchanged since it was read back from its spill file too (the file still
// holds it); any other is serialized to a spill file, in a directory of this process's own removed at
// close, and read back on its next use.

/** Free space after a database read back from a spill file (see OrgDatabases' images: no realloc on the first new page). */
export const GROWTH = 128 * 1024;
/**
 * What an open database costs besides its pages (the connection, its 64 KiB page cache, prepared
 * statements): measured, RSS grows ~3.14 MiB per used organization of the seed whose pages are 2.97 MiB.
 */
export const OVERHEAD = 192 * 1024;

interface Meta {
  /** Bytes of the buffer it was loaded into. */
  loaded: number;
  /** Bytes measured last (a busy database cannot be asked again). */
  last: number;
  /** `total_changes()` when its data equalled its source; null: no source holds it (a restore). */
  base: number | null;
  source: 'image' | 'spill' | null;
}

export interface MemoryStats {
  /** The budget in bytes (ORG_MEMORY). */
  budget: number;
  /** Organizations whose data is in a spill file (and maybe open again too). */
  spilled: number;
  /** Times a database was moved out: written to a spill file, or closed as unchanged. */
  spills: number;
  drops: number;
  /** Times one was read back from its spill file. */
  loads: number;
}

export class OrgMemory {
  private readonly meta = new WeakMap<Db, Meta>();
  private readonly files = new Set<string>();
  private dir: string | null = null;
  /** Where a spill file is read before SQLite copies it: reused, since fresh memory is what costs (see OrgDatabases.materialize). */
  private scratch = Buffer.alloc(0);
  private spills = 0;
  private drops = 0;
  private loads = 0;

  constructor(readonly budget: number, private readonly migrations: readonly MigrationSet[]) {}

  /** `db` was just made from its image (`source` 'image') or read from its spill file: unchanged until written. */
  track(db: Db, source: 'image' | 'spill' | null, loaded: number): void {
    const bytes = pageBytes(db);
    this.meta.set(db, { loaded, last: Math.max(bytes, loaded) + OVERHEAD, base: source === null ? null : totalChanges(db), source });
  }

  /** What the database holds in memory now (the last figure if it is busy). */
  bytes(db: Db): number {
    let meta = this.meta.get(db);
    if (!meta) {
      meta = { loaded: 0, last: 0, base: null, source: null };
      this.meta.set(db, meta);
    }
    try {
      meta.last = Math.max(pageBytes(db), meta.loaded) + OVERHEAD;
    } catch {
      // A statement still iterates over it: keep the last figure.
    }
    return meta.last;
  }

  /** Whether `db` can be moved out now: not inside a transaction, no statement iterating over it. */
  idle(db: Db): boolean {
    if (!db.open || db.inTransaction) return false;
    try {
      // Reads may run beside an iterating statement; exec, serialize and close may not (better-sqlite3's "busy").
      db.exec('');
      return true;
    } catch {
      return false;
    }
  }

  /** Moves an idle database out of memory (see the top of this file); false if it could not be. */
  evict(orgId: string, db: Db): boolean {
    if (!this.idle(db)) return false;
    const meta = this.meta.get(db);
    const unchanged = meta !== undefined && meta.base !== null && totalChanges(db) === meta.base;
    if (unchanged && meta.source === 'image') {
      db.close();
      this.drops++;
      return true;
    }
    if (!(unchanged && meta.source === 'spill' && this.files.has(orgId))) {
      const file = this.file(orgId);
      try {
        writeFileSync(`${file}.tmp`, db.serialize());
        renameSync(`${file}.tmp`, file);
      } catch {
        // No room on disk: it stays in memory.
        rmSync(`${file}.tmp`, { force: true });
        return false;
      }
      this.files.add(orgId);
      this.spills++;
    } else {
      this.drops++;
    }
    db.close();
    return true;
  }

  /** Whether the organization's data is in a spill file. */
  spilled(orgId: string): boolean {
    return this.files.has(orgId);
  }

  /** The organization's database read back from its spill file; undefined if it has none. */
  load(orgId: string): Db | undefined {
    if (!this.files.has(orgId)) return undefined;
    const file = this.file(orgId);
    const size = statSync(file).size;
    // Kept for the next one up to 16 MiB: a rare large organization does not pin its size for good.
    const scratch = this.scratch.length >= size + GROWTH ? this.scratch : Buffer.allocUnsafeSlow(size + GROWTH);
    if (scratch.length <= 16 * 1024 * 1024) this.scratch = scratch;
    const bytes = scratch.subarray(0, size + GROWTH);
    bytes.fill(0, size);
    const fd = openSync(file, 'r');
    try {
      for (let at = 0; at < size;) at += readSync(fd, bytes, at, size - at, at);
    } finally {
      closeSync(fd);
    }
    const db = openDatabase(bytes, this.migrations);
    this.loads++;
    this.track(db, 'spill', bytes.length);
    return db;
  }

  /** The organization's data was reset, replaced or deleted: its spill file goes. */
  forget(orgId: string): void {
    if (!this.files.delete(orgId)) return;
    rmSync(this.file(orgId), { force: true });
  }

  /** Removes the spill directory (the app is closing). */
  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.files.clear();
  }

  stats(): MemoryStats {
    return { budget: this.budget, spilled: this.files.size, spills: this.spills, drops: this.drops, loads: this.loads };
  }

  private file(orgId: string): string {
    // Made on the first spill: a process that never spills leaves nothing behind.
    if (this.dir === null) {
      removeDeadSpills();
      this.dir = mkdtempSync(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
    }
    return join(this.dir, `${orgId}.db`);
  }
}

const SPILL_PREFIX = 'crm-bulk-emulator-';

/**
 * Removes the spill directories of emulator processes that are gone (killed before they could remove
 * their own): each holds up to MAX_ORGS organizations' data. A directory whose process may still be
 * running (alive, or another user's) is left alone.
 */
export function removeDeadSpills(dir = tmpdir()): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const pid = /^crm-bulk-emulator-(\d{1,10})-[0-9A-Za-z]{6}$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || alive(Number(pid))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function pageBytes(db: Db): number {
  return cached(db, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).pluck().get() as number;
}

function totalChanges(db: Db): number {
  return cached(db, `SELECT total_changes()`).pluck().get() as number;
}
