import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { ApiError, notFound, validationError } from '../../core/errors.js';
import type {
  CommentCreateT, CommentListQueryT, CommentT, CommentThreadListQueryT, CommentThreadT, CommentUpdateT,
} from '../../../schemas/close/comments.js';
import { pageRows, type ClosePage, type Stamper } from './common.js';
import { commaList } from './filters.js';

interface CommentRow {
  id: string; thread_id: string; lead_id: string; body: string; created_by: string | null; updated_by: string | null;
  removed_by: string | null; removed_at: string | null; date_created: string; date_updated: string;
}
interface ThreadRow {
  id: string; object_type: string; object_id: string; lead_id: string; date_created: string; date_updated: string;
  num_comments: number; participating: string;
}

const THREAD_SELECT = `SELECT t.*,
  (SELECT COUNT(*) FROM close_comments c WHERE c.org_id = t.org_id AND c.thread_id = t.id AND c.removed_at IS NULL) AS num_comments,
  (SELECT json_group_array(created_by) FROM (SELECT c.created_by FROM close_comments c WHERE c.org_id = t.org_id AND c.thread_id = t.id
     AND c.created_by IS NOT NULL GROUP BY c.created_by ORDER BY MIN(c.date_created), MIN(c.id))) AS participating
  FROM close_comment_threads t`;

function deleteThreads(db: Db, orgId: string, threadIds: string[]): void {
  const ids = JSON.stringify(threadIds);
  cached(db, `DELETE FROM close_comments WHERE org_id = ? AND thread_id IN (SELECT value FROM json_each(?))`).run(orgId, ids);
  cached(db, `DELETE FROM close_comment_threads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).run(orgId, ids);
}

/** Deletes the threads on these objects with their comments (an opportunity's, when it is deleted). */
export function deleteThreadsOn(db: Db, orgId: string, objectIds: string[]): void {
  const threads = cached(db, `SELECT id FROM close_comment_threads WHERE org_id = ? AND object_id IN (SELECT value FROM json_each(?))`)
    .pluck().all(orgId, JSON.stringify(objectIds)) as string[];
  if (threads.length > 0) deleteThreads(db, orgId, threads);
}

/**
 * Comments and their threads. Real API: comments may be left on "a variety of object types" (activities
 * among them); here: on leads and opportunities (the object types the emulator's event log names `lead`
 * and `opportunity`); any other id is a 400 naming object_id.
 */
export class CommentStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  /** GET /comment/: exactly one of object_id and thread_id; oldest first, as a conversation reads. */
  list(orgId: string, q: CommentListQueryT): ClosePage<CommentT> {
    const given = (['object_id', 'thread_id'] as const).filter((k) => q[k] !== undefined && q[k] !== '');
    if (given.length !== 1) {
      const message = 'Exactly one of object_id and thread_id must be provided.';
      throw validationError(message, given.length === 0 ? { object_id: message, thread_id: message } : { thread_id: message });
    }
    const threadId = given[0] === 'thread_id' ? q.thread_id : this.threadOf(orgId, q.object_id!)?.id;
    // Real API: comments the requestor cannot see are left out; here: an unknown thread or object has none.
    if (threadId === undefined) return { data: [], has_more: false };
    const rows = cached(this.db, `SELECT * FROM close_comments INDEXED BY close_comments_thread WHERE org_id = ? AND thread_id = ?
      ORDER BY date_created, id`).all(orgId, threadId) as CommentRow[];
    return { data: rows.map((r) => this.render(orgId, r)), has_more: false };
  }

  find(orgId: string, id: string): CommentT | undefined {
    const row = cached(this.db, `SELECT * FROM close_comments WHERE org_id = ? AND id = ?`).get(orgId, id) as CommentRow | undefined;
    return row ? this.render(orgId, row) : undefined;
  }

  get(orgId: string, id: string): CommentT {
    const c = this.find(orgId, id);
    if (!c) throw notFound(`Comment ${id} not found.`);
    return c;
  }

  /** Every comment of a lead's objects (a merge moves them). */
  ofLead(orgId: string, leadId: string): CommentT[] {
    return (cached(this.db, `SELECT * FROM close_comments INDEXED BY close_comments_lead WHERE org_id = ? AND lead_id = ? ORDER BY date_created, id`)
      .all(orgId, leadId) as CommentRow[]).map((r) => this.render(orgId, r));
  }

  /** The thread on an object, if it has one. */
  threadOf(orgId: string, objectId: string): CommentThreadT | undefined {
    const row = cached(this.db, `${THREAD_SELECT} WHERE t.org_id = ? AND t.object_id = ?`).get(orgId, objectId) as ThreadRow | undefined;
    return row ? this.renderThread(orgId, row) : undefined;
  }

  /** Adds a comment to the object's thread, creating the thread with its first comment. */
  create(orgId: string, userId: string, input: CommentCreateT): CommentT {
    const object = this.commentable(orgId, input.object_id);
    const now = this.stamp.now(orgId);
    const id = this.ids.base62('comm_');
    this.db.transaction(() => {
      let threadId = this.threadOf(orgId, input.object_id)?.id;
      if (threadId === undefined) {
        // Real API: thread ids look like `comthr_…` in Close's examples; here: comthr_ + 43 base62 characters.
        threadId = this.ids.base62('comthr_');
        cached(this.db, `INSERT INTO close_comment_threads (org_id, id, object_type, object_id, lead_id, date_created, date_updated)
          VALUES (?, ?, ?, ?, ?, ?, ?)`).run(orgId, threadId, object.type, input.object_id, object.leadId, now, now);
      } else {
        cached(this.db, `UPDATE close_comment_threads SET date_updated = ? WHERE org_id = ? AND id = ?`).run(now, orgId, threadId);
      }
      cached(this.db, `INSERT INTO close_comments (org_id, id, thread_id, lead_id, body, created_by, updated_by, date_created, date_updated)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(orgId, id, threadId, object.leadId, input.body, userId, userId, now, now);
    })();
    return this.get(orgId, id);
  }

  /** Edits the body. Real API: users may only update their own comments; here: the same (403), and a removed one is a 400. */
  update(orgId: string, userId: string, id: string, patch: CommentUpdateT): CommentT {
    const current = this.get(orgId, id);
    if (current.created_by !== userId) throw new ApiError(403, 'FORBIDDEN', 'You may only update your own comments.');
    if (current.removed_at !== null) throw validationError(`Comment ${id} was removed.`, { body: 'A removed comment cannot be edited.' });
    const now = this.stamp.now(orgId);
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_comments SET body = ?, updated_by = ?, date_updated = ? WHERE org_id = ? AND id = ?`).run(patch.body, userId, now, orgId, id);
      cached(this.db, `UPDATE close_comment_threads SET date_updated = ? WHERE org_id = ? AND id = ?`).run(now, orgId, current.thread_id);
    })();
    return this.get(orgId, id);
  }

  /**
   * Removes a comment, as Close describes it: its body goes, the comment stays until every comment of
   * its thread is removed, and then the thread goes with all of them. A comment removed already is a 404.
   */
  remove(orgId: string, userId: string, id: string): void {
    const current = this.get(orgId, id);
    if (current.removed_at !== null) throw notFound(`Comment ${id} not found.`);
    const now = this.stamp.now(orgId);
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_comments SET body = '', removed_by = ?, removed_at = ?, date_updated = ? WHERE org_id = ? AND id = ?`)
        .run(userId, now, now, orgId, id);
      const left = cached(this.db, `SELECT COUNT(*) FROM close_comments WHERE org_id = ? AND thread_id = ? AND removed_at IS NULL`)
        .pluck().get(orgId, current.thread_id) as number;
      if (left === 0) this.deleteThreads(orgId, [current.thread_id]);
      else cached(this.db, `UPDATE close_comment_threads SET date_updated = ? WHERE org_id = ? AND id = ?`).run(now, orgId, current.thread_id);
    })();
  }

  /** GET /comment_thread/: newest first; `ids` and `object_ids` comma-separated. */
  listThreads(orgId: string, q: CommentThreadListQueryT): ClosePage<CommentThreadT> {
    const ids = q.ids === undefined ? null : JSON.stringify(commaList(q.ids));
    const objects = q.object_ids === undefined ? null : JSON.stringify(commaList(q.object_ids));
    const { rows, has_more } = pageRows<ThreadRow>(this.db, `${THREAD_SELECT} WHERE t.org_id = @org
      AND (@ids IS NULL OR t.id IN (SELECT value FROM json_each(@ids))) AND (@objects IS NULL OR t.object_id IN (SELECT value FROM json_each(@objects)))
      ORDER BY t.date_created DESC, t.id DESC`, { org: orgId, ids, objects }, q);
    return { data: rows.map((r) => this.renderThread(orgId, r)), has_more };
  }

  findThread(orgId: string, id: string): CommentThreadT | undefined {
    const row = cached(this.db, `${THREAD_SELECT} WHERE t.org_id = ? AND t.id = ?`).get(orgId, id) as ThreadRow | undefined;
    return row ? this.renderThread(orgId, row) : undefined;
  }

  getThread(orgId: string, id: string): CommentThreadT {
    const t = this.findThread(orgId, id);
    if (!t) throw notFound(`Comment thread ${id} not found.`);
    return t;
  }

  private deleteThreads(orgId: string, threadIds: string[]): void {
    deleteThreads(this.db, orgId, threadIds);
  }

  /** The commented object's type and lead; anything but a lead or an opportunity of this organization is a 400. */
  private commentable(orgId: string, objectId: string): { type: string; leadId: string } {
    if (cached(this.db, `SELECT 1 FROM close_leads WHERE org_id = ? AND id = ?`).get(orgId, objectId)) return { type: 'lead', leadId: objectId };
    const lead = cached(this.db, `SELECT lead_id FROM close_opportunities WHERE org_id = ? AND id = ?`).pluck().get(orgId, objectId) as string | undefined;
    if (lead !== undefined) return { type: 'opportunity', leadId: lead };
    throw validationError(`Object ${objectId} not found.`, { object_id: 'No lead or opportunity with this id (the emulator keeps comments on leads and opportunities).' });
  }

  private render(orgId: string, r: CommentRow): CommentT {
    return {
      id: r.id, thread_id: r.thread_id, lead_id: r.lead_id, body: r.body,
      // Real API: the users and groups the rich-text body mentions; here: always empty (bodies are kept as sent).
      mentions: [], organization_id: orgId, created_by: r.created_by, updated_by: r.updated_by,
      removed_by: r.removed_by, removed_at: r.removed_at, created_at: r.date_created, updated_at: r.date_updated,
    };
  }

  private renderThread(orgId: string, r: ThreadRow): CommentThreadT {
    return {
      id: r.id, object_type: r.object_type, object_id: r.object_id, lead_id: r.lead_id, num_comments: r.num_comments,
      participating: JSON.parse(r.participating) as string[], organization_id: orgId, created_at: r.date_created, updated_at: r.date_updated,
    };
  }
}
