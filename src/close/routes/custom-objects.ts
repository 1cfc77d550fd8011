import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import {
  CustomObject, CustomObjectCreate, CustomObjectList, CustomObjectListQuery, CustomObjectPartial, CustomObjectType,
  CustomObjectTypeList, CustomObjectUpdate,
} from '../../../schemas/close/custom-objects.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

export default async function customObjectRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const objects = app.closeStore.customObjects;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/custom_object/', { schema: { querystring: CustomObjectListQuery, response: { 200: CustomObjectList, ...closeErrors } } }, async (req) =>
    trimPage(objects.list(req.closeOrg.id, req.query), req.query._fields));

  app.post('/custom_object/', { schema: { body: CustomObjectCreate, response: { 200: CustomObject, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.customObject, null, () => objects.create(req.closeOrg.id, req.body)));

  app.get('/custom_object/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: CustomObjectPartial, ...closeErrors } } }, async (req) =>
    trimFields(objects.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/custom_object/:id/', { schema: { params: IdParams, body: CustomObjectUpdate, response: { 200: CustomObject, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.customObject, req.params.id, () => objects.update(req.closeOrg.id, req.params.id, req.body)));

  app.delete('/custom_object/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.customObject, req.params.id, () => objects.delete(req.closeOrg.id, req.params.id));
    return {};
  });

  // Real API: custom object types can be created and edited; here: read-only.
  app.get('/custom_object_type/', { schema: { querystring: pageQuery(), response: { 200: CustomObjectTypeList, ...closeErrors } } }, async (req) =>
    trimPage(objects.listTypes(req.closeOrg.id, req.query), req.query._fields));

  app.get('/custom_object_type/:id/', { schema: { params: IdParams, response: { 200: CustomObjectType, ...closeErrors } } }, async (req) =>
    objects.getType(req.closeOrg.id, req.params.id));
}
