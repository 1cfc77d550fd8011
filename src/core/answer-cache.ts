import type { FastifyReply } from 'fastify';
import { cached, realDb, type Db } from './db.js';

// Serialized answers of single-object reads (GET one Close lead, one BlueAI deal), kept per
// organization database until that database's next write. A lead's answer is ~6 KB built from four
// queries (the lead, its contacts, opportunities and custom values, ~0.3–0.6 ms) and serialized
// against its schema; read again unchanged, it is the same bytes. Validity is SQLite's own
// `total_changes()` of the organization's connection: every INSERT, UPDATE or DELETE through it (a
// write of any route, a bulk action's batch, a restore) moves it on, and a reset, restore or spill
// gives the organization another connection, hence another entry here. What a read answers must
// depend on that database only (not on the clock or on anything held elsewhere) to be cached.

/** Entries kept per database; past it the oldest half goes. */
const MAX_ENTRIES = 256;
/** Answers larger than this are not kept (a lead with hundreds of contacts). */
const MAX_BYTES = 64 * 1024;

interface Entry { changes: number; answers: Map<string, string> }

export class AnswerCache {
  private readonly byDb = new WeakMap<Db, Entry>();

  /**
   * The answer for `key` in the database `db` routes to now: the kept one when nothing was written
   * since it was made, else `make()` (kept when small enough).
   */
  get(db: Db, key: string, make: () => string): string {
    const real = realDb(db);
    const changes = cached(real, 'SELECT total_changes()').pluck().get() as number;
    let entry = this.byDb.get(real);
    if (!entry || entry.changes !== changes || real.inTransaction) {
      entry = { changes, answers: new Map() };
      this.byDb.set(real, entry);
    }
    const hit = entry.answers.get(key);
    if (hit !== undefined) return hit;
    const answer = make();
    // Inside a transaction the data may still be rolled back: answered, never kept.
    if (answer.length > MAX_BYTES || real.inTransaction) return answer;
    if (entry.answers.size >= MAX_ENTRIES) {
      let drop = MAX_ENTRIES / 2;
      for (const k of entry.answers.keys()) {
        if (drop-- === 0) break;
        entry.answers.delete(k);
      }
    }
    entry.answers.set(key, answer);
    return answer;
  }
}

/**
 * Answers a read with its serialized answer, from `cache` when the organization's database is unchanged
 * since it was made; `render()` builds the object, serialized by the route's own response schema (the
 * same bytes as returning it). Real API: no such cache; here: invisible, the same answer either way.
 */
export async function cachedAnswer(cache: AnswerCache, db: Db, reply: FastifyReply, key: string, render: () => object): Promise<FastifyReply> {
  const text = cache.get(db, key, () => reply.serialize(render()) as string);
  return reply.type('application/json; charset=utf-8').send(text);
}
