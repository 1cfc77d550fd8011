import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, controlErrors } from '../../schemas/control/common.js';
import { FaultList, FaultRule, FaultRuleInput } from '../../schemas/control/faults.js';
import { notFound } from '../core/errors.js';
import { orgIdOf } from './filters.js';

/** Fault injection rules for the vendor APIs; the control API itself is never affected. */
export default async function faultRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/faults', { schema: { response: { 200: FaultList, ...controlErrors } } }, async () => ({ data: app.faults.list() }));

  app.post('/faults', { schema: { body: FaultRuleInput, response: { 201: FaultRule, ...controlErrors } } }, async (req, reply) => {
    const { org, ...rule } = req.body;
    const created = app.faults.create({ ...rule, ...(org === undefined ? {} : { orgId: orgIdOf(app, org) }) });
    return reply.status(201).send(created);
  });

  app.delete('/faults/:id', { schema: { params: IdParams, response: { 204: { type: 'null' }, ...controlErrors } } }, async (req, reply) => {
    if (!app.faults.delete(req.params.id)) throw notFound(`No fault rule ${req.params.id}`);
    return reply.status(204).send();
  });

  app.delete('/faults', { schema: { response: { 204: { type: 'null' }, ...controlErrors } } }, async (_req, reply) => {
    app.faults.clear();
    return reply.status(204).send();
  });
}
