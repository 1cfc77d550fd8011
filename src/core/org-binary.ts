import Database from 'better-sqlite3';
import { ApiError } from './errors.js';
import { keyOffsets, type Image } from './org-images.js';
import { GROWTH } from './org-memory.js';
import type { MigrationSet } from './migrations.js';
import type { Db } from './db.js';

// The binary form of a snapshot: the organization's own database image (better-sqlite3 `serialize()`),
// answered to `Accept: application/vnd.sqlite3` and restored from `Content-Type: application/vnd.sqlite3`.
// The JSON dataset stays the public, diffable form; this one skips ~5,000 rows of export and insert.
// An image is accepted only when it is a whole SQLite database that ran exactly this emulator's
// migrations and holds one organization's rows; anything else is a 400 and changes nothing.

export const SQLITE_TYPE = 'application/vnd.sqlite3';
/** Answered with the image and checked on restore: the layout of this binary form (not of the schema). */
export const FORMAT_HEADER = 'x-snapshot-format';
export const FORMAT = 'sqlite3; version=1';
/** Answered with the image: every migration the image ran, `owner:version` (the last of each owner). */
export const SCHEMA_HEADER = 'x-snapshot-schema';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** This emulator's schema version: the last migration of each owner, in order (`core:5,blueai:9,close:21`). */
export function schemaVersion(sets: readonly MigrationSet[]): string {
  return sets.map((s) => `${s.owner}:${Math.max(0, ...s.migrations.map((m) => m.version))}`).join(',');
}

/** The schema version a database's `schema_migrations` says it is at. */
function versionOf(db: Db, sets: readonly MigrationSet[]): string {
  const rows = db.prepare(`SELECT owner, max(version) AS v FROM schema_migrations GROUP BY owner`).all() as { owner: string; v: number }[];
  const by = new Map(rows.map((r) => [r.owner, r.v]));
  const known = new Set(sets.map((s) => s.owner));
  const extra = rows.filter((r) => !known.has(r.owner)).map((r) => `${r.owner}:${r.v}`);
  return [...sets.map((s) => `${s.owner}:${by.get(s.owner) ?? 0}`), ...extra].join(',');
}

const bad = (message: string) => new ApiError(400, 'VALIDATION_ERROR', message, { field: 'body' });

export interface CheckedImage {
  /** The organization id every row of the image carries. */
  key: string;
  image: Image;
}

/**
 * Checks an uploaded image and makes it an `Image` (facts from `facts`); throws a 400 naming what is
 * wrong. `format` is the client's format header (absent: taken as this version).
 */
export function checkImage(bytes: Buffer, sets: readonly MigrationSet[], format: string | undefined, idLength: number,
  facts: (db: Db, key: string) => Image['facts']): CheckedImage {
  if (format !== undefined && format !== FORMAT) throw bad(`${FORMAT_HEADER}: "${format.slice(0, 80)}" is not a snapshot format this emulator reads (${FORMAT}).`);
  if (bytes.length < 512 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw bad('Not a SQLite database image.');
  let db: Db;
  try {
    db = new Database(bytes);
  } catch {
    throw bad('Not a SQLite database image.');
  }
  try {
    let ok: unknown;
    try {
      ok = db.pragma('quick_check', { simple: true });
    } catch {
      ok = 'unreadable';
    }
    if (ok !== 'ok') throw bad('The SQLite image is corrupted (quick_check failed).');
    const hasTable = (name: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
    if (!hasTable('schema_migrations') || !hasTable('orgs')) throw bad('The SQLite image is not an organization database of this emulator.');
    const want = schemaVersion(sets);
    const have = versionOf(db, sets);
    if (have !== want) throw bad(`The SQLite image is at schema version ${have.slice(0, 200)}; this emulator reads ${want}.`);
    const ids = db.prepare(`SELECT id FROM orgs LIMIT 2`).pluck().all() as string[];
    if (ids.length !== 1 || ids[0]!.length !== idLength) throw bad('The SQLite image does not hold exactly one organization.');
    const key = ids[0]!;
    const grown = Buffer.concat([bytes, Buffer.alloc(GROWTH)]);
    // Used once: the copy is patched in place (its own scratch), no second buffer of fresh memory.
    return { key, image: { key, bytes: grown, offsets: keyOffsets(grown, key), scratch: grown, facts: facts(db, key) } };
  } finally {
    db.close();
  }
}
