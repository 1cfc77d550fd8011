import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, IdParams, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import { Role, RoleCreate, RoleList, RoleUpdate } from '../../../schemas/close/roles.js';
import { trimPage } from './trim.js';

/**
 * Roles: the predefined ones and the organization's own. Real API: roles have no events in Close's event
 * list; here: none either. POST answers 201 per Close's OpenAPI; here: 200, as every other Close create.
 */
export default async function roleRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const roles = app.closeStore.roles;

  // Real API: no list parameters documented, but Close's own scripts page every list with _skip
  // (clone_organization.py's get_all_items('role')); here: _skip, _limit and _fields as on every Close list.
  app.get('/role/', { schema: { querystring: pageQuery(), response: { 200: RoleList, ...closeErrors } } }, async (req) => {
    const all = roles.list(req.closeOrg.id);
    const page = all.slice(req.query._skip, req.query._skip + req.query._limit);
    return trimPage({ data: page, has_more: all.length > req.query._skip + req.query._limit }, req.query._fields);
  });

  app.post('/role/', { schema: { body: RoleCreate, response: { 200: Role, ...closeErrors } } }, async (req) =>
    roles.create(req.closeOrg.id, req.body));

  app.get('/role/:id/', { schema: { params: IdParams, response: { 200: Role, ...closeErrors } } }, async (req) => roles.get(req.closeOrg.id, req.params.id));

  app.put('/role/:id/', { schema: { params: IdParams, body: RoleUpdate, response: { 200: Role, ...closeErrors } } }, async (req) =>
    roles.update(req.closeOrg.id, req.params.id, req.body));

  app.delete('/role/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    roles.delete(req.closeOrg.id, req.params.id);
    return {};
  });
}
