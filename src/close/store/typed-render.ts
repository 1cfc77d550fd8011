import { userNameSql } from './common.js';
import type {
  CallActivityT, FormSubmissionActivityT, MeetingActivityT, NoteActivityT, SmsActivityT, TypedActivityT, WhatsAppMessageActivityT,
} from '../../../schemas/close/typed-activities.js';
import { htmlToText } from './email-render.js';
import { whatsAppHtml } from './whatsapp.js';

// How notes (rows of close_activities without a custom activity type) and calls, meetings, SMS,
// WhatsApp messages and form submissions (rows of close_typed_activities) are answered, and the stored order of each type's own fields,
// shared by the store and the dataset format (src/close/seed-activities.ts).

/** The kinds kept in close_typed_activities (notes are rows of close_activities), by Close's `_type`. */
export const TABLE_KINDS = ['Call', 'Meeting', 'SMS', 'WhatsAppMessage', 'FormSubmission'] as const;
/** Close's `_type` of each typed list (`/activity/note/`, `/call/`, `/meeting/`, `/sms/`, `/whatsapp_message/`, `/form_submission/`). */
export type TypedKind = 'Note' | (typeof TABLE_KINDS)[number];
export type TableKind = (typeof TABLE_KINDS)[number];

/** Each kind's own fields, in the order they are stored (close_typed_activities.fields), with their defaults. */
export const KIND_FIELDS: ReadonlyMap<TableKind, Readonly<Record<string, unknown>>> = new Map<TableKind, Record<string, unknown>>([
  ['Call', {
    direction: 'outbound', duration: 0, phone: null, status: 'completed', source: 'External', note: null, note_html: null,
    recording_url: null, voicemail_url: null,
  }],
  ['Meeting', { title: null, starts_at: null, ends_at: null, attendees: [], location: null, note: null, status: 'completed' }],
  ['SMS', {
    direction: 'outbound', status: 'sent', text: null, local_phone: null, remote_phone: null, source: 'External', date_sent: null,
    date_scheduled: null,
  }],
  ['WhatsAppMessage', {
    external_whatsapp_message_id: null, direction: 'outgoing', message_markdown: null, local_phone: null, remote_phone: null,
    integration_link: null, response_to_id: null, source: 'api',
  }],
  ['FormSubmission', {
    form_id: null, form_configuration_id: null, form_name: null, ip_address: null, origin: null, source_url: null, values: {}, values_by_name: {},
  }],
]);

/** A kind's fields from `input` (any other key dropped), in stored order, each absent one its default. */
export function kindFields(kind: TableKind, input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(KIND_FIELDS.get(kind)!)) out[k] = Object.hasOwn(input, k) && input[k] !== undefined ? input[k] : def;
  return out;
}

export interface NoteRow {
  org_id: string; id: string; lead_id: string; contact_id: string | null; user_id: string | null; created_by: string | null;
  updated_by: string | null; note: string | null; note_html: string | null; title: string | null; pinned: number;
  activity_at: string | null; date_created: string; date_updated: string;
}
export interface TypedRow {
  org_id: string; id: string; type: TableKind; lead_id: string; contact_id: string | null; user_id: string | null;
  created_by: string | null; updated_by: string | null; activity_at: string | null; fields: string; date_created: string; date_updated: string;
}

/**
 * Real API: a call's disposition is set by Close's telephony (answered, no-answer, vm-left, …); here:
 * it follows the call's status (null while the call is created or in progress).
 */
const DISPOSITIONS = new Map([
  ['completed', 'answered'], ['no-answer', 'no-answer'], ['timeout', 'no-answer'], ['busy', 'busy'], ['failed', 'error'], ['cancel', 'abandoned'],
]);

/** The users' names a note's or typed activity's row is read with (userNameSql), after `a.*`. */
export const NAMES_SQL = `${userNameSql('a.org_id', 'a.user_id')} AS user_name, ${userNameSql('a.org_id', 'a.created_by')} AS created_by_name,
  ${userNameSql('a.org_id', 'a.updated_by')} AS updated_by_name`;
interface Names { user_name: string | null; created_by_name: string | null; updated_by_name: string | null }

export function renderNotes(orgId: string, rows: (NoteRow & Names)[]): NoteActivityT[] {
  return rows.map((r) => ({
    id: r.id, _type: 'Note', organization_id: orgId, lead_id: r.lead_id, contact_id: r.contact_id, user_id: r.user_id, user_name: r.user_name,
    users: r.user_id ? [r.user_id] : [], created_by: r.created_by, created_by_name: r.created_by_name, updated_by: r.updated_by,
    updated_by_name: r.updated_by_name, activity_at: r.activity_at ?? r.date_created, date_created: r.date_created, date_updated: r.date_updated,
    note: r.note, note_html: r.note_html, title: r.title, pinned: r.pinned === 1, attachments: [],
  }));
}

const nulls = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, null]));
const SEQUENCE_NULLS = nulls(['sequence_id', 'sequence_name', 'sequence_subscription_id']);

/** One object literal per row (no intermediate spreads): lists render up to 100 of these per request. */
export function renderTyped(orgId: string, rows: (TypedRow & Names)[]): TypedActivityT[] {
  return rows.map((r) => {
    const f = JSON.parse(r.fields) as Record<string, unknown>;
    const users = r.user_id ? [r.user_id] : [];
    const activityAt = r.activity_at ?? r.date_created;
    if (r.type === 'Call') {
      const phone = f['phone'] as string | null;
      return {
        id: r.id, _type: 'Call', organization_id: orgId, lead_id: r.lead_id, contact_id: r.contact_id, user_id: r.user_id, user_name: r.user_name, users,
        created_by: r.created_by, created_by_name: r.created_by_name, updated_by: r.updated_by, updated_by_name: r.updated_by_name,
        activity_at: activityAt, date_created: r.date_created, date_updated: r.date_updated, ...f,
        sequence_id: null, sequence_name: null, sequence_subscription_id: null, disposition: DISPOSITIONS.get(f['status'] as string) ?? null,
        local_phone: null, remote_phone: phone, local_phone_formatted: null, remote_phone_formatted: phone, local_country_iso: null, remote_country_iso: null,
        voicemail_duration: null, outcome_id: null, cost: null,
      } as CallActivityT;
    }
    const common = {
      id: r.id, _type: r.type, organization_id: orgId, lead_id: r.lead_id, contact_id: r.contact_id, user_id: r.user_id, user_name: r.user_name, users,
      created_by: r.created_by, created_by_name: r.created_by_name, updated_by: r.updated_by, updated_by_name: r.updated_by_name,
      activity_at: activityAt, date_created: r.date_created, date_updated: r.date_updated,
    };
    if (r.type === 'Meeting') {
      const starts = f['starts_at'] as string | null;
      const ends = f['ends_at'] as string | null;
      const seconds = starts && ends ? Math.max(0, Math.round((Date.parse(ends) - Date.parse(starts)) / 1000)) : 0;
      // Real API: meetings come from a connected calendar; here: from a dataset (source "calendar").
      return { ...common, ...f, duration: seconds, source: 'calendar', outcome_id: null, is_recurring: false } as MeetingActivityT;
    }
    if (r.type === 'WhatsAppMessage') {
      const html = whatsAppHtml((f['message_markdown'] as string | null) ?? '');
      // Real API: integration_name is the OAuth app's that created the message; here: API keys only, so null.
      return {
        ...common, ...f, message_html: html, text: htmlToText(html).trim(), local_phone_formatted: f['local_phone'] as string | null,
        remote_phone_formatted: f['remote_phone'] as string | null, integration_name: null, attachments: [],
        sequence_id: null, sequence_name: null, sequence_subscription_id: null,
      } as unknown as WhatsAppMessageActivityT;
    }
    if (r.type === 'FormSubmission') {
      return { ...common, ...f, source_url_normalized: normalizedUrl(f['source_url'] as string | null) } as unknown as FormSubmissionActivityT;
    }
    return {
      ...common, ...f, sequence_id: null, sequence_name: null, sequence_subscription_id: null,
      local_phone_formatted: f['local_phone'] as string | null, remote_phone_formatted: f['remote_phone'] as string | null,
      local_country_iso: null, remote_country_iso: null, template_id: null, cost: null, error_message: null, attachments: [],
      agent_config_id: null, agent_action_reason: null,
    } as unknown as SmsActivityT;
  });
}

/**
 * Real API: `source_url_normalized` is the page the form was sent from, normalised (its exact rules are
 * not documented); here: the URL without its query string, fragment and trailing slash, host lowercased.
 */
function normalizedUrl(url: string | null): string | null {
  if (url === null || !URL.canParse(url)) return url;
  const u = new URL(url);
  const path = u.pathname.endsWith('/') ? u.pathname.slice(0, -1) : u.pathname;
  return `${u.protocol}//${u.host}${path}`;
}
