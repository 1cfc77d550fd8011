import Database from 'better-sqlite3';
import { migrations, type Migration } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens the database, applies pragmas and pending migrations. `:memory:` for tests and the default
 * start; a file path persists (WAL, so readers never block the writer).
 */
export function openDatabase(path: string, list: Migration[] = migrations): Db {
  const db = new Database(path);
  if (path !== ':memory:' && path !== '') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  migrate(db, list);
  return db;
}

export function migrate(db: Db, list: Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = list.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const m of pending) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

/** Tables that hold per-organization rows: every table with an `org_id` column but `credentials`. */
export function tenantTables(db: Db): string[] {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  return tables.filter(
    (t) => t !== 'credentials' && columns(db, t).includes('org_id'),
  );
}

export function columns(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
}
