import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { closeErrors } from '../../../schemas/close/common.js';
import { Me } from '../../../schemas/close/me.js';

export default async function meRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Many clients call GET /me/ first to check the key.
  app.get('/me/', { schema: { response: { 200: Me, ...closeErrors } } }, async (req) => app.closeStore.users.me(req.closeOrg, req.closeUserId));
}
