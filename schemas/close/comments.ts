import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList, pageQuery } from './common.js';
import { S } from './objects.js';

const NS = Nullable(Type.String());

/**
 * A comment, with the keys of Close's documented examples (developer.close.com, Comments): Close names
 * its dates `created_at` / `updated_at` here, not `date_created`. `removed_at` / `removed_by` are set,
 * and `body` emptied, once it is removed while other comments of its thread remain.
 */
export const Comment = Type.Object({
  id: S, thread_id: S, lead_id: S, body: S, mentions: Type.Array(S), organization_id: S,
  created_by: NS, updated_by: NS, removed_by: NS, removed_at: NS, created_at: S, updated_at: S,
});
export type CommentT = Static<typeof Comment>;
export const CommentList = closeList(Comment);

/** A comment thread: one per commented object; `participating` are the users who commented, in order. */
export const CommentThread = Type.Object({
  id: S, object_type: S, object_id: S, lead_id: S, num_comments: Type.Integer(), participating: Type.Array(S),
  organization_id: S, created_at: S, updated_at: S,
});
export type CommentThreadT = Static<typeof CommentThread>;
export const CommentThreadList = closeList(Type.Partial(CommentThread));

/** Close's CreateComment: both required (additionalProperties false in Close's schema). */
export const CommentCreate = Type.Object({ body: Type.String({ minLength: 1 }), object_id: Type.String({ minLength: 1 }) });
export type CommentCreateT = Static<typeof CommentCreate>;
/** Close's UpdateCommentThreads: the body alone. */
export const CommentUpdate = Type.Object({ body: Type.String({ minLength: 1 }) });
export type CommentUpdateT = Static<typeof CommentUpdate>;

/** GET /comment/: exactly one of `object_id` and `thread_id` (Close's words); no paging is documented. */
export const CommentListQuery = Type.Object({ object_id: Type.Optional(S), thread_id: Type.Optional(S) });
export type CommentListQueryT = Static<typeof CommentListQuery>;
/** GET /comment_thread/: `ids` and `object_ids` comma-separated, with `_limit` / `_skip`. */
export const CommentThreadListQuery = Type.Object({ ...pageQuery().properties, ids: Type.Optional(S), object_ids: Type.Optional(S) });
export type CommentThreadListQueryT = Static<typeof CommentThreadListQuery>;
