import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, closeErrors } from '../../../schemas/close/common.js';
import { DialerList, DialerListQuery, DialerOneQuery, DialerPartial } from '../../../schemas/close/dialers.js';
import { notFound } from '../../core/errors.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** Dialer sessions: read-only (Close's API has no write; the seed and datasets hold them). */
export default async function dialerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const dialers = app.closeStore.dialers;

  app.get('/dialer/', { schema: { querystring: DialerListQuery, response: { 200: DialerList, ...closeErrors } } }, async (req) =>
    trimPage(dialers.list(req.closeOrg.id, req.query), req.query._fields));

  // `organization_id` (Close documents it here too): another organization's session is not found.
  app.get('/dialer/:id/', { schema: { params: IdParams, querystring: DialerOneQuery, response: { 200: DialerPartial, ...closeErrors } } }, async (req) => {
    const org = req.query.organization_id;
    if (org !== undefined && org !== req.closeOrg.id) throw notFound(`Dialer session ${req.params.id} not found.`);
    return trimFields(dialers.get(req.closeOrg.id, req.params.id), req.query._fields);
  });
}
