import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  Comment, CommentCreate, CommentList, CommentListQuery, CommentThread, CommentThreadList, CommentThreadListQuery, CommentUpdate,
} from '../../../schemas/close/comments.js';
import { trimPage } from './trim.js';

/**
 * Comments (/comment/) and their threads (/comment_thread/, read-only: threads come and go with their
 * comments). Each write records the comment's event and its thread's (created with its first comment,
 * updated with each later one, deleted with its last).
 */
export default async function commentRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const comments = app.closeStore.comments;
  const { events, eventKinds: k } = app.closeStore;

  /** `write` with its thread's event: the thread rendered before (when known) and after. */
  const withThread = <T>(orgId: string, threadBefore: string | undefined, write: () => T, threadAfter: (r: T) => string | undefined): T => {
    const before = threadBefore === undefined ? undefined : comments.findThread(orgId, threadBefore);
    const result = write();
    const id = threadAfter(result) ?? threadBefore;
    const after = id === undefined ? undefined : comments.findThread(orgId, id);
    if (id !== undefined && (before || after)) {
      events.log(orgId, k.commentThread, id, !before ? 'created' : !after ? 'deleted' : 'updated', before ?? null, after ?? null);
    }
    return result;
  };

  // Real API: exactly one of object_id and thread_id; no paging is documented (has_more is false).
  app.get('/comment/', { schema: { querystring: CommentListQuery, response: { 200: CommentList, ...closeErrors } } }, async (req) =>
    comments.list(req.closeOrg.id, req.query));

  // Real API: Close's OpenAPI says 201; here: 200 with the comment, as every Close create (clients accept only 200).
  app.post('/comment/', { schema: { body: CommentCreate, response: { 200: Comment, ...closeErrors } } }, async (req) => {
    const org = req.closeOrg.id;
    return events.track(org, k.comment, null, () => withThread(org, comments.threadOf(org, req.body.object_id)?.id,
      () => comments.create(org, req.closeUserId, req.body), (c) => c.thread_id));
  });

  app.get('/comment/:id/', { schema: { params: IdParams, response: { 200: Comment, ...closeErrors } } }, async (req) =>
    comments.get(req.closeOrg.id, req.params.id));

  app.put('/comment/:id/', { schema: { params: IdParams, body: CommentUpdate, response: { 200: Comment, ...closeErrors } } }, async (req) => {
    const org = req.closeOrg.id;
    return events.track(org, k.comment, req.params.id, () => withThread(org, comments.find(org, req.params.id)?.thread_id,
      () => comments.update(org, req.closeUserId, req.params.id, req.body), (c) => c.thread_id));
  });

  // Real API: 204; here: 200 {} as every Close delete. The comment is removed (body emptied), and deleted with its thread once none is left.
  app.delete('/comment/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    const org = req.closeOrg.id;
    events.track(org, k.comment, req.params.id, () => withThread(org, comments.find(org, req.params.id)?.thread_id,
      () => comments.remove(org, req.closeUserId, req.params.id), () => undefined));
    return {};
  });

  app.get('/comment_thread/', { schema: { querystring: CommentThreadListQuery, response: { 200: CommentThreadList, ...closeErrors } } }, async (req) =>
    trimPage(comments.listThreads(req.closeOrg.id, req.query), req.query._fields));

  app.get('/comment_thread/:id/', { schema: { params: IdParams, response: { 200: CommentThread, ...closeErrors } } }, async (req) =>
    comments.getThread(req.closeOrg.id, req.params.id));
}
