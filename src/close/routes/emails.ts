import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  EmailActivityList, EmailActivityPartial, EmailAddressParams, EmailListQuery, EmailTemplateCreate, EmailTemplateGetQuery, EmailTemplateList,
  EmailTemplateListQuery, EmailTemplatePartial, EmailTemplateUpdate, RenderQuery, Rendered, UnsubscribeCreate, Unsubscribed, UnsubscribedList,
  UnsubscribedListQuery,
} from '../../../schemas/close/emails.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** Email templates (and rendering one for a lead), email activities, unsubscribed addresses. */
export default async function emailRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const emails = app.closeStore.emails;
  const { events, eventKinds: k } = app.closeStore;

  app.get('/email_template/', { schema: { querystring: EmailTemplateListQuery, response: { 200: EmailTemplateList, ...closeErrors } } }, async (req) =>
    trimPage(emails.listTemplates(req.closeOrg.id, req.query), req.query._fields));

  app.post('/email_template/', { schema: { querystring: FieldsQuery, body: EmailTemplateCreate, response: { 200: EmailTemplatePartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.emailTemplate, null, () => emails.createTemplate(req.closeOrg.id, req.closeUserId, req.body)), req.query._fields));

  app.get('/email_template/:id/', { schema: { params: IdParams, querystring: EmailTemplateGetQuery, response: { 200: EmailTemplatePartial, ...closeErrors } } }, async (req) =>
    trimFields(emails.getTemplate(req.closeOrg.id, req.params.id, req.query), req.query._fields));

  app.put('/email_template/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: EmailTemplateUpdate, response: { 200: EmailTemplatePartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.emailTemplate, req.params.id, () => emails.updateTemplate(req.closeOrg.id, req.closeUserId, req.params.id, req.body)), req.query._fields));

  app.delete('/email_template/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.emailTemplate, req.params.id, () => emails.deleteTemplate(req.closeOrg.id, req.params.id));
    return {};
  });

  app.get('/email_template/:id/render/', { schema: { params: IdParams, querystring: RenderQuery, response: { 200: Rendered, ...closeErrors } } }, async (req) =>
    emails.renderQuery(req.closeOrg.id, req.closeUserId, req.params.id, req.query));

  app.get('/activity/email/', { schema: { querystring: EmailListQuery, response: { 200: EmailActivityList, ...closeErrors } } }, async (req) =>
    trimPage(emails.listEmails(req.closeOrg.id, req.query), req.query._fields));

  app.get('/activity/email/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: EmailActivityPartial, ...closeErrors } } }, async (req) =>
    trimFields(emails.getEmail(req.closeOrg.id, req.params.id), req.query._fields));

  app.delete('/activity/email/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.activity, req.params.id, () => app.closeStore.emailThreads.deleteEmail(req.closeOrg.id, req.params.id));
    return {};
  });

  app.get('/unsubscribe/email/', { schema: { querystring: UnsubscribedListQuery, response: { 200: UnsubscribedList, ...closeErrors } } }, async (req) =>
    trimPage(emails.listUnsubscribed(req.closeOrg.id, req.query), req.query._fields));

  // Real API: answers 201; here: the same, with the address (lowercased) and when it was unsubscribed.
  app.post('/unsubscribe/email/', { schema: { body: UnsubscribeCreate, response: { 201: Unsubscribed, ...closeErrors } } }, async (req, reply) => {
    reply.code(201);
    return events.track(req.closeOrg.id, k.unsubscribed, req.body.email.trim().toLowerCase(), () => emails.unsubscribe(req.closeOrg.id, req.body.email));
  });

  app.delete('/unsubscribe/email/:email_address/', { schema: { params: EmailAddressParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.unsubscribed, req.params.email_address.trim().toLowerCase(), () => emails.resubscribe(req.closeOrg.id, req.params.email_address));
    return {};
  });
}
