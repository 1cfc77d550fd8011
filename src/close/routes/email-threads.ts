import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { EmailActivityPartial } from '../../../schemas/close/emails.js';
import { EmailCreate, EmailThreadList, EmailThreadListQuery, EmailThreadPartial, EmailUpdate } from '../../../schemas/close/email-threads.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** Creating and updating emails, and email threads (list, get, delete with their emails). */
export default async function emailThreadRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const threads = app.closeStore.emailThreads;
  const { events, eventKinds: k } = app.closeStore;

  // The email's own event here; its thread's (created or updated) from the store's listener (src/close/store/index.ts).
  app.post('/activity/email/', { schema: { querystring: FieldsQuery, body: EmailCreate, response: { 200: EmailActivityPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.activity, null, () => threads.createEmail(req.closeOrg.id, req.closeUserId, req.body)), req.query._fields));

  app.put('/activity/email/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: EmailUpdate, response: { 200: EmailActivityPartial, ...closeErrors } } },
    async (req) => trimFields(events.track(req.closeOrg.id, k.activity, req.params.id,
      () => threads.updateEmail(req.closeOrg.id, req.closeUserId, req.params.id, req.body)), req.query._fields));

  app.get('/activity/emailthread/', { schema: { querystring: EmailThreadListQuery, response: { 200: EmailThreadList, ...closeErrors } } }, async (req) =>
    trimPage(threads.listThreads(req.closeOrg.id, req.query), req.query._fields));

  app.get('/activity/emailthread/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: EmailThreadPartial, ...closeErrors } } }, async (req) =>
    trimFields(threads.get(req.closeOrg.id, req.params.id), req.query._fields));

  // Close: "This will also delete all the email activities belonging to this thread" (each gets its deleted event first).
  app.delete('/activity/emailthread/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.emailThread, req.params.id, () => threads.deleteThread(req.closeOrg.id, req.params.id));
    return {};
  });
}
