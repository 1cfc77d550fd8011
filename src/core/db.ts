import Database, { type Statement } from 'better-sqlite3';
import type { Migration, MigrationSet } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens the database, applies pragmas and pending migrations (`sets`: every owner's, src/migrations.ts).
 * `:memory:` for tests and the default start; a file path persists (WAL, so readers never block the
 * writer); a buffer is a serialized database opened in memory (an organization's copy of its image).
 */
export function openDatabase(source: string | Buffer, sets: readonly MigrationSet[]): Db {
  const db = new Database(source);
  if (typeof source === 'string' && source !== ':memory:' && source !== '') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  migrate(db, sets);
  return db;
}

/**
 * Runs the migrations `schema_migrations` does not list yet, each in its own transaction with its row.
 * A database from before per-owner migrations (its `user_version` counted every migration) is first
 * marked as having run those whose `legacy` version it reached. Order: the legacy ones in their old
 * global order (owners in `sets` order within one), then the newer ones, owner by owner, in version order.
 * Returns how many migrations the database has run in all.
 */
export function migrate(db: Db, sets: readonly MigrationSet[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (owner TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (owner, version)) WITHOUT ROWID`);
  const record = db.prepare(`INSERT OR IGNORE INTO schema_migrations (owner, version) VALUES (?, ?)`);
  const all = sets.flatMap((set, rank) => set.migrations.map((m) => ({ owner: set.owner, rank, m })));
  const ran = () => new Set((db.prepare(`SELECT owner || ':' || version FROM schema_migrations`).pluck().all() as string[]));
  if (ran().size === 0) {
    const legacyVersion = db.pragma('user_version', { simple: true }) as number;
    if (legacyVersion > 0) {
      db.transaction(() => {
        for (const { owner, m } of all) if (m.legacy !== undefined && m.legacy <= legacyVersion) record.run(owner, m.version);
      })();
    }
  }
  const done = ran();
  const key = (x: { rank: number; m: Migration }) => [x.m.legacy ?? Infinity, x.rank, x.m.version];
  const pending = all.filter(({ owner, m }) => !done.has(`${owner}:${m.version}`)).sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0]! - kb[0]! || ka[1]! - kb[1]! || ka[2]! - kb[2]!;
  });
  for (const { owner, m } of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(owner, m.version);
    })();
  }
  return db.prepare(`SELECT count(*) FROM schema_migrations`).pluck().get() as number;
}

/** Tables that hold an organization's vendor data: every table with an `org_id` column but
 * `credentials` and the control plane's own (`control_*`). */
export function tenantTables(db: Db): string[] {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  return tables.filter(
    (t) => t !== 'credentials' && !t.startsWith('control_') && columns(db, t).includes('org_id'),
  );
}

export function columns(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
}

const statements = new WeakMap<Db, Map<string, Statement<unknown[]>>>();

/** Stand-ins for "the database of the organization in context" (src/core/org-dbs.ts) and how each finds it. */
const routes = new WeakMap<Db, () => Db>();

/** Makes `db` a stand-in whose real database `resolve` gives at each call. */
export function routeDb(db: Db, resolve: () => Db): Db {
  routes.set(db, resolve);
  return db;
}

/** The database a statement runs on: the organization's for a routed stand-in, else `db` itself. */
export function realDb(db: Db): Db {
  const resolve = routes.get(db);
  return resolve ? resolve() : db;
}

/** Prepares a statement once per database and SQL text. */
export function cached(db: Db, sql: string): Statement<unknown[]> {
  db = realDb(db);
  let map = statements.get(db);
  if (!map) statements.set(db, (map = new Map()));
  let stmt = map.get(sql);
  if (!stmt) map.set(sql, (stmt = db.prepare<unknown[]>(sql)));
  return stmt;
}

/** Whether a row with this id exists in one of the organization's tables. */
export function exists(db: Db, table: string, orgId: string, id: string): boolean {
  return cached(db, `SELECT 1 FROM ${table} WHERE org_id = ? AND id = ?`).get(orgId, id) !== undefined;
}

/**
 * An insert of one row into an organization's table, its columns taken from the table itself, so a
 * row object may carry extra keys (they are ignored) but must name every column.
 */
export function rowInserter(db: Db, table: string): (orgId: string, row: Record<string, unknown>) => void {
  db = realDb(db);
  const cols = columns(db, table).filter((c) => c !== 'org_id');
  const stmt = cached(db, `INSERT INTO ${table} (org_id, ${cols.join(', ')}) VALUES (@org_id, ${cols.map((c) => '@' + c).join(', ')})`);
  return (orgId, row) => void stmt.run({ ...row, org_id: orgId });
}

/** The listed keys an input sets (undefined = not sent); other keys are ignored, never stored. */
export function pick<T extends object>(o: T, keys: readonly string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}
