import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Org } from '../core/tenants.js';
import { ControlError, controlErrors, NoContent, OrgParams } from '../../schemas/control/common.js';
import { Dataset, OrgCreate, OrgList, OrgListQuery, OrgResponse, type OrgListItemT, type OrgResponseT } from '../../schemas/control/orgs.js';
import { orgClock } from './clock.js';
import { orgRateLimit } from './rate-limit.js';

export function describeOrg(app: FastifyInstance, org: Org): OrgResponseT {
  return { ...app.tenants.record(org), counts: app.tenants.counts(org.id), clock: orgClock(app, org.id), rate_limit: orgRateLimit(app, org.id) };
}

/** As describeOrg, without the row counts. */
function describeOrgBriefly(app: FastifyInstance, org: Org): OrgListItemT {
  return { ...app.tenants.record(org), clock: orgClock(app, org.id), rate_limit: orgRateLimit(app, org.id) };
}

/**
 * Organizations: list, create with a dataset, delete, reset, snapshot and restore. Reset and delete
 * also stop its jobs and clear its outbox (both live in its tables), its journal entries, fault
 * rules, own clock and rate limit (Tenants' forget hooks).
 */
export default async function orgRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const one = { params: OrgParams, response: { 200: OrgResponse, ...controlErrors } };

  // ?counts=false: the dashboard's list, refreshed on every change, loads row counts only when asked.
  app.get('/orgs', { schema: { querystring: OrgListQuery, response: { 200: OrgList, ...controlErrors } } }, async (req) => ({
    data: app.tenants.list().map((org) => (req.query.counts === false ? describeOrgBriefly(app, org) : describeOrg(app, org))),
  }));

  // Datasets have their own limit (DATASET_MAX_BYTES), not Fastify's 1 MiB JSON default nor the CSV
  // upload limit: a body is parsed and schema-checked whole, so this bounds that work. Over it → 413.
  const bodyLimit = app.emulator.options.datasetMaxBytes;

  app.post('/orgs', { bodyLimit, schema: { body: OrgCreate, response: { 201: OrgResponse, 403: ControlError, ...controlErrors } } }, async (req, reply) => {
    const org = app.tenants.create(req.body.credential, req.body.dataset ?? 'seed');
    return reply.status(201).send(describeOrg(app, org));
  });

  app.get('/orgs/:org', { schema: one }, async (req) => describeOrg(app, app.tenants.get(req.params.org)));

  app.delete('/orgs/:org', { schema: { params: OrgParams, response: { 204: NoContent, ...controlErrors } } }, async (req, reply) => {
    app.tenants.delete(app.tenants.get(req.params.org).id);
    return reply.status(204).send(null);
  });

  app.post('/orgs/:org/reset', { schema: one }, async (req) => {
    const org = app.tenants.get(req.params.org);
    app.tenants.reset(org.id);
    return describeOrg(app, app.tenants.get(org.id));
  });

  app.post('/reset', { schema: { response: { 204: NoContent, ...controlErrors } } }, async (_req, reply) => {
    app.tenants.deleteAll();
    const { tickMs, batchSize } = app.emulator.options;
    app.jobs.setTicker({ running: tickMs > 0, tick_ms: tickMs, batch_size: batchSize });
    return reply.status(204).send(null);
  });

  app.get('/orgs/:org/snapshot', { schema: { params: OrgParams, response: { 200: Dataset, ...controlErrors } } }, async (req) =>
    app.tenants.snapshot(app.tenants.get(req.params.org).id));

  app.put('/orgs/:org/snapshot', { bodyLimit, schema: { params: OrgParams, body: Dataset, response: { 200: OrgResponse, ...controlErrors } } }, async (req) => {
    const org = app.tenants.get(req.params.org);
    app.tenants.restore(org.id, req.body);
    return describeOrg(app, app.tenants.get(org.id));
  });
}
