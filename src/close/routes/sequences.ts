import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  ConnectedAccountList, ConnectedAccountListQuery, ConnectedAccountPartial, SequenceCreate, SequenceList, SequenceListQuery,
  SequenceOneQuery, SequencePartial, SequenceUpdate, SubscriptionCreate, SubscriptionList, SubscriptionListQuery, SubscriptionPartial,
  SubscriptionUpdate,
} from '../../../schemas/close/sequences.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** Connected accounts (read-only), sequences, and contacts' subscriptions to them. */
export default async function sequenceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const store = app.closeStore.sequences;
  const { events, eventKinds: k } = app.closeStore;

  // Real API: accounts are connected in Close's app (OAuth or IMAP / SMTP), never through the API; here: they
  // come from the dataset, and the API only reads them.
  app.get('/connected_account/', { schema: { querystring: ConnectedAccountListQuery, response: { 200: ConnectedAccountList, ...closeErrors } } }, async (req) =>
    trimPage(store.listAccounts(req.closeOrg.id, req.query), req.query._fields));

  app.get('/connected_account/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: ConnectedAccountPartial, ...closeErrors } } }, async (req) =>
    trimFields(store.getAccount(req.closeOrg.id, req.params.id), req.query._fields));

  app.get('/sequence/', { schema: { querystring: SequenceListQuery, response: { 200: SequenceList, ...closeErrors } } }, async (req) =>
    trimPage(store.listSequences(req.closeOrg.id, req.query), req.query._fields));

  app.post('/sequence/', { schema: { querystring: FieldsQuery, body: SequenceCreate, response: { 200: SequencePartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.sequence, null, () => store.createSequence(req.closeOrg.id, req.closeUserId, req.body)), req.query._fields));

  app.get('/sequence/:id/', { schema: { params: IdParams, querystring: SequenceOneQuery, response: { 200: SequencePartial, ...closeErrors } } }, async (req) =>
    trimFields(store.getSequence(req.closeOrg.id, req.params.id, req.query), req.query._fields));

  app.put('/sequence/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: SequenceUpdate, response: { 200: SequencePartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.sequence, req.params.id, () => store.updateSequence(req.closeOrg.id, req.closeUserId, req.params.id, req.body)), req.query._fields));

  app.delete('/sequence/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    events.track(req.closeOrg.id, k.sequence, req.params.id, () => store.deleteSequence(req.closeOrg.id, req.params.id));
    return {};
  });

  app.get('/sequence_subscription/', { schema: { querystring: SubscriptionListQuery, response: { 200: SubscriptionList, ...closeErrors } } }, async (req) =>
    trimPage(store.listSubscriptions(req.closeOrg.id, req.query), req.query._fields));

  // Real API: 201 Created; here: the same.
  app.post('/sequence_subscription/', { schema: { querystring: FieldsQuery, body: SubscriptionCreate, response: { 201: SubscriptionPartial, ...closeErrors } } },
    async (req, reply) => reply.code(201).send(trimFields(events.track(req.closeOrg.id, k.subscription, null, () => store.createSubscription(req.closeOrg.id, req.closeUserId, req.body)), req.query._fields)));

  app.get('/sequence_subscription/:id/', { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: SubscriptionPartial, ...closeErrors } } }, async (req) =>
    trimFields(store.getSubscription(req.closeOrg.id, req.params.id), req.query._fields));

  app.put('/sequence_subscription/:id/', { schema: { params: IdParams, querystring: FieldsQuery, body: SubscriptionUpdate, response: { 200: SubscriptionPartial, ...closeErrors } } }, async (req) =>
    trimFields(events.track(req.closeOrg.id, k.subscription, req.params.id, () => store.updateSubscription(req.closeOrg.id, req.closeUserId, req.params.id, req.body)), req.query._fields));
}
