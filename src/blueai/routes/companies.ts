import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import { Company, CompanyCreate, CompanyList, CompanyListQuery, CompanyPatch } from '../../../schemas/blueai/companies.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, ...anyError };

export default async function companyRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const companies = app.blueai.companies;

  app.get('/companies', { schema: { querystring: CompanyListQuery, response: { 200: CompanyList, ...errors } } }, async (req) =>
    companies.list(req.org.id, req.query));

  app.post('/companies', { schema: { body: CompanyCreate, response: { 201: Company, ...errors } } }, async (req, reply) =>
    // Real API: the reference does not show the create status; here: 201 with the company.
    reply.status(201).send(companies.create(req.org.id, req.body)));

  app.get('/companies/:id', { schema: { params: IdParams, response: { 200: Company, ...errors } } }, async (req) =>
    companies.get(req.org.id, req.params.id));

  app.patch('/companies/:id', { schema: { params: IdParams, body: CompanyPatch, response: { 200: Company, ...errors } } }, async (req) =>
    companies.update(req.org.id, req.params.id, req.body));

  app.delete('/companies/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    companies.delete(req.org.id, req.params.id);
    return { success: true as const };
  });
}
