import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorEnvelope, anyError } from '../../../schemas/blueai/common.js';
import { Forecast, ForecastQuery, OwnerPerformance, PipelineSummary, PipelineSummaryQuery } from '../../../schemas/blueai/reports.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, ...anyError };

/** Reports computed from the organization's deals at the time of the request, each in {"data": [...]}. */
export default async function reportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const reports = app.blueai.reports;

  app.get('/reports/pipeline-summary', { schema: { querystring: PipelineSummaryQuery, response: { 200: PipelineSummary, ...errors } } }, async (req) =>
    reports.pipelineSummary(req.org.id, req.query.pipeline_id));

  app.get('/reports/forecast', { schema: { querystring: ForecastQuery, response: { 200: Forecast, ...errors } } }, async (req) =>
    reports.forecast(req.org.id, req.query.from, req.query.to));

  // Real API: the reference does not show this body; here: one row per member of the organization.
  app.get('/reports/owner-performance', { schema: { response: { 200: OwnerPerformance, ...errors } } }, async (req) =>
    reports.ownerPerformance(req.org.id));
}
