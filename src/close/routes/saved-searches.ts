import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  SavedSearch, SavedSearchCreate, SavedSearchList, SavedSearchListQuery, SavedSearchPartial, SavedSearchUpdate,
} from '../../../schemas/close/saved-searches.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** Smart views (saved searches): their query is checked by the s_query compiler when written, and usable as a `saved_search` node. */
export default async function savedSearchRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const views = app.closeStore.savedSearches;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/saved_search/', { schema: { querystring: SavedSearchListQuery, response: { 200: SavedSearchList, ...closeErrors } } }, async (req) =>
    trimPage(views.list(req.closeOrg.id, req.query), req.query._fields));

  app.post('/saved_search/', { schema: { body: SavedSearchCreate, response: { 200: SavedSearch, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.savedSearch, null, () => views.create(req.closeOrg.id, req.closeUserId, req.body)));

  app.get('/saved_search/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: SavedSearchPartial, ...closeErrors } } }, async (req) =>
    trimFields(views.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/saved_search/:id/', { schema: { params: IdParams, body: SavedSearchUpdate, response: { 200: SavedSearch, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.savedSearch, req.params.id, () => views.update(req.closeOrg.id, req.params.id, req.body)));

  app.delete('/saved_search/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.savedSearch, req.params.id, () => views.delete(req.closeOrg.id, req.params.id));
    return {};
  });
}
