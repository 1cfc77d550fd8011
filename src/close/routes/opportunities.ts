import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  Opportunity, OpportunityCreate, OpportunityList, OpportunityListQuery, OpportunityPartial, OpportunityUpdate,
} from '../../../schemas/close/opportunities.js';
import { trimFields } from '../fields.js';
import { trimPageWithCustom, trimWithCustom } from '../legacy-custom.js';
import { parseTzOffset } from '../query/index.js';
import { trimPage } from './trim.js';

export default async function opportunityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const opportunities = app.closeStore.opportunities;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/opportunity/', { schema: { querystring: OpportunityListQuery, response: { 200: OpportunityList, ...closeErrors } } }, async (req) =>
    trimPageWithCustom(app.closeStore.db, req.closeOrg.id, opportunities.list(req.closeOrg.id, req.query, parseTzOffset(req.headers['x-tz-offset']), app.clock.now(req.closeOrg.id)), req.query._fields));

  app.post('/opportunity/', { schema: { body: OpportunityCreate, response: { 200: Opportunity, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.opportunity, null, () => opportunities.create(req.closeOrg.id, req.closeUserId, req.body)));

  app.get('/opportunity/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: OpportunityPartial, ...closeErrors } } }, async (req) =>
    trimWithCustom(app.closeStore.db, req.closeOrg.id, opportunities.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/opportunity/:id/', { schema: { params: IdParams, body: OpportunityUpdate, response: { 200: Opportunity, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.opportunity, req.params.id, () => opportunities.update(req.closeOrg.id, req.closeUserId, req.params.id, req.body)));

  app.delete('/opportunity/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.opportunity, req.params.id, () => opportunities.delete(req.closeOrg.id, req.params.id));
    return {};
  });
}
