import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cached, openDatabase, tenantTables, type Db } from './db.js';
import type { MigrationSet } from './migrations.js';
import { OrgGone } from './errors.js';
import { GROWTH, OrgMemory, OVERHEAD, type MemoryStats } from './org-memory.js';
import { realTimers, type Timers } from './timers.js';
import { removeStrayFiles } from './org-files.js';
import { imageId, imageKey, keyOffsets, patchable, rewriteKey, SUFFIX_LENGTH, type Image } from './org-images.js';
import { closeWhenIdle, type CloseOptions } from './close-idle.js';
import { routedDb } from './routed-db.js';

// One SQLite database per organization. An organization's data starts as a copy of an *image*: the
// serialized database of its dataset (the seed, `empty`, a custom dataset or a restored snapshot),
// built once per dataset and cached. Every row of an image carries one random organization key of
// the same length as a real organization id, and so do the ids derived from it (a dataset's default
// pipeline is `pipe_` + the id's suffix); the byte offsets of that key's suffix are found once, so
// giving an organization its data is one buffer copy, a write of its own suffix at those offsets and
// one deserialize (~1–2 ms for the default seed), instead of inserting ~5,000 rows. Every key in an
// index has the same organization id before and after, so the order of every b-tree is unchanged;
// an image where the key is not found at every row (a row that spills the key into an overflow page)
// is detected when it is built and falls back to rewriting the column with UPDATEs.
//
// An organization is materialized on its first use, not at creation: a reset drops its database and
// the next use copies the image again. In memory mode a materialized organization stays open until
// it is reset or deleted, or moved out of memory past the budget (src/core/org-memory.ts); with
// DB=<path> each organization is a file `<path>-orgs/<org id>.<generation>.db` (WAL), reopened on its
// next use after a restart.

/** The default budget of the organizations' databases in memory (ORG_MEMORY): ~160 used organizations of the seed. */
export const DEFAULT_ORG_MEMORY = 512 * 1024 * 1024;

type FunctionDef = [name: string, options: Database.RegistrationOptions, fn: (...args: never[]) => unknown];

export interface OrgDatabasesOptions {
  /** Every owner's migrations (src/migrations.ts): each organization's database has the same tables as the main one. */
  migrations: readonly MigrationSet[];
  /** The process-wide database's file; null: in memory (organizations too). */
  file: string | null;
  /** How many images of custom datasets (restored snapshots, created with a dataset) stay cached. */
  imageCache?: number;
  /** false: never patch an image, always rewrite the organization key with UPDATEs (the slow path, for tests). */
  patch?: boolean;
  /**
   * With files: how many organizations' databases stay open at once (each holds up to three file
   * descriptors); the least recently used is closed beyond it and reopened on its next use. In memory
   * nothing is ever closed: its data would be lost.
   */
  maxOpenFiles?: number;
  /** In memory: the bytes the organizations' databases may hold before idle ones move out (ORG_MEMORY). */
  memory?: number;
  /** Where a database that stays busy too long is retried (tests pass manual timers). */
  timers?: Timers;
  /** Where a problem of background cleanup is told (the app's log). */
  warn?: (message: string) => void;
}

/**
 * The organizations' own databases: where each lives, how one is made from its dataset's image,
 * and which one the code running now works on (its request's organization, set with `run`).
 */
export class OrgDatabases {
  private readonly context = new AsyncLocalStorage<string>();
  private readonly handles = new Map<string, Db>();
  private readonly images = new Map<string, Image>();
  private readonly functions: FunctionDef[] = [];
  private readonly dir: string | null;
  private readonly imageCache: number;
  private readonly patch: boolean;
  private readonly maxOpenFiles: number;
  private readonly memory: OrgMemory;
  private readonly closing: CloseOptions;
  /**
   * Organizations whose rows are still in the process-wide file: written by a version from before
   * one database per organization. Each moves to its own file on its first use, so no data is lost.
   */
  private readonly legacy: Set<string>;
  private built = 0;
  /** The organization open() answered last (already last in `handles`). */
  private last: string | undefined;
  /** What `remember` kept of each organization whose data is in a spill file (it cannot change there). */
  private readonly kept = new Map<string, unknown>();
  /** Stands for the database of the organization in context: what the vendors' stores are given. */
  readonly routed: Db;

  readonly migrations: readonly MigrationSet[];

  constructor(private readonly main: Db, opts: OrgDatabasesOptions) {
    this.dir = opts.file ? `${opts.file}-orgs` : null;
    if (this.dir) mkdirSync(this.dir, { recursive: true });
    this.imageCache = opts.imageCache ?? 16;
    this.patch = opts.patch ?? true;
    this.maxOpenFiles = opts.maxOpenFiles ?? 200;
    this.migrations = opts.migrations;
    this.memory = new OrgMemory(opts.memory ?? DEFAULT_ORG_MEMORY, opts.migrations);
    this.closing = { timers: opts.timers ?? realTimers, warn: opts.warn ?? (() => {}) };
    this.routed = routedDb(this, main);
    this.legacy = this.dir !== null ? legacyOrgs(main) : new Set();
    if (this.dir) removeStrayFiles(main, this.dir);
  }

  /** Runs `fn` with `orgId` as the organization in context (and everything it awaits). */
  run<T>(orgId: string, fn: () => T): T {
    return this.context.run(orgId, fn);
  }

  /** The organization in context, or undefined. */
  get current(): string | undefined {
    return this.context.getStore();
  }

  /** The database of the organization in context; a call outside any organization is a bug. */
  currentDb(): Db {
    const orgId = this.context.getStore();
    if (orgId === undefined) throw new Error('no organization in context: vendor data is reached through OrgDatabases.run(orgId, …)');
    return this.open(orgId);
  }

  /** Registers an SQL function on every organization's database, open now or later. */
  defineFunction(def: FunctionDef): void {
    this.functions.push(def);
    for (const db of this.handles.values()) db.function(def[0], def[1], def[2]);
  }

  /** The organization's database if it is open now (in memory: if it was ever used since its reset). */
  peek(orgId: string): Db | undefined {
    return this.handles.get(orgId);
  }

  /** Whether the organization has data of its own (an open database, a spill file or, with a file, a file of its generation). */
  materialized(orgId: string): boolean {
    return this.handles.has(orgId) || this.memory.spilled(orgId)
      || (this.dir !== null && existsSync(this.path(orgId, this.generation(orgId))));
  }

  /** The organization's database, made from its image on first use. */
  open(orgId: string): Db {
    const open = this.handles.get(orgId);
    if (open) {
      // Most recently used last: the first one is the one moved out past the budget or closed when
      // too many files are open. Every statement comes here: the same organization again costs nothing.
      if (orgId !== this.last) {
        this.handles.delete(orgId);
        this.handles.set(orgId, open);
        this.last = orgId;
      }
      return open;
    }
    const row = this.mainRow(orgId);
    // A typed 404: a request whose organization is deleted while its body arrives (or while it runs) must not be a 500.
    if (!row) throw new OrgGone(orgId);
    let db: Db;
    if (this.dir !== null && existsSync(this.path(orgId, row.data_gen))) {
      db = this.prepare(openDatabase(this.path(orgId, row.data_gen), this.migrations));
    } else if (this.legacy.has(orgId)) {
      db = this.adopt(orgId, row.data_gen);
    } else {
      const spilled = this.memory.load(orgId);
      if (spilled) {
        db = this.prepare(spilled);
        db.pragma('cache_size = -64');
      } else {
        const image = this.baseline(row.dataset);
        db = this.materialize(orgId, row.data_gen, image, row.created_at);
        if (this.dir === null) this.memory.track(db, 'image', image.bytes.length);
      }
    }
    this.install(orgId, db);
    return db;
  }

  /**
   * Makes room in memory for a new organization of `bytes` (its image's size): moves idle ones out
   * past the budget. False when the budget cannot hold it because the others are busy (a transaction
   * open, a statement iterating); an organization alone always fits.
   */
  reserve(bytes: number): boolean {
    if (this.dir !== null) return true;
    const cost = bytes + OVERHEAD;
    const held = this.fit(cost, null);
    return held === 0 || held + cost <= this.memory.budget;
  }

  /**
   * In memory: the bytes the open databases hold after moving the least recently used idle ones out
   * until `extra` more fits in the budget (`keep` and the organization in context stay).
   */
  private fit(extra: number, keep: string | null): number {
    const sizes = [...this.handles].map(([orgId, db]) => [orgId, db, this.memory.bytes(db)] as const);
    let held = sizes.reduce((sum, [, , bytes]) => sum + bytes, 0);
    for (const [orgId, db, bytes] of sizes) {
      if (held + extra <= this.memory.budget) break;
      if (orgId === keep || orgId === this.current || !this.memory.idle(db)) continue;
      this.keepName(orgId, db);
      const facts = this.remember?.(orgId, db);
      if (!this.memory.evict(orgId, db)) continue;
      this.handles.delete(orgId);
      if (this.memory.spilled(orgId)) this.kept.set(orgId, facts);
      held -= bytes;
    }
    return held;
  }

  /**
   * Makes `db` the organization's open database (its first use, or a restore's new generation after
   * `drop`); in memory, idle ones move out past the budget; with files, the least recently used one
   * is closed beyond `maxOpenFiles`.
   */
  install(orgId: string, db: Db): void {
    this.kept.delete(orgId);
    this.handles.delete(orgId);
    this.handles.set(orgId, db);
    this.last = orgId;
    if (this.dir === null) {
      // Past the budget with nothing idle, an organization that exists still gets its data: only a
      // new one is refused (reserve).
      this.fit(0, orgId);
      return;
    }
    if (this.handles.size <= this.maxOpenFiles) return;
    const [oldest, old] = this.handles.entries().next().value as [string, Db];
    this.handles.delete(oldest);
    this.keepName(oldest, old);
    closeWhenIdle(old, this.closing);
  }

  /**
   * Writes the image as the organization's data of generation `gen` and opens it (file mode: to a
   * file, written under a temporary name and renamed, so a crash leaves a whole file or none).
   */
  materialize(orgId: string, gen: number, image: Image, createdAt: string): Db {
    if (orgId.length !== image.key.length) throw new Error(`organization id ${orgId} is not ${image.key.length} characters long`);
    // Measured here: touching 3 MB of memory the process never used costs ~9 ms (page faults on this
    // VM), copying into memory already touched ~0.2 ms; so the copy is patched in the image's scratch
    // buffer and SQLite's own copy is the only fresh memory an organization takes.
    const bytes = image.scratch;
    image.bytes.copy(bytes);
    if (image.offsets) {
      const suffix = Buffer.from(orgId.slice(orgId.length - SUFFIX_LENGTH), 'latin1');
      for (const at of image.offsets) suffix.copy(bytes, at);
    }
    let db: Db;
    if (this.dir === null) {
      db = openDatabase(bytes, this.migrations);
      // In memory the database is already in RAM, and every page read is also copied into the page
      // cache (up to 16 MB by default), so an organization held much of its data twice: measured,
      // +0.65 MB after one Close POST /lead/. A 64 KB cache costs a memcpy per page read from the
      // image instead; it shows on reads of everything: the seed's snapshot ~25 ms instead of ~16.5 ms.
      db.pragma('cache_size = -64');
    } else {
      const file = this.path(orgId, gen);
      writeFileSync(`${file}.tmp`, bytes);
      // A log left by an earlier file of this name (a crash inside a restore) must not be replayed into this one.
      rmSync(`${file}-wal`, { force: true });
      rmSync(`${file}-shm`, { force: true });
      renameSync(`${file}.tmp`, file);
      db = openDatabase(file, this.migrations);
    }
    if (!image.offsets) rewriteKey(db, image.key, orgId);
    // The image was built at another time: the organization's own row says when it was created.
    db.prepare(`UPDATE orgs SET created_at = ? WHERE id = ?`).run(createdAt, orgId);
    return this.prepare(db);
  }

  /**
   * Moves an organization's rows out of the process-wide file into its own (built under a temporary
   * name, then renamed), then deletes them there: a crash between the two leaves the file in use and
   * rows nothing reads.
   */
  private adopt(orgId: string, gen: number): Db {
    const file = this.path(orgId, gen);
    const tmp = `${file}.tmp`;
    rmSync(tmp, { force: true });
    const fresh = openDatabase(tmp, this.migrations);
    try {
      fresh.pragma('foreign_keys = OFF');
      fresh.prepare(`ATTACH DATABASE ? AS legacy`).run(this.main.name);
      fresh.transaction(() => {
        fresh.prepare(`INSERT INTO main.orgs SELECT * FROM legacy.orgs WHERE id = ?`).run(orgId);
        for (const table of tenantTables(fresh)) {
          fresh.prepare(`INSERT INTO main.${table} SELECT * FROM legacy.${table} WHERE org_id = ?`).run(orgId);
        }
      })();
      fresh.exec('DETACH DATABASE legacy');
      fresh.pragma('journal_mode = DELETE');
    } finally {
      fresh.close();
    }
    renameSync(tmp, file);
    this.main.transaction(() => {
      for (const table of tenantTables(this.main)) cached(this.main, `DELETE FROM ${table} WHERE org_id = ?`).run(orgId);
    })();
    this.legacy.delete(orgId);
    return this.prepare(openDatabase(file, this.migrations));
  }

  /**
   * Forgets the organization's data (reset or deletion): closes its database and, with files, removes
   * every generation but `keep` (null: all of them).
   */
  drop(orgId: string, keep: number | null = null): void {
    const db = this.handles.get(orgId);
    this.handles.delete(orgId);
    if (db) closeWhenIdle(db, this.closing);
    this.memory.forget(orgId);
    this.kept.delete(orgId);
    if (this.dir === null) return;
    const prefix = `${orgId}.`;
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith(prefix)) continue;
      const gen = Number.parseInt(name.slice(prefix.length), 10);
      if (keep !== null && gen === keep) continue;
      rmSync(join(this.dir, name), { force: true });
    }
  }

  /** The files of generation `gen` written for an organization that never became its (a restore that failed). */
  discard(orgId: string, gen: number): void {
    if (this.dir === null) return;
    const file = this.path(orgId, gen);
    for (const end of ['', '-wal', '-shm', '.tmp']) rmSync(`${file}${end}`, { force: true });
  }

  /**
   * How many organizations have an open database, how many images are cached and how many were ever
   * built; in memory, the bytes their databases hold (`bytes`) and what the budget moved out.
   */
  stats(): { open: number; images: number; built: number; bytes: number; memory: MemoryStats } {
    const bytes = this.dir === null ? [...this.handles.values()].reduce((sum, db) => sum + this.memory.bytes(db), 0) : 0;
    return { open: this.handles.size, images: this.images.size, built: this.built, bytes, memory: this.memory.stats() };
  }

  /**
   * The vendor may have renamed the organization (Close's PUT /organization/) in its own database;
   * the process-wide row takes that name when the database closes, so the control API, which reads
   * an open database's name first, shows it after too.
   */
  private keepName(orgId: string, db: Db): void {
    if (!db.open || !this.main.open) return;
    const name = cached(db, `SELECT name FROM orgs WHERE id = ?`).pluck().get(orgId) as string | undefined;
    if (name !== undefined) cached(this.main, `UPDATE orgs SET name = ? WHERE id = ? AND name <> ?`).run(name, orgId, name);
  }

  /** Closes every database (the app is closing). */
  closeAll(): void {
    for (const [orgId, db] of this.handles) {
      this.keepName(orgId, db);
      closeWhenIdle(db, this.closing);
    }
    this.handles.clear();
    this.memory.close();
  }

  /** The image already built for a dataset id (`imageId`), if it is still held. */
  held(id: string): Image | undefined {
    return this.images.get(id);
  }

  /** The image of a dataset key (`seed`, `empty` or a custom dataset's text), built by `build` once. */
  image(baseline: string | null, build: (db: Db, key: string) => Image['facts']): Image {
    const id = imageId(baseline);
    const cachedImage = this.images.get(id);
    if (cachedImage) {
      // Most recently used last, so the oldest custom image is the one evicted.
      this.images.delete(id);
      this.images.set(id, cachedImage);
      return cachedImage;
    }
    const img = this.buildImage(build);
    this.images.set(id, img);
    const custom = [...this.images.keys()].filter((k) => k !== 'seed' && k !== 'empty');
    if (custom.length > this.imageCache) this.images.delete(custom[0]!);
    return img;
  }

  /**
   * Set by Tenants: what to keep of an organization's data when it moves to a spill file (its row
   * counts), so a list of organizations does not read every spilled one back.
   */
  remember: ((orgId: string, db: Db) => unknown) | undefined;

  /** What `remember` kept of an organization whose data is in a spill file and not open; undefined otherwise. */
  spilledFacts(orgId: string): unknown {
    return this.handles.has(orgId) ? undefined : this.kept.get(orgId);
  }

  /** Set by Tenants: how a stored `orgs.dataset` becomes an image. */
  baseline: (dataset: string | null) => Image = () => {
    throw new Error('OrgDatabases.baseline is not set');
  };

  private buildImage(build: (db: Db, key: string) => Image['facts']): Image {
    const key = imageKey();
    const db = this.prepare(openDatabase(':memory:', this.migrations));
    try {
      const facts = db.transaction(() => build(db, key))();
      // Rebuilt compactly: the seed's image is 2.75 MB instead of 3.05 MB, and every organization holds a copy.
      db.exec('VACUUM');
      const bytes = db.serialize();
      const offsets = keyOffsets(bytes, key);
      // Room to grow: SQLite reads the database's size from its header, so zero bytes after the last
      // page are free space. Without it an organization's first write that adds a page reallocates
      // the whole in-memory database, and the allocator keeps the old copy: measured +2.6 MB RSS.
      const grown = Buffer.concat([bytes, Buffer.alloc(GROWTH)]);
      const img: Image = { key, bytes: grown, offsets, facts, scratch: Buffer.allocUnsafeSlow(grown.length) };
      img.offsets = this.patch && patchable(img) ? offsets : null;
      this.built++;
      return img;
    } finally {
      db.close();
    }
  }

  private prepare(db: Db): Db {
    for (const [name, options, fn] of this.functions) db.function(name, options, fn);
    return db;
  }

  private path(orgId: string, gen: number): string {
    return join(this.dir!, `${orgId}.${gen}.db`);
  }

  private generation(orgId: string): number {
    return this.mainRow(orgId)?.data_gen ?? 0;
  }

  private mainRow(orgId: string): { dataset: string | null; data_gen: number; created_at: string } | undefined {
    return cached(this.main, `SELECT dataset, data_gen, created_at FROM orgs WHERE id = ? AND is_template = 0`).get(orgId) as
      { dataset: string | null; data_gen: number; created_at: string } | undefined;
  }
}

/**
 * The organizations that still have rows in the process-wide file (see OrgDatabases.legacy); the
 * seed template such a version kept there is deleted (its rows cascade).
 */
function legacyOrgs(main: Db): Set<string> {
  main.prepare(`DELETE FROM orgs WHERE is_template = 1`).run();
  const out = new Set<string>();
  for (const table of tenantTables(main)) {
    for (const id of main.prepare(`SELECT DISTINCT org_id FROM ${table}`).pluck().all() as string[]) out.add(id);
  }
  return out;
}
