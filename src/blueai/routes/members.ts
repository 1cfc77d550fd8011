import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import { Member, MemberList, MemberListQuery } from '../../../schemas/blueai/members.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, ...anyError };

// Real API: the reference does not document member endpoints; here: read-only GET /members and
// GET /members/{id}; other methods reach the plugin's 404 handler (NOT_FOUND in the envelope).
export default async function memberRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const members = app.blueai.members;

  app.get('/members', { schema: { querystring: MemberListQuery, response: { 200: MemberList, ...errors } } }, async (req) =>
    members.list(req.org.id, req.query));

  app.get('/members/:id', { schema: { params: IdParams, response: { 200: Member, ...errors } } }, async (req) =>
    members.get(req.org.id, req.params.id));
}
