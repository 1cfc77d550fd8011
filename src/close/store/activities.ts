import { cached, exists, pick, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import {
  ACTIVITY_REFUSED, type ActivityT, type CustomActivityCreateT, type CustomActivityTypeT, type CustomActivityUpdateT,
} from '../../../schemas/close/activities.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import { givenDate } from '../dates.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';
import { commaList, orderBy, refuse, Where, type ListQuery } from './filters.js';
import { own } from '../../core/own.js';
import type { EmailActivityT } from '../../../schemas/close/emails.js';
import type { EmailStore } from './emails.js';
import type { RecordedActivityStore } from './recorded-activities.js';
import type { RecordedActivityT } from '../../../schemas/close/recorded-activities.js';
import type { EmailThreadStore } from './email-threads.js';
import type { TypedActivityStore } from './typed-activities.js';
import type { TypedActivityT } from '../../../schemas/close/typed-activities.js';
import { TABLE_KINDS } from './typed-render.js';

const ORDER_FIELDS = new Map([['date_created', 'date_created']]);

interface ActivityRow {
  org_id: string; id: string; lead_id: string; custom_activity_type_id: string | null; note: string | null;
  user_id: string | null; date_created: string; date_updated: string; is_email?: number;
}

export type ActivityFilter = PageParams & ListQuery & {
  custom_activity_type_id?: string | undefined;
  custom_activity_type_id__in?: string | undefined;
  customOnly?: boolean;
};

/** The activities Close records (is_email = 2; their _type in the `note` column): src/close/store/recorded-activities.ts. */
const RECORDED = `SELECT org_id, id, lead_id, NULL, type, user_id, contact_id, date_created, date_updated, 2 FROM close_recorded_activities`;
/** Calls, meetings and SMS (is_email = 3, rendered by TypedActivityStore), in the list below. */
const TYPED = `UNION ALL SELECT org_id, id, lead_id, NULL, NULL, user_id, contact_id, date_created, date_updated, 3 FROM close_typed_activities`;

/** Notes and custom activities, and emails (is_email = 1), as one list. */
const ALL = `(SELECT org_id, id, lead_id, custom_activity_type_id, note, user_id, contact_id, date_created, date_updated, 0 AS is_email
  FROM close_activities UNION ALL
  SELECT org_id, id, lead_id, NULL, NULL, user_id, contact_id, date_created, date_updated, 1 FROM close_email_activities
  UNION ALL ${RECORDED}
  ${TYPED})`;

const TABLE_KIND_NAMES: readonly string[] = TABLE_KINDS;

/** Every activity one list row can be. */
type AnyActivity = ActivityT | EmailActivityT | TypedActivityT | RecordedActivityT;

/** `_type` values meaning "custom activities of any type" (Close documents `Custom`; `CustomActivity` is their `_type`). */
const ANY_CUSTOM = ['Custom', 'CustomActivity'];

/**
 * Activities of leads. Real API: many activity kinds (Note, Call, Email, …) with their own endpoints,
 * all of them in /activity/; here: notes, calls, meetings and SMS (src/close/store/typed-activities.ts),
 * custom activities (`_type: "CustomActivity"`) and emails (`_type: "Email"`, src/close/store/emails.ts).
 */
export class ActivityStore {
  /** Recorded activities and email threads (set by CloseStore). */
  recorded!: RecordedActivityStore;
  threads!: EmailThreadStore;

  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues, private readonly emails: EmailStore,
    private readonly typed: TypedActivityStore,
  ) {}

  /**
   * Activities matching Close's documented filters. Real API: `user_id`, `contact_id` and `_type` only
   * on a single lead's activities (with `lead_id`), `_order_by` also on `activity_at`, and `activity_at__*`
   * filters; here: those filters on any list, `_order_by` only on date_created (activities have no
   * activity_at), and `activity_at__*` a 400 naming it.
   */
  list(orgId: string, q: ActivityFilter): ClosePage<AnyActivity> {
    refuse(q, ACTIVITY_REFUSED);
    const w = new Where(q)
      .equals('id', 'id', { inOnly: true }).equals('lead_id', 'lead_id', { comma: true }).equals('user_id', 'user_id', { comma: true })
      .equals('organization_id', 'org_id', { noIn: true }).dates('date_created', 'date_created', false, ['__gt', '__gte', '__lt', '__lte']);
    // Real API: activities may name a contact; here: all but custom activities may.
    w.equals('contact_id', 'contact_id', { comma: true });
    // Real API: thread_emails=true answers email threads in place of their emails, =only threads alone;
    // here: either is a 400 naming it (false, the default, lists emails; threads are at /activity/emailthread/).
    const threads = typeof q.thread_emails === 'string' ? q.thread_emails : undefined;
    if (threads !== undefined && threads !== 'false' && threads !== '') {
      throw validationError('thread_emails: email threads are listed at /activity/emailthread/.', { thread_emails: 'Not supported by the emulator: emails are listed one by one (thread_emails=false).' });
    }
    const typeParams = ['_type', '_type__in'].map((p) => own(q, p)).filter((v): v is string => typeof v === 'string').map(commaList);
    // Only calls, meetings or SMS asked for: their own table alone, newest first along its index.
    const typedOnly = typeParams.length > 0 && typeParams.every((types) => types.length > 0 && types.every((t) => TABLE_KIND_NAMES.includes(t)));
    for (const types of typedOnly ? typeParams : []) w.add(types.length === 1 ? `type = ${w.bind(types[0])}` : `type IN (SELECT value FROM json_each(${w.bind(JSON.stringify(types))}))`);
    for (const list of typedOnly ? [] : typeParams) {
      // Real API: Note, Call, Email, … and custom activity type ids; here: the kinds above (any other matches nothing).
      const types = w.bind(JSON.stringify(list));
      const anyCustom = w.bind(JSON.stringify(ANY_CUSTOM));
      const typed = w.bind(JSON.stringify(list.filter((t) => TABLE_KIND_NAMES.includes(t))));
      w.add(`((is_email = 1 AND 'Email' IN (SELECT value FROM json_each(${types})))
        OR (is_email = 3 AND id IN (SELECT id FROM close_typed_activities WHERE org_id = @org AND type IN (SELECT value FROM json_each(${typed}))))
        OR (is_email = 0 AND custom_activity_type_id IS NULL AND 'Note' IN (SELECT value FROM json_each(${types})))
        OR (is_email = 2 AND note IN (SELECT value FROM json_each(${types})))
        OR (custom_activity_type_id IS NOT NULL AND (custom_activity_type_id IN (SELECT value FROM json_each(${types}))
          OR EXISTS (SELECT 1 FROM json_each(${types}) t WHERE t.value IN (SELECT value FROM json_each(${anyCustom}))))))`);
    }
    // `custom_activity_type_id` and `custom_activity_type_id__in` (comma-separated). Real API: either needs
    // `lead_id` on /activity/custom/; here: they filter any list.
    w.equals('custom_activity_type_id', 'custom_activity_type_id');
    if (q.customOnly) w.add('custom_activity_type_id IS NOT NULL');
    const order = orderBy(q, ORDER_FIELDS, 'date_created DESC, id DESC');
    if (typedOnly) return this.typed.page(orgId, w, q, order);
    const { rows, has_more } = pageRows<ActivityRow>(this.db, `SELECT * FROM ${ALL} WHERE org_id = @org${w.sql()} ORDER BY ${order}`,
      { ...w.params, org: orgId }, q);
    // Custom activities here; notes, calls, meetings and SMS with their own fields by TypedActivityStore;
    // emails by the email store; recorded ones (status changes, completions, creations) by theirs.
    const isTyped = (r: ActivityRow) => r.is_email === 3 || (r.is_email === 0 && r.custom_activity_type_id === null);
    const others = this.render(orgId, rows.filter((r) => r.is_email === 0 && !isTyped(r)));
    const byId = new Map<string, AnyActivity>(others.map((a) => [a.id, a]));
    for (const r of rows) if (r.is_email === 1) byId.set(r.id, this.emails.getEmail(orgId, r.id));
    for (const r of rows) if (r.is_email === 2) byId.set(r.id, this.recorded.get(orgId, r.id));
    for (const [id, a] of this.typed.findMany(orgId, rows.filter(isTyped).map((r) => r.id))) byId.set(id, a);
    return { data: rows.map((r) => byId.get(r.id)!), has_more };
  }

  /** GET /activity/custom/: custom activities only (so no email is among them). */
  listCustom(orgId: string, q: ActivityFilter): ClosePage<ActivityT> {
    return this.list(orgId, { ...q, customOnly: true }) as ClosePage<ActivityT>;
  }

  /** Any activity, an email, a recorded or a typed one included (GET /activity/{id}/). */
  getAny(orgId: string, id: string): AnyActivity {
    if (exists(this.db, 'close_email_activities', orgId, id)) return this.emails.getEmail(orgId, id);
    return this.recorded.find(orgId, id) ?? this.typed.find(orgId, id) ?? this.get(orgId, id);
  }

  /** A note or custom activity; with `customOnly`, one that is a custom activity (else 404). */
  get(orgId: string, id: string, customOnly = false): ActivityT {
    const row = cached(this.db, `SELECT * FROM close_activities WHERE org_id = ? AND id = ?`).get(orgId, id) as ActivityRow | undefined;
    if (!row || (customOnly && row.custom_activity_type_id === null)) throw notFound(`${customOnly ? 'Custom activity' : 'Activity'} ${id} not found.`);
    return this.render(orgId, [row])[0]!;
  }

  createCustom(orgId: string, userId: string, input: CustomActivityCreateT): ActivityT {
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    if (!this.findType(orgId, input.custom_activity_type_id)) {
      throw validationError(`Custom activity type ${input.custom_activity_type_id} not found.`, { custom_activity_type_id: 'Custom activity type not found.' });
    }
    this.checkUser(orgId, input.user_id);
    // Real API: organization_id is documented on create without saying what another one does; here:
    // it must be the key's organization (a 400 otherwise).
    if (input.organization_id && input.organization_id !== orgId) {
      throw validationError(`Organization ${input.organization_id} is not this key's.`, { organization_id: 'Not your organization.' });
    }
    const custom = readCustom(this.fields, orgId, input, applicableFields(this.fields, orgId, 'activity', input.custom_activity_type_id));
    const created = input.date_created ? givenDate(input.date_created, 'date_created') : null;
    const now = this.stamp.now(orgId);
    const row = {
      id: this.ids.base62('acti_'), lead_id: input.lead_id, custom_activity_type_id: input.custom_activity_type_id,
      note: input.note ?? null, user_id: input.user_id === undefined ? userId : input.user_id, date_created: created ?? now, date_updated: now,
    };
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_activities (org_id, id, lead_id, custom_activity_type_id, note, user_id, date_created, date_updated)
        VALUES (@org_id, @id, @lead_id, @custom_activity_type_id, @note, @user_id, @date_created, @date_updated)`).run({ ...row, org_id: orgId });
      writeCustom(this.values, orgId, row.id, custom);
    })();
    return this.get(orgId, row.id);
  }

  updateCustom(orgId: string, id: string, patch: CustomActivityUpdateT): ActivityT {
    const current = this.get(orgId, id, true);
    this.checkUser(orgId, patch.user_id);
    const custom = readCustom(this.fields, orgId, patch, applicableFields(this.fields, orgId, 'activity', current.custom_activity_type_id));
    const next = { id, note: current.note, user_id: current.user_id, ...pick(patch, ['note', 'user_id']), date_updated: this.stamp.now(orgId) };
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_activities SET note = @note, user_id = @user_id, date_updated = @date_updated
        WHERE org_id = @org_id AND id = @id`).run({ ...next, org_id: orgId });
      writeCustom(this.values, orgId, id, custom);
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string, customOnly = false): void {
    if (!customOnly && exists(this.db, 'close_email_activities', orgId, id)) return this.threads.deleteEmail(orgId, id);
    if (!customOnly && this.recorded.find(orgId, id)) return this.recorded.delete(orgId, id);
    if (!customOnly && this.typed.remove(orgId, id)) return;
    this.get(orgId, id, customOnly);
    this.remove(orgId, id);
  }

  /** Deletes the activity if it exists (a bulk delete's item); whether it did. */
  remove(orgId: string, id: string): boolean {
    return this.db.transaction(() => {
      if (this.typed.remove(orgId, id)) return true;
      if (!exists(this.db, 'close_activities', orgId, id)) return false;
      this.values.deleteObject('close_activities', orgId, id);
      return true;
    })();
  }

  listTypes(orgId: string, q: PageParams): ClosePage<CustomActivityTypeT> {
    const { rows, has_more } = pageRows<{ id: string; name: string }>(this.db,
      `SELECT id, name FROM close_custom_activity_types WHERE org_id = @org ORDER BY name, id`, { org: orgId }, q);
    return { data: rows.map((r) => ({ ...r, organization_id: orgId })), has_more };
  }

  findType(orgId: string, id: string): CustomActivityTypeT | undefined {
    const r = cached(this.db, `SELECT id, name FROM close_custom_activity_types WHERE org_id = ? AND id = ?`).get(orgId, id) as { id: string; name: string } | undefined;
    return r ? { ...r, organization_id: orgId } : undefined;
  }

  getType(orgId: string, id: string): CustomActivityTypeT {
    const t = this.findType(orgId, id);
    if (!t) throw notFound(`Custom activity type ${id} not found.`);
    return t;
  }

  private checkUser(orgId: string, userId: string | null | undefined): void {
    if (userId && !exists(this.db, 'close_users', orgId, userId)) throw validationError(`User ${userId} not found.`, { user_id: 'User not found.' });
  }

  /** Custom activities as below; notes with their own fields (src/close/store/typed-render.ts). */
  private render(orgId: string, rows: ActivityRow[]): ActivityT[] {
    const custom = this.values.flatFor(orgId, rows.map((r) => r.id));
    const notes = this.typed.findMany(orgId, rows.filter((r) => r.custom_activity_type_id === null).map((r) => r.id));
    return rows.map((r) => (notes.get(r.id) as unknown as ActivityT | undefined) ?? ({
      id: r.id, _type: r.custom_activity_type_id ? 'CustomActivity' : 'Note', lead_id: r.lead_id,
      custom_activity_type_id: r.custom_activity_type_id, note: r.note, user_id: r.user_id, organization_id: orgId,
      date_created: r.date_created, date_updated: r.date_updated, ...custom.get(r.id),
    }));
  }
}
