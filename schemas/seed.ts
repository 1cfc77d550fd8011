import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { stringEnum } from './blueai/common.js';
import { ACTIVITY_TYPES } from './blueai/activities.js';
import { TAG_RESOURCE_TYPES } from './blueai/tags.js';
import { FIELD_TYPES as BLUEAI_FIELD_TYPES, RESOURCE_TYPES } from './blueai/custom-fields.js';
import { BULK_STATUSES } from './close/bulk-edit.js';
import { BULK_KINDS } from './close/bulk-actions.js';
import { ASSOCIATION_TYPES, FIELD_OBJECT_TYPES, FIELD_TYPES } from './close/custom-fields.js';
import { LeadAddress } from './close/leads.js';
import { WEBHOOK_STATUSES, WebhookEvent } from './close/webhooks.js';
import { ACCOUNT_TYPES, SEQUENCE_STATUSES, SUBSCRIPTION_STATUSES, Schedule, Step } from './close/sequences.js';
import { SAVED_SEARCH_TYPES } from './close/saved-searches.js';
import { VISIBILITY_BEHAVIORS } from './close/roles.js';
import { DIALER_SOURCE_TYPES, DIALER_STATUSES, DIALER_TYPES } from './close/dialers.js';
import { INTEGRATION_LINK_TYPES } from './close/integration-links.js';
import {
  CALL_STATUSES, MEETING_STATUSES, MeetingAttendee, PHONE_DIRECTIONS, PHONE_SOURCES, SMS_STATUSES, WHATSAPP_DIRECTIONS, FormValues,
} from './close/typed-activities.js';

// The seed file format (seed/default.json). One file holds the credentials the seed declares and
// each vendor's dataset; every new organization gets a copy. The same format is an organization's
// snapshot (GET/PUT /_mock/orgs/{org}/snapshot), so the optional keys below carry what the API can
// change after seeding (who updated what, bulk edits) for a byte-identical restore.

const S = Type.String();
const NS = Nullable(Type.String());
const NI = Nullable(Type.Integer());

export const SeedMember = Type.Object({
  id: S, name: S, email: S, role: S, created_at: S,
  /** Better Auth's scrypt format `<salt hex>:<key hex>`; absent: the member cannot sign in. Never a password in clear. */
  password_hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}:[0-9a-f]{128}$' })),
});
/** A sign-in session; the token itself is never stored, only its SHA-256. */
export const SeedSession = Type.Object({
  id: S, token_hash: Type.String({ pattern: '^[0-9a-f]{64}$' }), member_id: S, created_at: S, expires_at: S,
});
export const SeedStage = Type.Object({ slug: Type.String({ minLength: 1 }), name: S });
export const SeedPipeline = Type.Object({
  id: S, name: S, is_default: Type.Boolean(), sort_order: Type.Integer(), created_at: S, updated_at: S,
  stages: Type.Array(SeedStage, { minItems: 1 }),
});
/** A record's custom field values by definition id; absent = none (checked against the definitions). */
const SeedCustomValues = Type.Record(Type.String(), Type.Unknown());
export const SeedCustomFieldDefinition = Type.Object({
  id: S, resource_type: stringEnum(RESOURCE_TYPES), name: Type.String({ minLength: 1 }), field_type: stringEnum(BLUEAI_FIELD_TYPES),
  options_json: NS, is_required: Type.Boolean(), sort_order: Type.Integer(), created_at: S, updated_at: S,
});
export const SeedCompany = Type.Object({
  id: S, name: S, name_kana: NS, department: NS, industry: NS, employee_count: NI, website: NS,
  postal_code: NS, address: NS, phone: NS, email: NS, note: NS, created_at: S, updated_at: S, custom_fields: Type.Optional(SeedCustomValues),
});
export const SeedContact = Type.Object({
  id: S, first_name: NS, last_name: Type.String({ minLength: 1 }), email: NS, phone: NS, position: NS,
  company_id: NS, note: NS, created_at: S, updated_at: S, custom_fields: Type.Optional(SeedCustomValues),
});
export const SeedDeal = Type.Object({
  id: S, name: S, amount: NI, stage: S, pipeline_id: S, company_id: NS, contact_id: NS,
  assigned_member_id: NS, expected_close_date: NS, probability: NI, lost_reason: NS, won_date: NS,
  currency: S, created_at: S, updated_at: S, custom_fields: Type.Optional(SeedCustomValues),
});
/** An activity on a deal or a contact (or both), as the API shows it. */
export const SeedActivity = Type.Object({
  id: S, type: stringEnum(ACTIVITY_TYPES), content: S, deal_id: NS, contact_id: NS, created_by: NS, created_at: S,
});
/** An activity as datasets written before activities followed BlueAI's reference have it: on a deal,
 * `subject` and `body` (content: the subject, a newline, the body), `member_id` (created_by); a type
 * other than note, call, email or meeting (`stage_change`) becomes a note. */
export const LegacySeedActivity = Type.Object({
  id: S, deal_id: S, type: S, subject: S, body: NS, member_id: NS, created_at: S,
});
export const SeedTag = Type.Object({ id: S, name: Type.String({ minLength: 1 }), color: S, created_at: S, updated_at: S });
export const SeedTagAssignment = Type.Object({
  id: S, tag_id: S, resource_type: stringEnum(TAG_RESOURCE_TYPES), resource_id: S, created_at: S,
});

export const BlueAISeed = Type.Object({
  members: Type.Array(SeedMember),
  pipelines: Type.Array(SeedPipeline),
  companies: Type.Array(SeedCompany),
  contacts: Type.Array(SeedContact),
  deals: Type.Array(SeedDeal),
  activities: Type.Array(Type.Union([SeedActivity, LegacySeedActivity])),
  /** Absent in datasets written before tags were emulated: none. */
  tags: Type.Optional(Type.Array(SeedTag)),
  tag_assignments: Type.Optional(Type.Array(SeedTagAssignment)),
  /** Absent in datasets written before custom fields were emulated: none. */
  custom_field_definitions: Type.Optional(Type.Array(SeedCustomFieldDefinition)),
  /** Sessions made by sign-ins (absent: none). */
  sessions: Type.Optional(Type.Array(SeedSession)),
});

const Custom = Type.Record(Type.String(), Type.Unknown());
const Dated = { date_created: S, date_updated: S };
const By = { created_by: Type.Optional(NS), updated_by: Type.Optional(NS) };
export const CloseSeedContact = Type.Object({
  id: S, name: NS, title: NS, ...By,
  emails: Type.Array(Type.Object({ email: S, type: S, is_unsubscribed: Type.Optional(Type.Boolean()) })), phones: Type.Array(Type.Object({ phone: S, type: S })),
  ...Dated, custom: Custom,
});
export const CloseSeedOpportunity = Type.Object({
  id: S, status_id: S, ...By, value: NI, value_period: S, user_id: NS, note: NS, ...Dated, custom: Custom,
  /** 0 when absent. */
  confidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  /** One of the lead's contacts. */
  contact_id: Type.Optional(NS),
  /** When absent, a won (lost) opportunity was won (lost) when last updated. */
  date_won: Type.Optional(NS), date_lost: Type.Optional(NS),
});
/** A note (no custom activity type) or a custom activity; a note's own keys are absent when null (or false). */
export const CloseSeedActivity = Type.Object({
  id: S, custom_activity_type_id: NS, note: NS, user_id: NS, ...Dated, custom: Custom,
  contact_id: Type.Optional(NS), created_by: Type.Optional(NS), updated_by: Type.Optional(NS), note_html: Type.Optional(NS),
  title: Type.Optional(NS), pinned: Type.Optional(Type.Boolean()), activity_at: Type.Optional(NS),
});
/** What every call, meeting and SMS of a dataset has; `activity_at` null: when created. */
const TypedCommon = {
  id: S, lead_id: S, contact_id: Type.Optional(NS), user_id: Type.Optional(NS), created_by: Type.Optional(NS), updated_by: Type.Optional(NS),
  activity_at: Type.Optional(NS), ...Dated,
};
const Opt = Type.Optional(NS);
/** A call, meeting or SMS (src/close/store/typed-render.ts KIND_FIELDS gives each absent key's default). */
export const CloseSeedTypedActivity = Type.Union([
  Type.Object({
    ...TypedCommon, _type: Type.Literal('Call'), direction: Type.Optional(stringEnum(PHONE_DIRECTIONS)),
    duration: Type.Optional(Type.Integer({ minimum: 0 })), phone: Opt, status: Type.Optional(stringEnum(CALL_STATUSES)),
    source: Type.Optional(stringEnum(PHONE_SOURCES)), note: Opt, note_html: Opt, recording_url: Opt, voicemail_url: Opt,
  }),
  Type.Object({
    ...TypedCommon, _type: Type.Literal('Meeting'), title: Opt, starts_at: Opt, ends_at: Opt, attendees: Type.Optional(Type.Array(MeetingAttendee)),
    location: Opt, note: Opt, status: Type.Optional(stringEnum(MEETING_STATUSES)),
  }),
  Type.Object({
    ...TypedCommon, _type: Type.Literal('SMS'), direction: Type.Optional(stringEnum(PHONE_DIRECTIONS)), status: Type.Optional(stringEnum(SMS_STATUSES)),
    text: Opt, local_phone: Opt, remote_phone: Opt, source: Type.Optional(stringEnum(PHONE_SOURCES)), date_sent: Opt, date_scheduled: Opt,
  }),
  Type.Object({
    ...TypedCommon, _type: Type.Literal('WhatsAppMessage'), external_whatsapp_message_id: S, direction: Type.Optional(stringEnum(WHATSAPP_DIRECTIONS)),
    message_markdown: S, local_phone: S, remote_phone: S, integration_link: Opt, response_to_id: Opt, source: Type.Optional(S),
  }),
  // Real API: Close's web forms create these; here: datasets alone do (they are read-only through the API).
  Type.Object({
    ...TypedCommon, _type: Type.Literal('FormSubmission'), form_id: S, form_configuration_id: S, form_name: Opt, ip_address: Opt, origin: Opt,
    source_url: Opt, values: Type.Optional(FormValues), values_by_name: Type.Optional(FormValues),
  }),
]);

/** A lead task: `date` null (dateless), a date (YYYY-MM-DD) or a Close timestamp; who created it defaults to the lead's creator. */
export const CloseSeedTask = Type.Object({
  id: S, assigned_to: NS, text: S, date: NS, is_complete: Type.Boolean(), ...By, ...Dated,
});
/** Close's message statuses (an email's `status`). */
export const EMAIL_STATUSES = ['inbox', 'draft', 'scheduled', 'outbox', 'sent', 'error'] as const;
/**
 * An email activity of a lead. An outgoing one in `outbox` counts as sent from `send_at` on
 * (src/close/store/emails.ts); the optional keys default to null or an empty list.
 */
export const CloseSeedEmail = Type.Object({
  id: S, status: stringEnum(EMAIL_STATUSES), subject: NS, to: Type.Array(S), ...Dated,
  contact_id: Type.Optional(NS), user_id: Type.Optional(NS), template_id: Type.Optional(NS), body_text: Type.Optional(NS), body_html: Type.Optional(NS),
  direction: Type.Optional(Nullable(stringEnum(['outgoing', 'incoming'] as const))), sender: Type.Optional(NS),
  cc: Type.Optional(Type.Array(S)), bcc: Type.Optional(Type.Array(S)), email_account_id: Type.Optional(NS), bulk_action_id: Type.Optional(NS),
  send_at: Type.Optional(NS), date_sent: Type.Optional(NS),
  /** The thread it belongs to (absent or null: its own, whose id is the email's) and the email it answers. */
  thread_id: Type.Optional(NS), in_reply_to_id: Type.Optional(NS),
});
/** The activity types Close records (src/close/store/recorded-activities.ts). */
export const RECORDED_ACTIVITY_TYPES = ['LeadStatusChange', 'OpportunityStatusChange', 'TaskCompleted', 'Created'] as const;
/**
 * An activity Close recorded on a lead: `fields` holds its own keys as they were when it was recorded
 * (old/new status ids and labels, task text, source, …).
 */
export const CloseSeedRecordedActivity = Type.Object({
  id: S, type: stringEnum(RECORDED_ACTIVITY_TYPES), user_id: NS, ...Dated, fields: Type.Record(S, Type.Unknown()),
  contact_id: Type.Optional(NS), opportunity_id: Type.Optional(NS), task_id: Type.Optional(NS),
});
export const CloseSeedEmailTemplate = Type.Object({
  id: S, name: S, subject: S, body: S, is_shared: Type.Boolean(), is_archived: Type.Boolean(), ...By, ...Dated,
});
export const CloseSeedCustomObject = Type.Object({ id: S, custom_object_type_id: S, name: NS, ...Dated, custom: Custom });
export const CloseSeedLead = Type.Object({
  id: S, name: NS, status_id: S, description: NS, url: NS, created_by: NS, updated_by: Type.Optional(NS), ...Dated, custom: Custom,
  contacts: Type.Array(CloseSeedContact), opportunities: Type.Array(CloseSeedOpportunity),
  activities: Type.Array(CloseSeedActivity), custom_objects: Type.Array(CloseSeedCustomObject),
  /** Absent in datasets written before tasks were emulated: none. */
  tasks: Type.Optional(Type.Array(CloseSeedTask)),
  /** Absent in datasets written before emails were emulated: none. */
  emails: Type.Optional(Type.Array(CloseSeedEmail)),
  /** Absent in datasets written before recorded activities were emulated (and on leads without any): none. */
  recorded_activities: Type.Optional(Type.Array(CloseSeedRecordedActivity)),
  /** Absent on leads without addresses (and in datasets written before addresses were emulated); each checked as the API checks it. */
  addresses: Type.Optional(Type.Array(Type.Partial(LeadAddress))),
});
// The API's own enums: a field of an unknown type or kind, restored from a snapshot, was a 500 on
// every later write or query that met it.
export const CloseSeedAssociation = Type.Object({
  object_type: stringEnum(ASSOCIATION_TYPES), custom_activity_type_id: NS, custom_object_type_id: NS,
});
export const CloseSeedCustomField = Type.Object({
  id: S, object_type: stringEnum(FIELD_OBJECT_TYPES), custom_activity_type_id: NS, custom_object_type_id: NS, name: S, description: NS,
  type: stringEnum(FIELD_TYPES),
  accepts_multiple_values: Type.Boolean(), choices: Nullable(Type.Array(S)), associations: Nullable(Type.Array(CloseSeedAssociation)),
  ...Dated,
});
/** A bulk action (any kind) with its frozen set of items, as stored (a snapshot keeps jobs mid-flight). */
export const CloseSeedBulkEdit = Type.Object({
  id: S, seq: Type.Integer(),
  /** Absent in datasets written before the other kinds were emulated: a bulk edit. */
  kind: Type.Optional(stringEnum(BULK_KINDS)),
  /** The edit's type, the delete's bulk_object_type, the sequence subscription's action_type, or `email`. */
  type: S, status: stringEnum(BULK_STATUSES),
  paused_from: Nullable(stringEnum(BULK_STATUSES)), date_paused: NS, error_reason: NS, params: Type.Record(S, Type.Unknown()),
  lead_status_id: NS, custom_field_id: NS, custom_field_name: NS, custom_field_value: NS, query: NS,
  s_query: Type.Unknown(), results_limit: NI, sort: Type.Array(Type.Unknown()), send_done_email: Type.Boolean(),
  n_leads: NI, n_objects: NI, n_leads_processed: Type.Integer(), n_objects_processed: Type.Integer(),
  created_by: NS, updated_by: NS, ...Dated,
  items: Type.Array(Type.Object({ seq: Type.Integer(), lead_id: S, object_type: S, object_id: S, detail: Type.Optional(NS), done: Type.Boolean() })),
});
/** A user's connected email account (read-only through the API). */
export const CloseSeedConnectedAccount = Type.Object({
  id: S, user_id: S, type: stringEnum(ACCOUNT_TYPES), email: S, name: NS, date_created: S,
});
export const CloseSeedSequence = Type.Object({
  id: S, name: S, status: stringEnum(SEQUENCE_STATUSES), timezone: S, schedule: Nullable(Schedule), steps: Type.Array(Step),
  created_by: NS, updated_by: NS, ...Dated,
});
/** `lead_id` is the contact's lead; `bulk_action_id` the bulk action that created or last changed it (null: the API). */
export const CloseSeedSequenceSubscription = Type.Object({
  id: S, sequence_id: S, contact_id: S, lead_id: S, contact_email: S, sender_account_id: S, sender_name: S, sender_email: S,
  status: stringEnum(SUBSCRIPTION_STATUSES), calls_assigned_to: Type.Array(S), bulk_action_id: NS, created_by: NS, updated_by: NS, ...Dated,
  /** Why a paused one is paused (one of Close's StatusReason values); absent: `manual` when paused, else none. */
  pause_reason: Type.Optional(NS),
});
/** A webhook subscription with its signature key (a restored one signs with the same key). */
export const CloseSeedWebhook = Type.Object({
  id: S, url: S, events: Type.Array(WebhookEvent), verify_ssl: Type.Boolean(), status: stringEnum(WEBHOOK_STATUSES),
  /** 64 hex characters (32 bytes). */
  signature_key: S,
  /** When an unbroken run of failed attempts began (ms of the organization's clock); null after a success. */
  failing_since: NI, created_by: NS, updated_by: NS, ...Dated,
});
/** One event of Close's event log, as stored: `seq` orders events whose date_updated is equal. */
export const CloseSeedEvent = Type.Object({
  id: S, seq: Type.Integer({ minimum: 1 }), object_type: S, object_id: S, lead_id: NS, action: S, changed_fields: Type.Array(S),
  previous_data: Nullable(Custom), data: Nullable(Custom), meta: Custom, request_id: NS, user_id: NS, api_key_id: NS, ...Dated,
});
/** A comment thread: on a lead (`object_type` lead, `object_id` its id) or one of its opportunities. */
export const CloseSeedCommentThread = Type.Object({
  id: S, object_type: stringEnum(['lead', 'opportunity'] as const), object_id: S, lead_id: S, ...Dated,
});
/** A comment of a thread (`lead_id` the thread's); a removed one has `body` "" and `removed_by` / `removed_at`. */
export const CloseSeedComment = Type.Object({
  id: S, thread_id: S, lead_id: S, body: S, created_by: NS, updated_by: NS, removed_by: NS, removed_at: NS, ...Dated,
});
/** A LeadMerge activity, on the destination lead (`lead_id`); the source no longer exists. */
export const CloseSeedLeadMerge = Type.Object({
  id: S, lead_id: S, source_lead_id: S, destination_lead_id: S, source_display_name: NS, destination_display_name: NS, user_id: NS, ...Dated,
});
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dropped'] as const;
/** One delivery of an event to a subscription, as the deliverer records it (times in ms of the organization's clock). */
export const CloseSeedWebhookDelivery = Type.Object({
  id: S, seq: Type.Integer({ minimum: 1 }), subscription_id: S, event_id: S, event: Custom, status: stringEnum(DELIVERY_STATUSES),
  attempts: Type.Integer({ minimum: 0 }), last_status_code: NI, last_error: NS, latency_ms: NI, next_attempt_at: Type.Integer(),
  first_attempt_at: NI, last_attempt_at: NI, response_excerpt: NS, ...Dated,
});
/** A smart view as stored: `s_query` a tree or search body (or null with a legacy `query`). */
export const CloseSeedSavedSearch = Type.Object({
  id: S, name: S, type: stringEnum(SAVED_SEARCH_TYPES), description: NS, is_shared: Type.Boolean(), is_user_dependent: Nullable(Type.Boolean()),
  query: NS, s_query: Nullable(Custom), selected_fields: Nullable(Type.Array(Custom)), user_id: NS, ...Dated,
});
/** A role of the organization's own (the predefined ones are not data). */
export const CloseSeedRole = Type.Object({
  id: S, name: S, permissions: Type.Array(S), visibility_user_lcf_ids: Type.Array(S),
  visibility_user_lcf_behavior: Nullable(stringEnum(VISIBILITY_BEHAVIORS)), ...Dated,
});
export const CloseSeedSendAs = Type.Object({ id: S, allowing_user_id: S, allowed_user_id: S, date_created: S });
export const CloseSeedDialer = Type.Object({
  id: S, source_type: stringEnum(DIALER_SOURCE_TYPES), source_value: S, type: stringEnum(DIALER_TYPES), status: stringEnum(DIALER_STATUSES),
  user_id: NS, user_ids: Type.Array(S), ...Dated,
});
export const CloseSeedIntegrationLink = Type.Object({ id: S, name: S, type: stringEnum(INTEGRATION_LINK_TYPES), url: S, created_by: NS, updated_by: NS, ...Dated });
export const CloseSeed = Type.Object({
  /**
   * `id`: the organization a snapshot was taken from; its id inside the event log's and the deliveries'
   * objects (their `organization_id`) becomes the restoring organization's.
   */
  organization: Type.Object({ name: S, id: Type.Optional(S) }),
  // A user with `active: false` is an ended (inactive) membership: still owns its objects, can't be the API key's user.
  users: Type.Array(Type.Object({
    id: S, first_name: NS, last_name: NS, email: S, date_created: S,
    date_updated: Type.Optional(S), active: Type.Optional(Type.Boolean()), role_id: Type.Optional(S),
  }), { minItems: 1 }),
  lead_statuses: Type.Array(Type.Object({ id: S, label: S }), { minItems: 1 }),
  // Without `pipelines`, one named "Sales" (id pipe_ + the organization id's suffix) holds every status;
  // a status without `pipeline_id` belongs to the first pipeline.
  pipelines: Type.Optional(Type.Array(Type.Object({ id: S, name: S }))),
  opportunity_statuses: Type.Array(Type.Object({ id: S, label: S, type: S, pipeline_id: Type.Optional(S) })),
  custom_activity_types: Type.Array(Type.Object({ id: S, name: S })),
  custom_object_types: Type.Array(Type.Object({ id: S, name: S })),
  custom_fields: Type.Array(CloseSeedCustomField),
  leads: Type.Array(CloseSeedLead),
  bulk_edits: Type.Optional(Type.Array(CloseSeedBulkEdit)),
  // Absent in datasets written before sequences were emulated: none.
  connected_accounts: Type.Optional(Type.Array(CloseSeedConnectedAccount)),
  sequences: Type.Optional(Type.Array(CloseSeedSequence)),
  sequence_subscriptions: Type.Optional(Type.Array(CloseSeedSequenceSubscription)),
  /** Absent in datasets written before email templates were emulated: none. */
  email_templates: Type.Optional(Type.Array(CloseSeedEmailTemplate)),
  /** Unsubscribed addresses (matched case-insensitively; kept lowercased). */
  unsubscribed_emails: Type.Optional(Type.Array(Type.Object({ email: S, date_created: S }))),
  /** Absent in datasets written before snapshots kept them: none. */
  webhooks: Type.Optional(Type.Array(CloseSeedWebhook)),
  events: Type.Optional(Type.Array(CloseSeedEvent)),
  webhook_deliveries: Type.Optional(Type.Array(CloseSeedWebhookDelivery)),
  /** Absent in datasets written before comments and merges were emulated: none. */
  comment_threads: Type.Optional(Type.Array(CloseSeedCommentThread)),
  comments: Type.Optional(Type.Array(CloseSeedComment)),
  lead_merges: Type.Optional(Type.Array(CloseSeedLeadMerge)),
  /** Absent in datasets written before these were emulated: none. Dialer sessions are read-only through the API. */
  saved_searches: Type.Optional(Type.Array(CloseSeedSavedSearch)),
  roles: Type.Optional(Type.Array(CloseSeedRole)),
  send_as: Type.Optional(Type.Array(CloseSeedSendAs)),
  dialer_sessions: Type.Optional(Type.Array(CloseSeedDialer)),
  integration_links: Type.Optional(Type.Array(CloseSeedIntegrationLink)),
  /** Calls, meetings and SMS of the leads. Absent in datasets written before they were emulated: none. */
  typed_activities: Type.Optional(Type.Array(CloseSeedTypedActivity)),
});

export const SeedFile = Type.Object({
  credentials: Type.Array(Type.Object({ token: Type.String({ minLength: 1 }), description: Type.Optional(S) })),
  blueai: BlueAISeed,
  close: Type.Optional(CloseSeed),
});

/** An organization's data: what POST /_mock/orgs and PUT …/snapshot take and GET …/snapshot gives.
 * A vendor left out has no data; credentials are informative (an organization keeps its own). */
export const Dataset = Type.Object(
  {
    credentials: Type.Optional(SeedFile.properties.credentials),
    blueai: Type.Optional(BlueAISeed),
    close: Type.Optional(CloseSeed),
  },
  { additionalProperties: false },
);

export type SeedFileT = Static<typeof SeedFile>;
export type DatasetT = Static<typeof Dataset>;
export type BlueAISeedT = Static<typeof BlueAISeed>;
export type SeedActivityT = Static<typeof SeedActivity>;
export type LegacySeedActivityT = Static<typeof LegacySeedActivity>;
export type CloseSeedT = Static<typeof CloseSeed>;
