import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import { Contact, ContactCreate, ContactList, ContactListQuery, ContactPatch } from '../../../schemas/blueai/contacts.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, ...anyError };

export default async function contactRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const contacts = app.blueai.contacts;

  app.get('/contacts', { schema: { querystring: ContactListQuery, response: { 200: ContactList, ...errors } } }, async (req) =>
    contacts.list(req.org.id, req.query));

  app.post('/contacts', { schema: { body: ContactCreate, response: { 201: Contact, ...errors } } }, async (req, reply) =>
    // Real API: the reference does not show the create status; here: 201 with the contact.
    reply.status(201).send(contacts.create(req.org.id, req.body)));

  app.get('/contacts/:id', { schema: { params: IdParams, response: { 200: Contact, ...errors } } }, async (req) =>
    contacts.get(req.org.id, req.params.id));

  app.patch('/contacts/:id', { schema: { params: IdParams, body: ContactPatch, response: { 200: Contact, ...errors } } }, async (req) =>
    contacts.update(req.org.id, req.params.id, req.body));

  app.delete('/contacts/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    contacts.delete(req.org.id, req.params.id);
    return { success: true as const };
  });
}
