import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import { Pipeline, PipelineCreate, PipelineList, PipelinePatch } from '../../../schemas/blueai/pipelines.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, 409: ErrorEnvelope, ...anyError };

export default async function pipelineRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const pipelines = app.blueai.pipelines;

  // BlueAI wraps pipelines in {"pipelines": [...]}, unpaged, unlike its other lists.
  app.get('/pipelines', { schema: { response: { 200: PipelineList, ...errors } } }, async (req) =>
    ({ pipelines: pipelines.list(req.org.id) }));

  app.post('/pipelines', { schema: { body: PipelineCreate, response: { 201: Pipeline, ...errors } } }, async (req, reply) =>
    // Real API: the reference does not show the create status; here: 201 with the pipeline.
    reply.status(201).send(pipelines.create(req.org.id, req.body)));

  app.get('/pipelines/:id', { schema: { params: IdParams, response: { 200: Pipeline, ...errors } } }, async (req) =>
    pipelines.get(req.org.id, req.params.id));

  app.patch('/pipelines/:id', { schema: { params: IdParams, body: PipelinePatch, response: { 200: Pipeline, ...errors } } }, async (req) =>
    pipelines.update(req.org.id, req.params.id, req.body));

  app.delete('/pipelines/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    pipelines.delete(req.org.id, req.params.id);
    return { success: true as const };
  });
}
