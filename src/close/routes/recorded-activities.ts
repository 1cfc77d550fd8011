import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  LeadStatusChangeCreate, OpportunityStatusChangeCreate, OpportunityStatusChangeListQuery, RecordedActivityList, RecordedActivityPartial,
  RecordedListQuery,
} from '../../../schemas/close/recorded-activities.js';
import type { RecordedType } from '../store/recorded-activities.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/**
 * The activities Close records for you: lead and opportunity status changes (list, import, get, delete),
 * completed tasks (list, get, delete) and creations (list, get). Their writes' events are recorded by
 * the store's listener (src/close/store/index.ts), deletes' by `events.track` here.
 */
export default async function recordedActivityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { recorded, events, eventKinds: k } = app.closeStore;

  const routes: Array<[string, RecordedType, { delete: boolean }]> = [
    ['/activity/status_change/lead/', 'LeadStatusChange', { delete: true }],
    ['/activity/status_change/opportunity/', 'OpportunityStatusChange', { delete: true }],
    ['/activity/task_completed/', 'TaskCompleted', { delete: true }],
    // Real API: Created activities are listed and read, never deleted.
    ['/activity/created/', 'Created', { delete: false }],
  ];
  for (const [path, type, can] of routes) {
    const querystring = type === 'OpportunityStatusChange' ? OpportunityStatusChangeListQuery : RecordedListQuery;
    app.get(path, { schema: { querystring, response: { 200: RecordedActivityList, ...closeErrors } } }, async (req) =>
      trimPage(recorded.list(req.closeOrg.id, type, req.query as Static<typeof RecordedListQuery>), req.query._fields));
    app.get(`${path}:id/`, { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: RecordedActivityPartial, ...closeErrors } } }, async (req) =>
      trimFields(recorded.get(req.closeOrg.id, req.params.id, type), req.query._fields));
    if (!can.delete) continue;
    app.delete(`${path}:id/`, { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
      events.track(req.closeOrg.id, k.activity, req.params.id, () => recorded.delete(req.closeOrg.id, req.params.id, type));
      return {};
    });
  }

  app.post('/activity/status_change/lead/', { schema: { body: LeadStatusChangeCreate, response: { 200: RecordedActivityPartial, ...closeErrors } } }, async (req) =>
    recorded.importLeadChange(req.closeOrg.id, req.closeUserId, req.body));

  app.post('/activity/status_change/opportunity/', { schema: { body: OpportunityStatusChangeCreate, response: { 200: RecordedActivityPartial, ...closeErrors } } },
    async (req) => recorded.importOpportunityChange(req.closeOrg.id, req.closeUserId, req.body));
}
