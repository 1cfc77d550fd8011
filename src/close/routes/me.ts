import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { closeErrors, FieldsQuery } from '../../../schemas/close/common.js';
import { MePartial } from '../../../schemas/close/me.js';
import { trimFields } from '../fields.js';

export default async function meRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Many clients call GET /me/ first to check the key.
  app.get('/me/', { schema: { querystring: FieldsQuery, response: { 200: MePartial, ...closeErrors } } }, async (req) =>
    trimFields(app.closeStore.users.me(req.closeOrg, req.closeUserId), req.query._fields));
}
