import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { controlErrors, NoContent, OrgParams } from '../../schemas/control/common.js';
import { BlueAIMember, BlueAIMemberCreate, BlueAISessionList, SessionParams } from '../../schemas/control/sessions.js';

/**
 * BlueAI sign-in for tests: a member with a password in a given organization (its e-mail then signs in
 * there, so one organization per test works through sign-in too), the organization's sessions, and
 * revoking one.
 */
export default async function sessionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/orgs/:org/blueai/members', {
    schema: { params: OrgParams, body: BlueAIMemberCreate, response: { 201: BlueAIMember, ...controlErrors } },
  }, async (req, reply) => {
    const org = app.tenants.get(req.params.org);
    return reply.status(201).send(await app.blueaiAuth.createMember(org.id, req.body));
  });

  app.get('/orgs/:org/blueai/sessions', { schema: { params: OrgParams, response: { 200: BlueAISessionList, ...controlErrors } } }, async (req) =>
    ({ data: app.blueaiAuth.sessions(app.tenants.get(req.params.org).id) }));

  app.delete('/orgs/:org/blueai/sessions/:id', { schema: { params: SessionParams, response: { 204: NoContent, ...controlErrors } } }, async (req, reply) => {
    app.blueaiAuth.revoke(app.tenants.get(req.params.org).id, req.params.id);
    return reply.status(204).send(null);
  });
}
