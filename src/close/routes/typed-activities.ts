import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, closeErrors } from '../../../schemas/close/common.js';
import {
  CallCreate, CallList, CallPartial, CallUpdate, MeetingList, MeetingPartial, MeetingUpdate, NoteCreate, NoteList, NotePartial, NoteUpdate,
  SmsCreate, SmsCreateQuery, SmsList, SmsPartial, SmsUpdate, TypedListQuery, FormSubmissionList, FormSubmissionListQuery, FormSubmissionPartial,
  WhatsAppCreate, WhatsAppCreateQuery, type WhatsAppMessageActivityT, WhatsAppList, WhatsAppListQuery, WhatsAppPartial, WhatsAppUpdate,
} from '../../../schemas/close/typed-activities.js';
import { validationError } from '../../core/errors.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';
import type { TypedKind } from '../store/typed-render.js';

/**
 * Notes, calls, meetings, SMS, WhatsApp messages and form submissions: list, get, delete each, update all
 * but form submissions, and create notes, calls, SMS and WhatsApp messages.
 * Real API: meetings come from users' connected calendars and form submissions from Close's web forms
 * (Close publishes no create for either); here: from a dataset (the seed has a few per organization).
 * Static segments win over `/activity/:id/`.
 */
export default async function typedActivityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const typed = app.closeStore.typedActivities;
  const { events, eventKinds: k } = app.closeStore;

  const common = (segment: string, kind: TypedKind, list: typeof NoteList, one: typeof NotePartial, query: typeof TypedListQuery = TypedListQuery) => {
    app.get(`/activity/${segment}/`, { schema: { querystring: query, response: { 200: list, ...closeErrors } } }, async (req) =>
      trimPage(typed.list(req.closeOrg.id, kind, req.query), req.query._fields));
    app.get(`/activity/${segment}/:id/`, { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: one, ...closeErrors } } }, async (req) =>
      trimFields(typed.get(req.closeOrg.id, kind, req.params.id), req.query._fields));
    app.delete(`/activity/${segment}/:id/`, { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
      events.track(req.closeOrg.id, k.activity, req.params.id, () => typed.delete(req.closeOrg.id, kind, req.params.id));
      return {};
    });
  };
  common('note', 'Note', NoteList, NotePartial);
  common('call', 'Call', CallList as unknown as typeof NoteList, CallPartial as unknown as typeof NotePartial);
  common('meeting', 'Meeting', MeetingList as unknown as typeof NoteList, MeetingPartial as unknown as typeof NotePartial);
  common('sms', 'SMS', SmsList as unknown as typeof NoteList, SmsPartial as unknown as typeof NotePartial);
  common('whatsapp_message', 'WhatsAppMessage', WhatsAppList as unknown as typeof NoteList, WhatsAppPartial as unknown as typeof NotePartial,
    WhatsAppListQuery as unknown as typeof TypedListQuery);
  common('form_submission', 'FormSubmission', FormSubmissionList as unknown as typeof NoteList, FormSubmissionPartial as unknown as typeof NotePartial,
    FormSubmissionListQuery as unknown as typeof TypedListQuery);

  app.post('/activity/note/', { schema: { body: NoteCreate, response: { 200: NotePartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, null, () => typed.createNote(req.closeOrg.id, req.closeUserId, req.body)));
  app.put('/activity/note/:id/', { schema: { params: IdParams, body: NoteUpdate, response: { 200: NotePartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, req.params.id, () => typed.updateNote(req.closeOrg.id, req.closeUserId, req.params.id, req.body)));

  app.post('/activity/call/', { schema: { body: CallCreate, response: { 200: CallPartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, null, () => typed.createCall(req.closeOrg.id, req.closeUserId, req.body)));
  app.put('/activity/call/:id/', { schema: { params: IdParams, body: CallUpdate, response: { 200: CallPartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, req.params.id, () => typed.update(req.closeOrg.id, req.closeUserId, 'Call', req.params.id, req.body)));

  app.put('/activity/meeting/:id/', { schema: { params: IdParams, body: MeetingUpdate, response: { 200: MeetingPartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, req.params.id, () => typed.update(req.closeOrg.id, req.closeUserId, 'Meeting', req.params.id, req.body)));

  app.post('/activity/sms/', { schema: { querystring: SmsCreateQuery, body: SmsCreate, response: { 200: SmsPartial, ...closeErrors } } }, async (req) => {
    noInbox(req.query.send_to_inbox);
    return events.track(req.closeOrg.id, k.activity, null, () => typed.createSms(req.closeOrg.id, req.closeUserId, req.body));
  });
  app.put('/activity/sms/:id/', { schema: { params: IdParams, body: SmsUpdate, response: { 200: SmsPartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, req.params.id, () => typed.update(req.closeOrg.id, req.closeUserId, 'SMS', req.params.id, req.body)));

  app.post('/activity/whatsapp_message/', {
    schema: { querystring: WhatsAppCreateQuery, body: WhatsAppCreate, response: { 200: WhatsAppPartial, ...closeErrors } },
  }, async (req) => {
    noInbox(req.query.send_to_inbox);
    return events.track(req.closeOrg.id, k.activity, null, () => typed.createWhatsApp(req.closeOrg.id, req.closeUserId, req.body));
  });
  app.put('/activity/whatsapp_message/:id/', { schema: { params: IdParams, body: WhatsAppUpdate, response: { 200: WhatsAppPartial, ...closeErrors } } }, async (req) =>
    events.track(req.closeOrg.id, k.activity, req.params.id,
      () => typed.update(req.closeOrg.id, req.closeUserId, 'WhatsAppMessage', req.params.id, req.body) as WhatsAppMessageActivityT));
}

/** Real API: send_to_inbox=true puts a received SMS or WhatsApp message in the user's inbox; here: there is no inbox, so it is a 400. */
function noInbox(inbox: string | undefined): void {
  if (inbox !== undefined && inbox !== 'false' && inbox !== '') {
    throw validationError('send_to_inbox: the inbox is not emulated.', { send_to_inbox: 'Not supported by the emulator: leave it out or false.' });
  }
}
