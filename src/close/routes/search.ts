import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { closeErrors } from '../../../schemas/close/common.js';
import { SearchBody, SearchResponse, SEARCH_DEFAULT_LIMIT } from '../../../schemas/close/search.js';
import { parseTzOffset, search } from '../query/index.js';

export default async function searchRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Advanced Filtering: the same query language as a bulk edit's s_query, one page at a time.
  app.post('/data/search/', { schema: { body: SearchBody, response: { 200: SearchResponse, ...closeErrors } } }, async (req) => {
    const body = req.body;
    return search(app.orgDbs.routed, req.closeOrg.id, body.query, {
      sort: body.sort,
      resultsLimit: body.results_limit ?? null,
      limit: body._limit ?? SEARCH_DEFAULT_LIMIT,
      cursor: body.cursor ?? null,
      now: app.clock.now(req.closeOrg.id),
      tzOffsetMinutes: parseTzOffset(req.headers['x-tz-offset']),
      includeCounts: body.include_counts === true,
      fields: body._fields,
    });
  });
}
