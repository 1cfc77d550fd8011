import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { ContactCreate, ContactList, ContactListQuery, ContactPartial, ContactUpdate } from '../../../schemas/close/contacts.js';
import { trimFields } from '../fields.js';
import { trimPageWithCustom, trimWithCustom } from '../legacy-custom.js';
import { trimPage } from './trim.js';

export default async function contactRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const contacts = app.closeStore.contacts;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/contact/', { schema: { querystring: ContactListQuery, response: { 200: ContactList, ...closeErrors } } }, async (req) =>
    trimPageWithCustom(app.closeStore.db, req.closeOrg.id, contacts.list(req.closeOrg.id, req.query), req.query._fields));

  // Real API: adding or removing a contact also fires the lead's `updated` (its contact_ids change), editing one does
  // not; here: the same, the lead's changed_fields being every key of its answer that changed (contacts, contact_ids, …).
  app.post('/contact/', { schema: { querystring: FieldsQuery, body: ContactCreate, response: { 200: ContactPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.lead, req.body.lead_id,
      () => events.track(req.closeOrg.id, k.contact, null, () => contacts.create(req.closeOrg.id, req.closeUserId, req.body))), req.query._fields));

  app.get('/contact/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ContactPartial, ...closeErrors } } }, async (req) =>
    trimWithCustom(app.closeStore.db, req.closeOrg.id, contacts.get(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/contact/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: ContactUpdate, response: { 200: ContactPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.contact, req.params.id, () => contacts.update(req.closeOrg.id, req.closeUserId, req.params.id, req.body)), req.query._fields));

  app.delete('/contact/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    const leadId = k.contact.render(req.closeOrg.id, req.params.id)?.['lead_id'];
    const write = () => events.track(req.closeOrg.id, k.contact, req.params.id, () => contacts.delete(req.closeOrg.id, req.params.id));
    if (typeof leadId === 'string') events.track(req.closeOrg.id, k.lead, leadId, write);
    else write();
    return {};
  });
}
