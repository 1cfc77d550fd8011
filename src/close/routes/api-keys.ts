import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { closeErrors } from '../../../schemas/close/common.js';
import { ApiKeyList, ApiKeyListQuery } from '../../../schemas/close/api-keys.js';
import { apiKeyPage } from '../store/api-keys.js';
import { trimPage } from './trim.js';

/** GET /api_key/ [U]: the keys of the caller's organization, never another's, never a whole secret. */
export default async function apiKeyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api_key/', { schema: { querystring: ApiKeyListQuery, response: { 200: ApiKeyList, ...closeErrors } } }, async (req) =>
    trimPage(apiKeyPage(req.closeOrg.id, req.closeUserId, app.tenants.credentialRecords(req.closeOrg.id), req.query), req.query._fields));
}
