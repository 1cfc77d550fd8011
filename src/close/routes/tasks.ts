import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { TaskBulkQuery, TaskBulkUpdate, TaskCreate, TaskList, TaskListQuery, TaskPartial, TaskUpdate } from '../../../schemas/close/tasks.js';
import { trimFields } from '../fields.js';
import { parseTzOffset } from '../query/index.js';
import { trimPage } from './trim.js';

/** Lead tasks: list (with Close's filters and views), create, bulk update, read, update (completing one), delete. */
export default async function taskRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tasks = app.closeStore.tasks;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/task/', { schema: { querystring: TaskListQuery, response: { 200: TaskList, ...closeErrors } } }, async (req) =>
    trimPage(tasks.list(req.closeOrg.id, req.query, parseTzOffset(req.headers['x-tz-offset'])), req.query._fields));

  app.post('/task/', { schema: { querystring: FieldsQuery, body: TaskCreate, response: { 200: TaskPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.task, null, () => tasks.create(req.closeOrg.id, req.closeUserId, req.body)), req.query._fields));

  // Bulk update: the GET filters pick the tasks, the body sets assigned_to, date and / or is_complete on all of them.
  // Real API: the answer is not documented (Close's OpenAPI: "Empty response body"); here: {}.
  app.put('/task/', { schema: { querystring: TaskBulkQuery, body: TaskBulkUpdate, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    const tz = parseTzOffset(req.headers['x-tz-offset']);
    // Each task it changes gets its own `updated` event.
    events.trackMany(req.closeOrg.id, k.task, () => tasks.list(req.closeOrg.id, { ...req.query, _skip: 0, _limit: Number.MAX_SAFE_INTEGER }, tz).data.map((t) => t.id),
      () => tasks.bulkUpdate(req.closeOrg.id, req.closeUserId, req.query, req.body, tz));
    return {};
  });

  app.get('/task/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: TaskPartial, ...closeErrors } } }, async (req) =>
    trimFields(tasks.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/task/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: TaskUpdate, response: { 200: TaskPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.task, req.params.id, () => tasks.update(req.closeOrg.id, req.closeUserId, req.params.id, req.body)), req.query._fields));

  app.delete('/task/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.task, req.params.id, () => tasks.delete(req.closeOrg.id, req.params.id));
    return {};
  });
}
