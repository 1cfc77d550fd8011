import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import {
  AssignmentAnswer, AssignmentCreate, AssignmentDeleteQuery, TagAnswer, TagCreate, TagIdParams, TagList, TagPatch,
} from '../../../schemas/blueai/tags.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope, ...anyError };

/** `/tags` and `/tag-assignments`. */
export default async function tagRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = app.blueai.tags;

  app.get('/tags', { schema: { response: { 200: TagList, ...errors } } }, async (req) => ({ tags: tags.list(req.org.id) }));

  app.post('/tags', { schema: { body: TagCreate, response: { 201: TagAnswer, ...errors } } }, async (req, reply) =>
    // Real API: the create status is not shown; here: 201, as for every create.
    reply.status(201).send({ tag: tags.create(req.org.id, req.body) }));

  app.patch('/tags/:id', { schema: { params: IdParams, body: TagPatch, response: { 200: TagAnswer, ...errors } } }, async (req) =>
    ({ tag: tags.update(req.org.id, req.params.id, req.body) }));

  app.delete('/tags/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    tags.delete(req.org.id, req.params.id);
    return { success: true as const };
  });

  app.post('/tag-assignments', {
    schema: { body: AssignmentCreate, response: { 200: AssignmentAnswer, 201: AssignmentAnswer, ...errors } },
  }, async (req, reply) => {
    const { assignment, created } = tags.assign(req.org.id, req.body);
    // A repeated assignment answers 200 with the one that exists (idempotent), a new one 201.
    return reply.status(created ? 201 : 200).send({ assignment });
  });

  app.delete('/tag-assignments/:tag_id', {
    schema: { params: TagIdParams, querystring: AssignmentDeleteQuery, response: { 200: DeleteResult, ...errors } },
  }, async (req) => {
    tags.unassign(req.org.id, req.params.tag_id, req.query.resource_type, req.query.resource_id);
    return { success: true as const };
  });
}
