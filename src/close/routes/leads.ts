import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { Lead, LeadCreate, LeadList, LeadListQuery, LeadPartial, LeadUpdate } from '../../../schemas/close/leads.js';
import { trimPageWithCustom, trimWithCustom } from '../legacy-custom.js';
import { parseTzOffset } from '../query/index.js';
import { cachedAnswer } from '../../core/answer-cache.js';

export default async function leadRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const leads = app.closeStore.leads;
  const { events, eventKinds: k } = app.closeStore;

  // Newest first (date_created, then id), unless the legacy `query` says sort:…
  app.get('/lead/', { schema: { querystring: LeadListQuery, response: { 200: LeadList, ...closeErrors } } }, async (req) =>
    trimPageWithCustom(app.closeStore.db, req.closeOrg.id, leads.list(req.closeOrg.id, req.query, parseTzOffset(req.headers['x-tz-offset'])), req.query._fields));

  // Every Close create answers 200 with the object (clients accept only 200).
  app.post('/lead/', { schema: { body: LeadCreate, response: { 200: Lead, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.lead, null, () => leads.create(req.closeOrg.id, req.closeUserId, req.body)));

  // Kept serialized until the organization's next write (src/core/answer-cache.ts).
  app.get('/lead/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: LeadPartial, ...closeErrors } } }, async (req, reply) =>
    cachedAnswer(app.answers, app.orgDbs.routed, reply, `lead\0${req.params.id}\0${req.query._fields ?? ''}`, () =>
      trimWithCustom(app.closeStore.db, req.closeOrg.id, leads.get(req.closeOrg.id, req.params.id), req.query._fields)));

  app.put('/lead/:id/', { schema: { params: IdParams, body: LeadUpdate, response: { 200: Lead, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.lead, req.params.id, () => leads.update(req.closeOrg.id, req.closeUserId, req.params.id, req.body)));

  app.delete('/lead/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.lead, req.params.id, () => leads.delete(req.closeOrg.id, req.params.id));
    return {};
  });
}
