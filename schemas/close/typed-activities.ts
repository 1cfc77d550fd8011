import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';
import { closeList } from './common.js';
import { EMAIL_FILTERS } from './emails.js';
import { GivenDate, listQuery, optionalStrings, Required, S } from './objects.js';

// Notes, calls, meetings and SMS: the activities a user logs, each with Close's own fields
// (CallActivity, SMSActivity, ActivityBase and their Create/Update bodies in Close's OpenAPI).

const NS = Nullable(S);
const NI = Nullable(Type.Integer());
const Opt = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

export const PHONE_DIRECTIONS = ['inbound', 'outbound'] as const;
export const PHONE_SOURCES = ['Close.io', 'External'] as const;
export const CALL_STATUSES = ['created', 'in-progress', 'completed', 'cancel', 'no-answer', 'busy', 'failed', 'timeout'] as const;
export const SMS_STATUSES = ['inbox', 'draft', 'scheduled', 'outbox', 'sent', 'error'] as const;
/** Close's meeting statuses (its webhooks: scheduled, started, completed, canceled). */
export const MEETING_STATUSES = ['upcoming', 'in-progress', 'completed', 'canceled', 'declined-by-lead', 'declined-by-org'] as const;

/** Close's ActivityBase: what every activity answers. */
const Base = {
  id: S, _type: S, organization_id: S, lead_id: NS, contact_id: NS, user_id: NS, user_name: NS, users: Type.Array(S),
  created_by: NS, created_by_name: NS, updated_by: NS, updated_by_name: NS, activity_at: NS, date_created: S, date_updated: S,
};
const Phones = {
  local_phone: NS, remote_phone: NS, local_phone_formatted: NS, remote_phone_formatted: NS, local_country_iso: NS, remote_country_iso: NS,
};
const Sequence = { sequence_id: NS, sequence_name: NS, sequence_subscription_id: NS };

export const NoteActivity = Type.Object({
  ...Base, note: NS, note_html: NS, title: NS, pinned: Type.Boolean(), attachments: Type.Array(Type.Unknown()),
});
export type NoteActivityT = Static<typeof NoteActivity>;

export const CallActivity = Type.Object({
  ...Base, ...Phones, ...Sequence, direction: NS, duration: Type.Integer(), phone: NS, disposition: NS, status: S, source: S,
  note: NS, note_html: NS, recording_url: NS, voicemail_url: NS, voicemail_duration: NI, outcome_id: NS, cost: NS,
});
export type CallActivityT = Static<typeof CallActivity>;

export const MeetingAttendee = Type.Object({
  email: NS, name: NS, status: NS, contact_id: NS, user_id: NS, is_organizer: Type.Boolean(),
});
export const MeetingActivity = Type.Object({
  ...Base, title: NS, starts_at: NS, ends_at: NS, duration: Type.Integer(), attendees: Type.Array(MeetingAttendee), location: NS, note: NS,
  status: S, source: S, outcome_id: NS, is_recurring: Type.Boolean(),
});
export type MeetingActivityT = Static<typeof MeetingActivity>;

export const SmsActivity = Type.Object({
  ...Base, ...Phones, ...Sequence, direction: NS, status: S, text: NS, date_sent: NS, date_scheduled: NS, template_id: NS, source: S,
  cost: NS, error_message: NS, attachments: Type.Array(Type.Unknown()), agent_config_id: NS, agent_action_reason: NS,
});
export type SmsActivityT = Static<typeof SmsActivity>;

/** Close's CommunicationDirection: a WhatsApp message's (calls and SMS say inbound/outbound). */
export const WHATSAPP_DIRECTIONS = ['incoming', 'outgoing'] as const;

export const WhatsAppMessageActivity = Type.Object({
  ...Base, ...Sequence, external_whatsapp_message_id: S, direction: S, message_markdown: S, message_html: S, text: S,
  local_phone: S, remote_phone: S, local_phone_formatted: S, remote_phone_formatted: S, integration_link: NS, integration_name: NS,
  response_to_id: NS, source: S, attachments: Type.Array(Type.Unknown()),
});
export type WhatsAppMessageActivityT = Static<typeof WhatsAppMessageActivity>;

/** A form field's answer: text, a checkbox, or nothing. */
export const FormValues = Type.Record(S, Type.Union([S, Type.Boolean(), Type.Null()]));
export const FormSubmissionActivity = Type.Object({
  ...Base, form_id: S, form_configuration_id: S, form_name: NS, ip_address: NS, origin: NS, source_url: NS, source_url_normalized: NS,
  values: FormValues, values_by_name: FormValues,
});
export type FormSubmissionActivityT = Static<typeof FormSubmissionActivity>;

export type TypedActivityT = NoteActivityT | CallActivityT | MeetingActivityT | SmsActivityT | WhatsAppMessageActivityT | FormSubmissionActivityT;

export const NotePartial = Type.Partial(NoteActivity);
export const CallPartial = Type.Partial(CallActivity);
export const MeetingPartial = Type.Partial(MeetingActivity);
export const SmsPartial = Type.Partial(SmsActivity);
export const NoteList = closeList(NotePartial);
export const CallList = closeList(CallPartial);
export const MeetingList = closeList(MeetingPartial);
export const SmsList = closeList(SmsPartial);
export const WhatsAppPartial = Type.Partial(WhatsAppMessageActivity);
export const FormSubmissionPartial = Type.Partial(FormSubmissionActivity);
export const WhatsAppList = closeList(WhatsAppPartial);
export const FormSubmissionList = closeList(FormSubmissionPartial);
/** Every key any of them answers (for GET /activity/, which mixes them). */
export const TYPED_PROPERTIES = {
  ...NoteActivity.properties, ...CallActivity.properties, ...MeetingActivity.properties, ...SmsActivity.properties,
  ...WhatsAppMessageActivity.properties, ...FormSubmissionActivity.properties,
  duration: Type.Integer(), direction: NS, status: S, note: NS, local_phone: NS, remote_phone: NS, local_phone_formatted: NS,
  remote_phone_formatted: NS, text: NS,
};

/** The filters Close documents for each typed list (GET /activity/note/, …/call/, …/meeting/, …/sms/): the email list's. */
export const TYPED_FILTERS = EMAIL_FILTERS;
export const TypedListQuery = listQuery(optionalStrings(TYPED_FILTERS));
/** GET /activity/whatsapp_message/: the same, and the id the message has in WhatsApp. */
export const WHATSAPP_FILTERS = [...TYPED_FILTERS, 'external_whatsapp_message_id'] as const;
export const WhatsAppListQuery = listQuery(optionalStrings(WHATSAPP_FILTERS));
/** GET /activity/form_submission/: the same, the `__in` forms, and the form(s). */
export const FORM_SUBMISSION_FILTERS = [
  ...TYPED_FILTERS, 'lead_id__in', 'user_id__in', 'contact_id__in', '_type__in', 'form_id', 'form_id__in',
] as const;
export const FormSubmissionListQuery = listQuery(optionalStrings(FORM_SUBMISSION_FILTERS));

/** Creating one: the lead (which must exist), and who, whom and when. */
const Creating = {
  lead_id: Required, contact_id: Opt(S), user_id: Opt(S), created_by_id: Opt(S), organization_id: Opt(S),
  /** As given; the clock's now when omitted or null. */
  date_created: GivenDate,
  activity_at: GivenDate,
};
const Updating = { contact_id: Opt(S), user_id: Opt(S), activity_at: GivenDate };

const noteFields = { note: Opt(S), note_html: Opt(S), title: Opt(S), pinned: Opt(Type.Boolean()) };
// `attachments` is documented on notes, SMS and WhatsApp messages; any but none is refused before the
// body is validated (src/close/refused.ts): files are not emulated.
export const NoteCreate = Type.Object({ ...Creating, ...noteFields });
export type NoteCreateT = Static<typeof NoteCreate>;
// Real API: a note's user cannot be changed (UpdateNoteActivity has no user_id); here: the same.
export const NoteUpdate = Type.Object({ contact_id: Opt(S), activity_at: GivenDate, ...noteFields });
export type NoteUpdateT = Static<typeof NoteUpdate>;

const callFields = {
  duration: Opt(Type.Integer({ minimum: 0 })), note: Opt(S), note_html: Opt(S), phone: Opt(S), recording_url: Opt(S), voicemail_url: Opt(S),
  status: Type.Optional(stringEnum(CALL_STATUSES)),
};
export const CallCreate = Type.Object({
  ...Creating, ...callFields, direction: Type.Optional(stringEnum(PHONE_DIRECTIONS)), source: Type.Optional(stringEnum(PHONE_SOURCES)),
});
export type CallCreateT = Static<typeof CallCreate>;
export const CallUpdate = Type.Object({ lead_id: Type.Optional(Required), ...Updating, ...callFields });
export type CallUpdateT = Static<typeof CallUpdate>;

const smsFields = { local_phone: Opt(S), remote_phone: Opt(S), text: Opt(S) };
export const SmsCreate = Type.Object({
  ...Creating, ...smsFields, status: stringEnum(SMS_STATUSES),
  direction: Type.Optional(stringEnum(PHONE_DIRECTIONS)), source: Type.Optional(stringEnum(PHONE_SOURCES)),
});
export type SmsCreateT = Static<typeof SmsCreate>;
export const SmsUpdate = Type.Object({ lead_id: Type.Optional(Required), ...Updating, ...smsFields, status: Type.Optional(stringEnum(SMS_STATUSES)) });
export type SmsUpdateT = Static<typeof SmsUpdate>;
/** POST /activity/sms/ `send_to_inbox`: Real API: a notification in the user's inbox; here: `true` is a 400 naming it. */
export const SmsCreateQuery = Type.Object({ send_to_inbox: Type.Optional(S) });

/** Real API: the update body is not documented ("Any type"); here: these fields. */
export const MeetingUpdate = Type.Object({
  ...Updating, title: Opt(S), note: Opt(S), location: Opt(S), starts_at: GivenDate, ends_at: GivenDate,
  status: Type.Optional(stringEnum(MEETING_STATUSES)),
});
export type MeetingUpdateT = Static<typeof MeetingUpdate>;

/**
 * Close's CreateWhatsAppMessage: every field it marks required is required here too (a 400 naming it).
 * `attachments` is refused unless empty (src/close/refused.ts): files are not emulated.
 */
const whatsAppFields = {
  direction: stringEnum(WHATSAPP_DIRECTIONS), local_phone: Required, remote_phone: Required, message_markdown: S,
  integration_link: Opt(S), response_to_id: Opt(S),
};
export const WhatsAppCreate = Type.Object({
  lead_id: Required, contact_id: Required, user_id: Opt(S), activity_at: Type.String({ minLength: 1 }), external_whatsapp_message_id: Required,
  ...whatsAppFields,
});
export type WhatsAppCreateT = Static<typeof WhatsAppCreate>;
export const WhatsAppUpdate = Type.Partial(Type.Object({
  contact_id: Required, user_id: S, activity_at: Type.String({ minLength: 1 }), ...whatsAppFields,
}));
export type WhatsAppUpdateT = Static<typeof WhatsAppUpdate>;
/** POST /activity/whatsapp_message/ `send_to_inbox`, as on POST /activity/sms/. */
export const WhatsAppCreateQuery = SmsCreateQuery;
