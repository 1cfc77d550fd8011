import { coreMigrations, type MigrationSet } from './core/migrations.js';
import { closeMigrations } from './close/migrations.js';
import { blueaiMigrations } from './blueai/migrations.js';

/** Every owner's migrations: the core's first (the vendors' tables reference `orgs`), then each vendor's. */
export const MIGRATIONS: readonly MigrationSet[] = [coreMigrations, closeMigrations, blueaiMigrations];

/**
 * The migrations a database had run when `PRAGMA user_version` was `version` (before per-owner
 * migrations): for tests that build a database as an older release left it.
 */
export function upToLegacy(version: number): MigrationSet[] {
  return MIGRATIONS.map((set) => ({ owner: set.owner, migrations: set.migrations.filter((m) => m.legacy !== undefined && m.legacy <= version) }));
}
