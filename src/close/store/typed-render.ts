import { cached, type Db } from '../../core/db.js';
import type {
  CallActivityT, MeetingActivityT, NoteActivityT, SmsActivityT, TypedActivityT,
} from '../../../schemas/close/typed-activities.js';

// How notes (rows of close_activities without a custom activity type) and calls, meetings and SMS
// (rows of close_typed_activities) are answered, and the stored order of each type's own fields,
// shared by the store and the dataset format (src/close/seed-activities.ts).

/** Close's `_type` of each typed list (`/activity/<segment>/`). */
export const TYPED_SEGMENTS = new Map([['note', 'Note'], ['call', 'Call'], ['meeting', 'Meeting'], ['sms', 'SMS']] as const);
export type TypedKind = 'Note' | 'Call' | 'Meeting' | 'SMS';
/** The kinds kept in close_typed_activities (notes are rows of close_activities). */
export const TABLE_KINDS = ['Call', 'Meeting', 'SMS'] as const;
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

/** Users' full names (as userNameSql gives them), by id. */
export function userNames(db: Db, orgId: string, ids: (string | null)[]): Map<string, string | null> {
  const wanted = [...new Set(ids.filter((x): x is string => x !== null))];
  if (wanted.length === 0) return new Map();
  const rows = cached(db, `SELECT id, NULLIF(TRIM(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '')), '') AS name
    FROM close_users WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).all(orgId, JSON.stringify(wanted)) as { id: string; name: string | null }[];
  return new Map(rows.map((r) => [r.id, r.name]));
}

type Common = NoteRow | TypedRow;
function base(r: Common, names: Map<string, string | null>) {
  const name = (id: string | null) => (id === null ? null : names.get(id) ?? null);
  return {
    id: r.id, organization_id: r.org_id, lead_id: r.lead_id, contact_id: r.contact_id, user_id: r.user_id, user_name: name(r.user_id),
    users: r.user_id ? [r.user_id] : [], created_by: r.created_by, created_by_name: name(r.created_by),
    updated_by: r.updated_by, updated_by_name: name(r.updated_by), activity_at: r.activity_at ?? r.date_created,
    date_created: r.date_created, date_updated: r.date_updated,
  };
}

const people = (rows: Common[]) => rows.flatMap((r) => [r.user_id, r.created_by, r.updated_by]);

export function renderNotes(db: Db, orgId: string, rows: NoteRow[]): NoteActivityT[] {
  const names = userNames(db, orgId, people(rows));
  return rows.map((r) => ({
    ...base(r, names), _type: 'Note', note: r.note, note_html: r.note_html, title: r.title, pinned: r.pinned === 1, attachments: [],
  }));
}

const nulls = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, null]));
const SEQUENCE_NULLS = nulls(['sequence_id', 'sequence_name', 'sequence_subscription_id']);

export function renderTyped(db: Db, orgId: string, rows: TypedRow[]): TypedActivityT[] {
  const names = userNames(db, orgId, people(rows));
  return rows.map((r) => {
    const f = JSON.parse(r.fields) as Record<string, unknown>;
    const b = { ...base(r, names), _type: r.type };
    if (r.type === 'Call') {
      const phone = f['phone'] as string | null;
      return {
        ...b, ...(f as object), ...SEQUENCE_NULLS, disposition: DISPOSITIONS.get(f['status'] as string) ?? null,
        local_phone: null, remote_phone: phone, local_phone_formatted: null, remote_phone_formatted: phone, local_country_iso: null, remote_country_iso: null,
        voicemail_duration: null, outcome_id: null, cost: null,
      } as CallActivityT;
    }
    if (r.type === 'Meeting') {
      const starts = f['starts_at'] as string | null;
      const ends = f['ends_at'] as string | null;
      const seconds = starts && ends ? Math.max(0, Math.round((Date.parse(ends) - Date.parse(starts)) / 1000)) : 0;
      // Real API: meetings come from a connected calendar; here: from a dataset (source "calendar").
      return { ...b, ...(f as object), duration: seconds, source: 'calendar', outcome_id: null, is_recurring: false } as MeetingActivityT;
    }
    return {
      ...b, ...(f as object), ...SEQUENCE_NULLS, local_phone_formatted: f['local_phone'] as string | null, remote_phone_formatted: f['remote_phone'] as string | null,
      local_country_iso: null, remote_country_iso: null, template_id: null, cost: null, error_message: null, attachments: [],
      agent_config_id: null, agent_action_reason: null,
    } as unknown as SmsActivityT;
  });
}
