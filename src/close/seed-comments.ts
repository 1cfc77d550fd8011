import { cached, type Db } from '../core/db.js';
import type { CloseSeedT } from '../../schemas/seed.js';

// The part of a Close dataset that holds comments, their threads and LeadMerge activities (kept apart
// from src/close/seed.ts, as the webhooks' part is).

type Seed = CloseSeedT;
type Check = (path: string, prefix: string, id: string, length?: number) => string | null;

/** Ids, and what each thread, comment and merge names; the first problem or null. */
export function checkCommentSeed(s: Seed, check: Check): string | null {
  const leads = new Set(s.leads.map((l) => l.id));
  const oppLead = new Map(s.leads.flatMap((l) => l.opportunities.map((o) => [o.id, l.id] as const)));
  const objects = new Set<string>();
  const threadLead = new Map<string, string>();
  for (const [i, x] of (s.comment_threads ?? []).entries()) {
    const at = `/close/comment_threads/${i}`;
    const lead = x.object_type === 'lead' ? (leads.has(x.object_id) ? x.object_id : undefined) : oppLead.get(x.object_id);
    const p = check(at, 'comthr_', x.id)
      ?? (lead === undefined ? `${at}/object_id: unknown ${x.object_type} ${x.object_id}` : null)
      ?? (lead !== x.lead_id ? `${at}/lead_id: not the lead of ${x.object_id}` : null)
      ?? (objects.has(x.object_id) ? `${at}/object_id: ${x.object_id} already has a thread` : null);
    if (p) return p;
    objects.add(x.object_id);
    threadLead.set(x.id, x.lead_id);
  }
  for (const [i, x] of (s.comments ?? []).entries()) {
    const at = `/close/comments/${i}`;
    const p = check(at, 'comm_', x.id)
      ?? (threadLead.has(x.thread_id) ? null : `${at}/thread_id: unknown thread ${x.thread_id}`)
      ?? (threadLead.get(x.thread_id) === x.lead_id ? null : `${at}/lead_id: not the thread's lead`);
    if (p) return p;
  }
  for (const [i, x] of (s.lead_merges ?? []).entries()) {
    const at = `/close/lead_merges/${i}`;
    const p = check(at, 'acti_', x.id) ?? (leads.has(x.lead_id) ? null : `${at}/lead_id: unknown lead ${x.lead_id}`);
    if (p) return p;
  }
  return null;
}

export function insertCommentSeed(s: Seed, insert: (table: string, row: Record<string, unknown>) => void): void {
  for (const x of s.comment_threads ?? []) insert('close_comment_threads', x);
  for (const x of s.comments ?? []) insert('close_comments', x);
  for (const x of s.lead_merges ?? []) insert('close_lead_merges', x);
}

/** In creation order, so a snapshot restored elsewhere reads back byte for byte. */
export function exportCommentSeed(db: Db, orgId: string): Pick<Seed, 'comment_threads' | 'comments' | 'lead_merges'> {
  const all = <T>(sql: string) => cached(db, sql).all(orgId) as T[];
  return {
    comment_threads: all(`SELECT id, object_type, object_id, lead_id, date_created, date_updated FROM close_comment_threads WHERE org_id = ? ORDER BY date_created, id`),
    comments: all(`SELECT id, thread_id, lead_id, body, created_by, updated_by, removed_by, removed_at, date_created, date_updated
      FROM close_comments WHERE org_id = ? ORDER BY date_created, id`),
    lead_merges: all(`SELECT id, lead_id, source_lead_id, destination_lead_id, source_display_name, destination_display_name, user_id,
      date_created, date_updated FROM close_lead_merges WHERE org_id = ? ORDER BY date_created, id`),
  };
}
