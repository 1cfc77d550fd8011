import type Database from 'better-sqlite3';
import { routeDb, type Db } from './db.js';
import type { OrgDatabases } from './org-dbs.js';

/**
 * A `Db` that forwards every call to the database of the organization in context, so the vendors'
 * stores keep one handle and their SQL as it is. Only what the stores use is forwarded.
 */
export function routedDb(dbs: OrgDatabases, main: Db): Db {
  const target = {
    prepare: (sql: string) => dbs.currentDb().prepare(sql),
    exec: (sql: string) => dbs.currentDb().exec(sql),
    pragma: (text: string, options?: Database.PragmaOptions) => dbs.currentDb().pragma(text, options),
    function: (name: string, options: Database.RegistrationOptions, fn: (...args: never[]) => unknown) => {
      dbs.defineFunction([name, options, fn]);
      return routed;
    },
    // A transaction function runs on the database of the organization in context when it is called.
    transaction: (fn: (...args: unknown[]) => unknown) => {
      const tx = (...args: unknown[]) => dbs.currentDb().transaction(fn)(...args);
      return Object.assign(tx, { deferred: tx, immediate: tx, exclusive: tx, default: tx });
    },
    // Open while the app is: the organizations' databases close with it.
    get open() {
      return main.open;
    },
    get inTransaction() {
      return dbs.current !== undefined && dbs.currentDb().inTransaction;
    },
    get memory() {
      return dbs.current === undefined || dbs.currentDb().memory;
    },
  };
  const routed = routeDb(target as unknown as Db, () => dbs.currentDb());
  return routed;
}
