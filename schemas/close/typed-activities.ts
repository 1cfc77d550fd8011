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

export type TypedActivityT = NoteActivityT | CallActivityT | MeetingActivityT | SmsActivityT;

export const NotePartial = Type.Partial(NoteActivity);
export const CallPartial = Type.Partial(CallActivity);
export const MeetingPartial = Type.Partial(MeetingActivity);
export const SmsPartial = Type.Partial(SmsActivity);
export const NoteList = closeList(NotePartial);
export const CallList = closeList(CallPartial);
export const MeetingList = closeList(MeetingPartial);
export const SmsList = closeList(SmsPartial);
/** Every key any of the four answers (for GET /activity/, which mixes them). */
export const TYPED_PROPERTIES = {
  ...NoteActivity.properties, ...CallActivity.properties, ...MeetingActivity.properties, ...SmsActivity.properties,
  duration: Type.Integer(), direction: NS, status: S, note: NS,
};

/** The filters Close documents for each typed list (GET /activity/note/, …/call/, …/meeting/, …/sms/): the email list's. */
export const TYPED_FILTERS = EMAIL_FILTERS;
export const TypedListQuery = listQuery(optionalStrings(TYPED_FILTERS));

/** Creating one: the lead (which must exist), and who, whom and when. */
const Creating = {
  lead_id: Required, contact_id: Opt(S), user_id: Opt(S), created_by_id: Opt(S), organization_id: Opt(S),
  /** As given; the clock's now when omitted or null. */
  date_created: GivenDate,
  activity_at: GivenDate,
};
const Updating = { contact_id: Opt(S), user_id: Opt(S), activity_at: GivenDate };

const noteFields = { note: Opt(S), note_html: Opt(S), title: Opt(S), pinned: Opt(Type.Boolean()) };
// `attachments` is documented; any but none is refused (src/close/refused.ts): files are not emulated.
const Attachments = { attachments: Type.Optional(Nullable(Type.Array(Type.Unknown()))) };
export const NoteCreate = Type.Object({ ...Creating, ...noteFields, ...Attachments });
export type NoteCreateT = Static<typeof NoteCreate>;
// Real API: a note's user cannot be changed (UpdateNoteActivity has no user_id); here: the same.
export const NoteUpdate = Type.Object({ contact_id: Opt(S), activity_at: GivenDate, ...noteFields, ...Attachments });
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

const smsFields = { local_phone: Opt(S), remote_phone: Opt(S), text: Opt(S), ...Attachments };
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
