import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import {
  Activity, ActivityList, ActivityListQuery, ActivityPartial, AnyActivityList, AnyActivityPartial, CustomActivityCreate, CustomActivityType,
  CustomActivityTypeList, CustomActivityUpdate,
} from '../../../schemas/close/activities.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

export default async function activityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const activities = app.closeStore.activities;
  const { events, eventKinds: k } = app.closeStore;

  // Notes, custom activities and emails.
  app.get('/activity/', { schema: { querystring: ActivityListQuery, response: { 200: AnyActivityList, ...closeErrors } } }, async (req) =>
    trimPage(activities.list(req.closeOrg.id, req.query), req.query._fields));

  app.get('/activity/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: AnyActivityPartial, ...closeErrors } } }, async (req) =>
    trimFields(activities.getAny(req.closeOrg.id, req.params.id), req.query._fields));

  app.delete('/activity/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.activity, req.params.id, () => activities.delete(req.closeOrg.id, req.params.id));
    return {};
  });

  // Custom activity instances: only those with a custom_activity_type_id are found here.
  app.get('/activity/custom/', { schema: { querystring: ActivityListQuery, response: { 200: ActivityList, ...closeErrors } } }, async (req) =>
    trimPage(activities.listCustom(req.closeOrg.id, req.query), req.query._fields));

  app.post('/activity/custom/', { schema: { body: CustomActivityCreate, response: { 200: Activity, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, null, () => activities.createCustom(req.closeOrg.id, req.closeUserId, req.body)));

  app.get('/activity/custom/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ActivityPartial, ...closeErrors } } }, async (req) =>
    trimFields(activities.get(req.closeOrg.id, req.params.id, true), req.query._fields));

  app.put('/activity/custom/:id/', { schema: { params: IdParams, body: CustomActivityUpdate, response: { 200: Activity, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, req.params.id, () => activities.updateCustom(req.closeOrg.id, req.params.id, req.body)));

  app.delete('/activity/custom/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.activity, req.params.id, () => activities.delete(req.closeOrg.id, req.params.id, true));
    return {};
  });

  // Real API: custom activity types can be created and edited and list their fields; here: read-only.
  app.get('/custom_activity/', { schema: { querystring: pageQuery(), response: { 200: CustomActivityTypeList, ...closeErrors } } }, async (req) =>
    trimPage(activities.listTypes(req.closeOrg.id, req.query), req.query._fields));

  app.get('/custom_activity/:id/', { schema: { params: IdParams, response: { 200: CustomActivityType, ...closeErrors } } }, async (req) =>
    activities.getType(req.closeOrg.id, req.params.id));
}
