import { createHash, randomInt } from 'node:crypto';
import Database from 'better-sqlite3';
import { tenantTables, type Db } from './db.js';

// The images organizations' databases are copied from (src/core/org-dbs.ts): every row of an image carries
// one random organization key; giving an organization its data writes its own id's suffix at the key's
// offsets, or, where that cannot be proven safe, rewrites the column row by row.

export const SUFFIX_LENGTH = 43;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** What an organization's data is built from, and what it keeps of its image. */
export interface Image {
  /** The organization key every row of the image carries (`orga_` + a random suffix). */
  key: string;
  bytes: Buffer;
  /** Where the key's suffix sits in `bytes`; null: the image cannot be patched (rewrite instead). */
  offsets: number[] | null;
  /** Where a copy is patched before it is opened: allocated once per image (fresh memory is what costs). */
  scratch: Buffer;
  /** Facts about the image's data, so an untouched organization answers them without a copy. */
  facts: {
    counts: Record<string, Record<string, number>>;
    /** How many bulk actions and webhook subscriptions (any state) it holds. */
    jobsOrWebhooks: number;
    /** The scheduler's lanes with work runnable from the start (src/core/scheduler.ts). */
    pending: string[];
    name: string;
  };
}

/** A fresh image key: `orga_` + 43 random characters, as long as a real organization id. */
export function imageKey(): string {
  return `orga_${Array.from({ length: SUFFIX_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

/** Where the key's suffix sits in a serialized image. */
export function keyOffsets(bytes: Buffer, key: string): number[] {
  return findAll(bytes, Buffer.from(key.slice(key.length - SUFFIX_LENGTH), 'latin1'));
}

export function imageId(baseline: string | null): string {
  if (baseline === null) return 'seed';
  if (baseline === 'empty') return 'empty';
  return createHash('sha256').update(baseline).digest('hex');
}

function findAll(haystack: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) out.push(at);
  return out;
}

/**
 * Whether patching the key's suffix at its offsets gives every row the new id: patched with a probe
 * id, every organization-keyed column holds the probe and the database is intact.
 */
export function patchable(img: Image): boolean {
  if (!img.offsets || img.offsets.length === 0) return false;
  const probe = `orga_${'p'.repeat(SUFFIX_LENGTH)}`;
  const bytes = Buffer.from(img.bytes);
  const suffix = Buffer.from(probe.slice(probe.length - SUFFIX_LENGTH), 'latin1');
  for (const at of img.offsets) suffix.copy(bytes, at);
  const db = new Database(bytes);
  try {
    if (db.pragma('integrity_check', { simple: true }) !== 'ok') return false;
    if (db.prepare(`SELECT count(*) FROM orgs WHERE id = ?`).pluck().get(probe) !== 1) return false;
    for (const table of tenantTables(db)) {
      const wrong = db.prepare(`SELECT count(*) FROM ${table} WHERE org_id IS NOT ?`).pluck().get(probe) as number;
      if (wrong > 0) return false;
    }
    return true;
  } finally {
    db.close();
  }
}

/** The slow way to give an image's rows an organization's id (an image that cannot be patched). */
export function rewriteKey(db: Db, from: string, to: string): void {
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    db.prepare(`UPDATE orgs SET id = ? WHERE id = ?`).run(to, from);
    for (const table of tenantTables(db)) db.prepare(`UPDATE ${table} SET org_id = ? WHERE org_id = ?`).run(to, from);
  })();
  db.pragma('foreign_keys = ON');
}
