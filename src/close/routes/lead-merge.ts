import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { LeadMergeActivityList, LeadMergeActivityPartial, LeadMergeBody, LeadMergeListQuery } from '../../../schemas/close/lead-merge.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** POST /lead/merge/ and the LeadMerge activities merges leave (/activity/lead_merge/, read-only as in Close). */
export default async function leadMergeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const merges = app.closeStore.leadMerges;

  // Real API: the answer's schema is "Empty response body"; here: {} once the merge is done (it is synchronous).
  app.post('/lead/merge/', { schema: { body: LeadMergeBody, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    merges.mergeTracked(req.closeOrg.id, req.closeUserId, req.body);
    return {};
  });

  app.get('/activity/lead_merge/', { schema: { querystring: LeadMergeListQuery, response: { 200: LeadMergeActivityList, ...closeErrors } } }, async (req) =>
    trimPage(merges.list(req.closeOrg.id, req.query), req.query._fields));

  app.get('/activity/lead_merge/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: LeadMergeActivityPartial, ...closeErrors } } }, async (req) =>
    trimFields(merges.get(req.closeOrg.id, req.params.id), req.query._fields));
}
