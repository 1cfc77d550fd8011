import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../core/errors.js';
import { controlErrors, IdParams } from '../../schemas/control/common.js';
import { ControlJob, JobFail, JobList, JobListQuery, JobOrgQuery, JobStep, JobWaitQuery, Ticker, TickerUpdate } from '../../schemas/control/jobs.js';

const TERMINAL = ['done', 'error'];
const POLL_MS = 10;

/**
 * Background jobs (Close bulk actions of every kind: edit, delete, email, sequence subscription) without sleeping: list, step tick by tick, run to the end, pause,
 * resume, force an error, long-poll for a status; and the ticker that advances them in the background.
 */
export default async function jobRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const orgId = (ref: string | undefined) => (ref === undefined ? undefined : app.tenants.get(ref).id);
  const one = { params: IdParams, querystring: JobOrgQuery, response: { 200: ControlJob, ...controlErrors } };

  app.get('/jobs', { schema: { querystring: JobListQuery, response: { 200: JobList, ...controlErrors } } }, async (req) => ({
    data: app.jobs.list({ orgId: orgId(req.query.org), status: req.query.status, kind: req.query.kind }),
  }));
  app.get('/jobs/:id', { schema: one }, async (req) => app.jobs.get(req.params.id, orgId(req.query.org)));
  app.post('/jobs/:id/step', { schema: { ...one, body: JobStep } }, async (req) =>
    app.jobs.step(req.params.id, orgId(req.query.org), req.body?.ticks ?? 1));
  app.post('/jobs/:id/run', { schema: one }, async (req) => app.jobs.run(req.params.id, orgId(req.query.org)));
  // Real API: pausing and resuming is Close's PUT /bulk_action/edit/{id}/ with {"status"}; here also by
  // id across organizations, without a credential, and a refused transition is a 409 (not Close's 400).
  app.post('/jobs/:id/pause', { schema: one }, async (req) => app.jobs.pause(req.params.id, orgId(req.query.org)));
  app.post('/jobs/:id/resume', { schema: one }, async (req) => app.jobs.resume(req.params.id, orgId(req.query.org)));
  app.post('/jobs/:id/fail', { schema: { ...one, body: JobFail } }, async (req) =>
    app.jobs.fail(req.params.id, orgId(req.query.org), req.body?.reason ?? 'failed by the control API'));

  // Long poll: answers as soon as the job has the status; 408 with its state on timeout, 409 at once
  // when it ended in another status (it can never get there).
  app.get('/jobs/:id/wait', { schema: { params: IdParams, querystring: JobWaitQuery, response: { 200: ControlJob, ...controlErrors } } }, async (req) => {
    const want = req.query.status ?? 'done';
    const org = orgId(req.query.org);
    const deadline = Date.now() + (req.query.timeout_ms ?? 5000);
    for (;;) {
      const job = app.jobs.get(req.params.id, org);
      if (job.status === want) return job;
      if (TERMINAL.includes(job.status)) {
        throw new ApiError(409, 'CONFLICT', `Bulk ${job.kind.replace('_', ' ')} ${job.id} ended ${job.status} and will never be ${want}`, { state: job });
      }
      if (Date.now() >= deadline || req.raw.destroyed) {
        throw new ApiError(408, 'TIMEOUT', `Bulk ${job.kind.replace('_', ' ')} ${job.id} is still ${job.status}, not ${want}, after ${req.query.timeout_ms ?? 5000} ms`, { state: job });
      }
      await sleep(POLL_MS);
    }
  });

  app.get('/ticker', { schema: { response: { 200: Ticker, ...controlErrors } } }, async () => app.jobs.ticker());
  app.put('/ticker', { schema: { body: TickerUpdate, response: { 200: Ticker, ...controlErrors } } }, async (req) => app.jobs.setTicker(req.body));
}
