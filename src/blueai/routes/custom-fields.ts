import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import {
  CustomFieldCreate, CustomFieldList, CustomFieldListQuery, CustomFieldPatch, CustomFieldResponse,
} from '../../../schemas/blueai/custom-fields.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope, ...anyError };

// Custom field definitions. BlueAI wraps them in {"definitions": [...]}, unpaged; the values live on
// each deal, company and contact (`custom_fields`, keyed by definition id).
export default async function customFieldRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const fields = app.blueai.customFields;

  // Real API: resource_type is shown on every call; here: without it, every resource type's definitions.
  app.get('/custom-fields', { schema: { querystring: CustomFieldListQuery, response: { 200: CustomFieldList, ...errors } } }, async (req) =>
    ({ definitions: fields.list(req.org.id, req.query.resource_type) }));

  app.post('/custom-fields', { schema: { body: CustomFieldCreate, response: { 201: CustomFieldResponse, ...errors } } }, async (req, reply) =>
    // Real API: the reference does not show the create status; here: 201, as every create here.
    reply.status(201).send({ definition: fields.create(req.org.id, req.body) }));

  app.patch('/custom-fields/:id', { schema: { params: IdParams, body: CustomFieldPatch, response: { 200: CustomFieldResponse, ...errors } } }, async (req) =>
    ({ definition: fields.update(req.org.id, req.params.id, req.body) }));

  app.delete('/custom-fields/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    fields.delete(req.org.id, req.params.id);
    return { success: true as const };
  });
}
