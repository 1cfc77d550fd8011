import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BulkEditActionFields, BulkEditCreate, BulkEditList, BulkEditUpdate } from '../../../schemas/close/bulk-edit.js';
import { FieldsQuery, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

export default async function bulkEditRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const edits = () => app.closeStore.bulkEdits;

  app.post('/bulk_action/edit/', { schema: { body: BulkEditCreate, response: { 200: BulkEditActionFields, ...closeErrors } } }, async (req) => {
    const tz = req.headers['x-tz-offset'];
    return edits().create(req.closeOrg.id, req.closeUserId, req.body, Array.isArray(tz) ? tz[0] : tz);
  });

  app.get('/bulk_action/edit/', { schema: { querystring: pageQuery(100, 100), response: { 200: BulkEditList, ...closeErrors } } }, async (req) =>
    trimPage(edits().list(req.closeOrg.id, req.query), req.query._fields));

  app.get('/bulk_action/edit/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: BulkEditActionFields, ...closeErrors } } }, async (req) =>
    trimFields(edits().get(req.closeOrg.id, req.params.id), req.query._fields));

  // Real API: the docs describe pausing and resuming but not the call; here: PUT with {"status": …}.
  app.put('/bulk_action/edit/:id/', { schema: { params: IdParams, body: BulkEditUpdate, response: { 200: BulkEditActionFields, ...closeErrors } } }, async (req) =>
    edits().setStatus(req.closeOrg.id, req.closeUserId, req.params.id, req.body.status));
}
