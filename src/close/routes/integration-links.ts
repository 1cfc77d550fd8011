import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import {
  IntegrationLink, IntegrationLinkCreate, IntegrationLinkList, IntegrationLinkPartial, IntegrationLinkUpdate,
} from '../../../schemas/close/integration-links.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

const ListQuery = pageQuery();

/** Integration links. Real API: no events in Close's event list; here: none. */
export default async function integrationLinkRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const links = app.closeStore.integrationLinks;

  app.get('/integration_link/', { schema: { querystring: ListQuery, response: { 200: IntegrationLinkList, ...closeErrors } } }, async (req) =>
    trimPage(links.list(req.closeOrg.id, req.query), req.query._fields));

  app.post('/integration_link/', { schema: { body: IntegrationLinkCreate, response: { 200: IntegrationLink, ...closeErrors } } }, async (req) =>
    links.create(req.closeOrg.id, req.closeUserId, req.body));

  app.get('/integration_link/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: IntegrationLinkPartial, ...closeErrors } } }, async (req) =>
    trimFields(links.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/integration_link/:id/', { schema: { params: IdParams, body: IntegrationLinkUpdate, response: { 200: IntegrationLink, ...closeErrors } } }, async (req) =>
    links.update(req.closeOrg.id, req.closeUserId, req.params.id, req.body));

  app.delete('/integration_link/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    links.delete(req.closeOrg.id, req.params.id);
    return {};
  });
}
