import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Org } from '../core/tenants.js';
import { ApiError } from '../core/errors.js';
import { imageId } from '../core/org-images.js';
import { FORMAT, FORMAT_HEADER, SCHEMA_HEADER, SQLITE_TYPE, schemaVersion } from '../core/org-binary.js';
import { MIGRATIONS } from '../migrations.js';
import type { DatasetT } from '../../schemas/seed.js';
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

  // Snapshots: the JSON dataset (public, diffable; with an ETag naming it), or with Accept:
  // application/vnd.sqlite3 the organization's database image (src/core/org-binary.ts).
  const snapshotAnswer = { content: { 'application/json': { schema: Dataset }, [SQLITE_TYPE]: { schema: Type.String({ format: 'binary', description: 'The organization\'s database image' }) } } };
  app.get('/orgs/:org/snapshot', { schema: { params: OrgParams, response: { 200: snapshotAnswer, ...controlErrors } } }, async (req, reply) => {
    const org = app.tenants.get(req.params.org);
    if ((req.headers.accept ?? '').toLowerCase().includes(SQLITE_TYPE)) {
      return reply.type(SQLITE_TYPE).header(FORMAT_HEADER, FORMAT).header(SCHEMA_HEADER, schemaVersion(MIGRATIONS))
        .send(app.tenants.serialize(org.id) as never);
    }
    // The ETag is the hash of the text answered: what a restore of that text, parsed, hashes to.
    const text = reply.serializeInput(app.tenants.snapshot(org.id), '200', 'application/json') as string;
    return reply.header('etag', `"${imageId(text)}"`).type('application/json; charset=utf-8').send(text as never);
  });

  // The image arrives whole as a Buffer (at most DATASET_MAX_BYTES), checked before anything changes.
  app.addContentTypeParser(SQLITE_TYPE, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
  const restoreBody = { content: { 'application/json': { schema: Dataset }, [SQLITE_TYPE]: { schema: Type.Any({ description: 'A database image from GET …/snapshot with Accept: application/vnd.sqlite3' }) } } };
  app.put('/orgs/:org/snapshot', { bodyLimit, schema: { params: OrgParams, body: restoreBody, response: { 200: OrgResponse, 412: ControlError, ...controlErrors } } }, async (req) => {
    const org = app.tenants.get(req.params.org);
    const body = req.body as unknown;
    if (Buffer.isBuffer(body)) {
      const format = req.headers[FORMAT_HEADER];
      app.tenants.restoreImage(org.id, body, Array.isArray(format) ? format.join(',') : format);
    } else {
      app.tenants.restore(org.id, body as DatasetT, ifMatch(req.headers['if-match']));
    }
    return describeOrg(app, app.tenants.get(org.id));
  });
}

/** The one ETag of an If-Match header (`"…"`, weak or not); anything else is a 400 naming it. */
function ifMatch(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"([0-9a-f]{64})"\s*$/.exec(header);
  if (!m) throw new ApiError(400, 'VALIDATION_ERROR', 'If-Match: one ETag of a snapshot answer ("<64 hex digits>").', { field: 'If-Match' });
  return m[1];
}
