import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import {
  LeadStatus, LeadStatusInput, LeadStatusList, LeadStatusPartial, OpportunityStatusInput, OpportunityStatusList,
  OpportunityStatusPartial, OpportunityStatusUpdate,
} from '../../../schemas/close/statuses.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

const ListQuery = pageQuery();

export default async function statusRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const statuses = app.closeStore.statuses;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/status/lead/', { schema: { querystring: ListQuery, response: { 200: LeadStatusList, ...closeErrors } } }, async (req) =>
    trimPage(statuses.listLead(req.closeOrg.id, req.query), req.query._fields));

  app.post('/status/lead/', { schema: { body: LeadStatusInput, response: { 200: LeadStatus, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.leadStatus, null, () => statuses.createLead(req.closeOrg.id, req.body.label)));

  app.get('/status/lead/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: LeadStatusPartial, ...closeErrors } } }, async (req) =>
    trimFields(statuses.getLead(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/status/lead/:id/', { schema: { params: IdParams, body: LeadStatusInput, response: { 200: LeadStatus, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.leadStatus, req.params.id, () => statuses.updateLead(req.closeOrg.id, req.params.id, req.body.label)));

  // A status some lead still uses → 400 {"error": …}.
  app.delete('/status/lead/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.leadStatus, req.params.id, () => statuses.deleteLead(req.closeOrg.id, req.params.id));
    return {};
  });

  app.get('/status/opportunity/', { schema: { querystring: ListQuery, response: { 200: OpportunityStatusList, ...closeErrors } } }, async (req) =>
    trimPage(statuses.listOpportunity(req.closeOrg.id, req.query), req.query._fields));

  // label, type (active, won, lost) and pipeline_id, each required; the new status goes last in its pipeline.
  app.post('/status/opportunity/', { schema: { querystring: FieldsQuery, body: OpportunityStatusInput, response: { 200: OpportunityStatusPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.opportunityStatus, null, () => statuses.createOpportunity(req.closeOrg.id, req.body)), req.query._fields));

  // Real API: Close publishes PUT and DELETE here, not GET, but client libraries read a status back (the npm
  // close.io client's status.opportunity.read); here: GET answers it, as GET /status/lead/{id}/ does.
  app.get('/status/opportunity/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: OpportunityStatusPartial, ...closeErrors } } }, async (req) =>
    trimFields(statuses.getOpportunity(req.closeOrg.id, req.params.id), req.query._fields));

  // Renames; type and pipeline_id only unchanged.
  app.put('/status/opportunity/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: OpportunityStatusUpdate, response: { 200: OpportunityStatusPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.opportunityStatus, req.params.id, () => statuses.updateOpportunity(req.closeOrg.id, req.params.id, req.body)), req.query._fields));

  // A status some opportunity still uses → 400 {"error": …}.
  app.delete('/status/opportunity/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.opportunityStatus, req.params.id, () => statuses.deleteOpportunity(req.closeOrg.id, req.params.id));
    return {};
  });
}
