import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import { Pipeline, PipelineCreate, PipelineList, PipelinePartial, PipelineUpdate } from '../../../schemas/close/pipelines.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

const ListQuery = pageQuery();

/** Pipelines: each holds opportunity statuses; PUT reorders them or moves one in from another pipeline. */
export default async function pipelineRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const pipelines = app.closeStore.pipelines;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/pipeline/', { schema: { querystring: ListQuery, response: { 200: PipelineList, ...closeErrors } } }, async (req) =>
    trimPage(pipelines.list(req.closeOrg.id, req.query), req.query._fields));

  // Real API: 201 per Close's OpenAPI; here: 200, as for every other Close create.
  app.post('/pipeline/', { schema: { body: PipelineCreate, response: { 200: Pipeline, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.pipeline, null, () => pipelines.create(req.closeOrg.id, req.body)));

  // Real API: Close's OpenAPI has no GET for one pipeline; here: one reads it back (an addition).
  app.get('/pipeline/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: PipelinePartial, ...closeErrors } } }, async (req) =>
    trimFields(pipelines.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/pipeline/:id/', { schema: { params: IdParams, body: PipelineUpdate, response: { 200: Pipeline, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.pipeline, req.params.id, () => pipelines.update(req.closeOrg.id, req.params.id, req.body)));

  // A pipeline still holding statuses → 400 {"error": …}. Real API: 204; here: 200 {} as for every Close delete.
  app.delete('/pipeline/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.pipeline, req.params.id, () => pipelines.delete(req.closeOrg.id, req.params.id));
    return {};
  });
}
