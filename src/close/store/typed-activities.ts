import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type {
  CallCreateT, CallUpdateT, MeetingUpdateT, NoteActivityT, NoteCreateT, NoteUpdateT, SmsCreateT, SmsUpdateT, TypedActivityT,
  WhatsAppCreateT, WhatsAppMessageActivityT, WhatsAppUpdateT,
} from '../../../schemas/close/typed-activities.js';
import { givenDate } from '../dates.js';
import { htmlToText } from './email-render.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';
import { Where, type ListQuery } from './filters.js';
import { kindFields, NAMES_SQL, renderNotes, renderTyped, type NoteRow, type TableKind, type TypedKind, type TypedRow } from './typed-render.js';

/** Close's "E.164": `+`, a digit 1-9, up to 14 more digits (spaces, dashes, dots and brackets are dropped first). */
const E164 = /^\+[1-9][0-9]{1,14}$/;
const SEPARATORS = new Set([' ', '-', '.', '(', ')']);

const bad = (field: string, message: string) => validationError(`${field}: ${message}`, { [field]: message });

function phoneOf(v: string | null | undefined, field: string): string | null | undefined {
  if (v === undefined || v === null) return v;
  const plain = [...v].filter((c) => !SEPARATORS.has(c)).join('');
  if (!E164.test(plain)) throw bad(field, `"${v}" is not a phone number in E.164 format (+ and the country code).`);
  return plain;
}

function urlOf(v: string | null | undefined, field: string): string | null | undefined {
  if (v === undefined || v === null) return v;
  if (!URL.canParse(v) || !['http:', 'https:'].includes(new URL(v).protocol)) throw bad(field, `"${v}" is not an http(s) URL.`);
  return v;
}

/** `note` and `note_html`: Real API: either may be given, and the plain text follows the HTML; here: the same. */
function noteOf(p: { note?: string | null | undefined; note_html?: string | null | undefined }): { note?: string | null; note_html?: string | null } {
  const out: { note?: string | null; note_html?: string | null } = {};
  if (p.note !== undefined) out.note = p.note;
  if (p.note_html !== undefined) {
    out.note_html = p.note_html;
    if (p.note === undefined) out.note = p.note_html === null ? null : htmlToText(p.note_html).trim();
  }
  return out;
}

/** What creating any typed activity may name (each body has some of these). */
interface Creating {
  lead_id: string; contact_id?: string | null | undefined; user_id?: string | null | undefined; created_by_id?: string | null | undefined;
  organization_id?: string | null | undefined; date_created?: string | null | undefined; activity_at?: string | null | undefined;
}
type Patch = CallUpdateT | SmsUpdateT | MeetingUpdateT | WhatsAppUpdateT;

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Notes (close_activities rows without a custom activity type), calls, meetings and SMS
 * (close_typed_activities), each with Close's own fields and its typed list.
 */
export class TypedActivityStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  /**
   * GET /activity/<type>/: newest first. Real API: `lead_id`, `contact_id` and `user_id` take lists
   * (comma-separated here) and `activity_at__*` compare when the activity happened; here: the same
   * (activity_at is the creation time unless one was given). `_type` takes only the list's own type.
   */
  list(orgId: string, kind: TypedKind, q: PageParams & ListQuery): ClosePage<TypedActivityT> {
    // Close documents the `__in` forms (lead_id__in, …, _type__in) on the form submission list alone.
    const noIn = kind !== 'FormSubmission';
    const w = new Where(q)
      .equals('id', 'a.id', { inOnly: true }).equals('lead_id', 'a.lead_id', { comma: true, noIn })
      .equals('contact_id', 'a.contact_id', { comma: true, noIn }).equals('user_id', 'a.user_id', { comma: true, noIn })
      .equals('organization_id', 'a.org_id', { noIn: true }).equals('_type', `'${kind}'`, { comma: true, noIn, allowed: [kind] })
      .dates('date_created', 'a.date_created', false, ['__gt', '__gte', '__lt', '__lte'])
      .dates('activity_at', 'COALESCE(a.activity_at, a.date_created)', false, ['__gt', '__gte', '__lt', '__lte']);
    if (kind === 'WhatsAppMessage') w.equals('external_whatsapp_message_id', `json_extract(a.fields, '$.external_whatsapp_message_id')`, { noIn: true });
    if (kind === 'FormSubmission') w.equals('form_id', `json_extract(a.fields, '$.form_id')`, { comma: true });
    const params = { ...w.params, org: orgId, kind };
    if (kind === 'Note') {
      const { rows, has_more } = pageRows<NoteRow>(this.db, `SELECT a.*, ${NAMES_SQL} FROM close_activities a WHERE a.org_id = @org AND a.custom_activity_type_id IS NULL${w.sql()}
        ORDER BY a.date_created DESC, a.id DESC`, params, q);
      return { data: renderNotes(orgId, rows as Parameters<typeof renderNotes>[1]), has_more };
    }
    const { rows, has_more } = pageRows<TypedRow>(this.db, `SELECT a.*, ${NAMES_SQL} FROM close_typed_activities a INDEXED BY close_typed_activities_type
      WHERE a.org_id = @org AND a.type = @kind${w.sql()} ORDER BY a.date_created DESC, a.id DESC`, params, q);
    return { data: renderTyped(orgId, rows as Parameters<typeof renderTyped>[1]), has_more };
  }

  /**
   * Calls, meetings and SMS matching `w` (over close_typed_activities' own column names), in `order`:
   * GET /activity/ when its `_type` names only these kinds.
   */
  page(orgId: string, w: Where, q: PageParams, order: string): ClosePage<TypedActivityT> {
    const { rows, has_more } = pageRows<TypedRow>(this.db, `SELECT a.*, ${NAMES_SQL} FROM close_typed_activities a
      WHERE a.org_id = @org${w.sql()} ORDER BY ${order}`, { ...w.params, org: orgId }, q);
    return { data: renderTyped(orgId, rows as Parameters<typeof renderTyped>[1]), has_more };
  }

  get(orgId: string, kind: TypedKind, id: string): TypedActivityT {
    const found = this.find(orgId, id);
    if (!found || found._type !== kind) throw notFound(`${kind === 'SMS' ? 'SMS' : kind} activity ${id} not found.`);
    return found;
  }

  /** A note, call, meeting or SMS of any kind, or undefined. */
  find(orgId: string, id: string): TypedActivityT | undefined {
    return this.findMany(orgId, [id]).get(id);
  }

  /** Notes, calls, meetings and SMS among `ids` (others left out), rendered. */
  findMany(orgId: string, ids: string[]): Map<string, TypedActivityT> {
    const list = JSON.stringify(ids);
    const notes = cached(this.db, `SELECT a.*, ${NAMES_SQL} FROM close_activities a WHERE a.org_id = ? AND a.custom_activity_type_id IS NULL
      AND a.id IN (SELECT value FROM json_each(?))`).all(orgId, list) as Parameters<typeof renderNotes>[1];
    const typed = cached(this.db, `SELECT a.*, ${NAMES_SQL} FROM close_typed_activities a WHERE a.org_id = ? AND a.id IN (SELECT value FROM json_each(?))`)
      .all(orgId, list) as Parameters<typeof renderTyped>[1];
    return new Map<string, TypedActivityT>([...renderNotes(orgId, notes), ...renderTyped(orgId, typed)].map((a) => [a.id, a]));
  }

  createNote(orgId: string, userId: string, input: NoteCreateT): TypedActivityT {
    const common = this.creating(orgId, userId, input);
    const row = { ...common, custom_activity_type_id: null, note: null, note_html: null, title: input.title ?? null, pinned: input.pinned ? 1 : 0, ...noteOf(input) };
    cached(this.db, `INSERT INTO close_activities (org_id, id, lead_id, custom_activity_type_id, note, user_id, date_created, date_updated,
      contact_id, created_by, updated_by, note_html, title, pinned, activity_at) VALUES (@org_id, @id, @lead_id, @custom_activity_type_id, @note, @user_id,
      @date_created, @date_updated, @contact_id, @created_by, @updated_by, @note_html, @title, @pinned, @activity_at)`).run({ ...row, org_id: orgId });
    return this.get(orgId, 'Note', row.id);
  }

  updateNote(orgId: string, userId: string, id: string, patch: NoteUpdateT): TypedActivityT {
    const current = this.get(orgId, 'Note', id) as NoteActivityT;
    const next = {
      contact_id: current.contact_id, note: current.note, note_html: current.note_html, title: current.title, pinned: current.pinned ? 1 : 0,
      activity_at: this.storedActivityAt(orgId, 'close_activities', id),
      ...defined({ contact_id: patch.contact_id, title: patch.title, pinned: patch.pinned === undefined ? undefined : patch.pinned ? 1 : 0 }),
      ...noteOf(patch), ...this.updating(orgId, current.lead_id!, patch, current),
    };
    cached(this.db, `UPDATE close_activities SET contact_id = @contact_id, note = @note, note_html = @note_html, title = @title, pinned = @pinned,
      activity_at = @activity_at, updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`)
      .run({ ...next, updated_by: userId, date_updated: this.stamp.now(orgId), org_id: orgId, id });
    return this.get(orgId, 'Note', id);
  }

  createCall(orgId: string, userId: string, input: CallCreateT): TypedActivityT {
    return this.insert(orgId, userId, 'Call', input, () => ({ ...this.callFields(input), direction: input.direction, source: input.source }));
  }

  /**
   * Real API: an SMS in `outbox` is sent by Close's telephony provider; here: nothing is sent, it is
   * `sent` at once (date_sent now). Received (`inbox`) and sent ones are dated when created.
   */
  createSms(orgId: string, userId: string, input: SmsCreateT): TypedActivityT {
    const direction = input.direction ?? (input.status === 'inbox' ? 'inbound' : 'outbound');
    return this.insert(orgId, userId, 'SMS', input, (at) => ({ ...this.smsFields(orgId, input, null, at), direction, source: input.source }));
  }

  /**
   * Real API: a WhatsApp message is logged by an integration (sending it is WhatsApp's business); here:
   * the same, stored as given. `response_to_id` must be another WhatsApp message of the organization.
   */
  createWhatsApp(orgId: string, userId: string, input: WhatsAppCreateT): WhatsAppMessageActivityT {
    return this.insert(orgId, userId, 'WhatsAppMessage', input, () => ({
      ...this.whatsAppFields(orgId, input, null), external_whatsapp_message_id: input.external_whatsapp_message_id, direction: input.direction,
    })) as WhatsAppMessageActivityT;
  }

  update(orgId: string, userId: string, kind: TableKind, id: string, patch: Patch): TypedActivityT {
    const current = this.get(orgId, kind, id) as unknown as Record<string, unknown>;
    const row = cached(this.db, `SELECT * FROM close_typed_activities WHERE org_id = ? AND id = ?`).get(orgId, id) as TypedRow;
    const own = kind === 'Call' ? this.callFields(patch as CallUpdateT)
      : kind === 'SMS' ? this.smsFields(orgId, patch as SmsUpdateT, current['date_sent'] as string | null)
        : kind === 'WhatsAppMessage' ? { ...this.whatsAppFields(orgId, patch as WhatsAppUpdateT, id), direction: (patch as WhatsAppUpdateT).direction }
          : this.meetingFields(patch as MeetingUpdateT);
    const leadId = (patch as { lead_id?: string }).lead_id ?? row.lead_id;
    if (leadId !== row.lead_id) this.checkLead(orgId, leadId);
    const fields = kindFields(kind, { ...(JSON.parse(row.fields) as object), ...defined(own) });
    const next = {
      lead_id: leadId, contact_id: row.contact_id, user_id: row.user_id, activity_at: row.activity_at,
      ...this.updating(orgId, leadId, patch, current as { activity_at?: string | null }), fields: JSON.stringify(fields),
    };
    // A contact of the old lead does not follow the activity to another lead.
    if (leadId !== row.lead_id && patch.contact_id === undefined && next.contact_id !== null) this.checkContact(orgId, leadId, next.contact_id);
    cached(this.db, `UPDATE close_typed_activities SET lead_id = @lead_id, contact_id = @contact_id, user_id = @user_id, activity_at = @activity_at,
      fields = @fields, updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`)
      .run({ ...next, updated_by: userId, date_updated: this.stamp.now(orgId), org_id: orgId, id });
    return this.get(orgId, kind, id);
  }

  delete(orgId: string, kind: TypedKind, id: string): void {
    this.get(orgId, kind, id);
    if (kind === 'Note') cached(this.db, `DELETE FROM close_activities WHERE org_id = ? AND id = ?`).run(orgId, id);
    else cached(this.db, `DELETE FROM close_typed_activities WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  /** Deletes a call, meeting or SMS if it exists (DELETE /activity/{id}/, a bulk delete's item); whether it did. */
  remove(orgId: string, id: string): boolean {
    return cached(this.db, `DELETE FROM close_typed_activities WHERE org_id = ? AND id = ?`).run(orgId, id).changes > 0;
  }

  // ---- input

  private callFields(p: CallUpdateT) {
    return {
      duration: p.duration === null ? 0 : p.duration, phone: phoneOf(p.phone, 'phone'), status: p.status,
      recording_url: urlOf(p.recording_url, 'recording_url'), voicemail_url: urlOf(p.voicemail_url, 'voicemail_url'), ...noteOf(p),
    };
  }

  /** `now`: when a sent or received one was sent (a new one's date_created). */
  private smsFields(orgId: string, p: SmsUpdateT, dateSent: string | null, now?: string) {
    const status = p.status === 'outbox' ? 'sent' : p.status;
    const sent = status === 'sent' || status === 'inbox' ? dateSent ?? now ?? this.stamp.now(orgId) : status === undefined ? undefined : null;
    return {
      status, text: p.text, local_phone: phoneOf(p.local_phone, 'local_phone'), remote_phone: phoneOf(p.remote_phone, 'remote_phone'), date_sent: sent,
    };
  }

  /** `self`: the message being updated (it cannot answer itself). */
  private whatsAppFields(orgId: string, p: WhatsAppUpdateT | WhatsAppCreateT, self: string | null) {
    const reply = p.response_to_id;
    if (reply && (reply === self || this.find(orgId, reply)?._type !== 'WhatsAppMessage')) {
      throw bad('response_to_id', `${reply} is not another WhatsApp message activity of this organization.`);
    }
    return {
      message_markdown: p.message_markdown, local_phone: phoneOf(p.local_phone, 'local_phone'), remote_phone: phoneOf(p.remote_phone, 'remote_phone'),
      integration_link: urlOf(p.integration_link, 'integration_link'), response_to_id: reply,
    };
  }

  private meetingFields(p: MeetingUpdateT) {
    const starts = p.starts_at ? givenDate(p.starts_at, 'starts_at') : p.starts_at;
    const ends = p.ends_at ? givenDate(p.ends_at, 'ends_at') : p.ends_at;
    return { title: p.title, note: p.note, location: p.location, status: p.status, starts_at: starts, ends_at: ends };
  }

  private insert(orgId: string, userId: string, kind: TableKind, input: Creating, ownOf: (now: string) => Record<string, unknown>): TypedActivityT {
    const common = this.creating(orgId, userId, input);
    const own = ownOf(common.date_updated);
    cached(this.db, `INSERT INTO close_typed_activities (org_id, id, type, lead_id, contact_id, user_id, created_by, updated_by, activity_at, fields,
      date_created, date_updated) VALUES (@org_id, @id, @type, @lead_id, @contact_id, @user_id, @created_by, @updated_by, @activity_at, @fields,
      @date_created, @date_updated)`).run({ ...common, org_id: orgId, type: kind, fields: JSON.stringify(kindFields(kind, own)) });
    return this.get(orgId, kind, common.id);
  }

  /** The columns every new activity has, after checking what it names (400s naming the field). */
  private creating(orgId: string, userId: string, input: Creating) {
    this.checkLead(orgId, input.lead_id);
    if (input.contact_id) this.checkContact(orgId, input.lead_id, input.contact_id);
    this.checkUser(orgId, input.user_id, 'user_id');
    this.checkUser(orgId, input.created_by_id, 'created_by_id');
    // Real API: organization_id is documented without saying what another one does; here: a 400.
    if (input.organization_id && input.organization_id !== orgId) throw bad('organization_id', 'Not your organization.');
    const now = this.stamp.now(orgId);
    const creator = input.created_by_id ?? userId;
    return {
      id: this.ids.base62('acti_'), lead_id: input.lead_id, contact_id: input.contact_id ?? null,
      user_id: input.user_id === undefined ? userId : input.user_id, created_by: creator, updated_by: creator,
      activity_at: input.activity_at ? givenDate(input.activity_at, 'activity_at') : null,
      date_created: input.date_created ? givenDate(input.date_created, 'date_created') : now, date_updated: now,
    };
  }

  /**
   * contact_id, user_id and activity_at a patch sets (checked against the activity's lead). An
   * activity_at equal to the one a GET shows (`current`) changes nothing: an activity sent back as it
   * was read keeps following its creation time when it had no activity_at of its own.
   */
  private updating(orgId: string, leadId: string, p: { contact_id?: string | null | undefined; user_id?: string | null | undefined; activity_at?: string | null | undefined },
    current: { activity_at?: string | null | undefined }) {
    if (p.contact_id) this.checkContact(orgId, leadId, p.contact_id);
    this.checkUser(orgId, p.user_id, 'user_id');
    const at = p.activity_at === undefined ? undefined : p.activity_at === null ? null : givenDate(p.activity_at, 'activity_at');
    return defined({ contact_id: p.contact_id, user_id: p.user_id, activity_at: at !== undefined && at === current.activity_at ? undefined : at });
  }

  private storedActivityAt(orgId: string, table: string, id: string): string | null {
    return cached(this.db, `SELECT activity_at FROM ${table} WHERE org_id = ? AND id = ?`).pluck().get(orgId, id) as string | null;
  }

  private checkLead(orgId: string, leadId: string): void {
    if (!exists(this.db, 'close_leads', orgId, leadId)) throw validationError(`Lead ${leadId} not found.`, { lead_id: 'Lead not found.' });
  }

  private checkContact(orgId: string, leadId: string, contactId: string): void {
    const ok = cached(this.db, `SELECT 1 FROM close_contacts WHERE org_id = ? AND id = ? AND lead_id = ?`).pluck().get(orgId, contactId, leadId);
    if (ok === undefined) throw validationError(`Contact ${contactId} is not a contact of lead ${leadId}.`, { contact_id: 'Contact not found on this lead.' });
  }

  private checkUser(orgId: string, id: string | null | undefined, field: string): void {
    if (id && !exists(this.db, 'close_users', orgId, id)) throw validationError(`User ${id} not found.`, { [field]: 'User not found.' });
  }
}
