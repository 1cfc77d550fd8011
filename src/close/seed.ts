import { pendingLanes } from './schedule.js';
import { cached, rowInserter, type Db } from '../core/db.js';
import type { VendorDataset } from '../core/datasets.js';
import type { CloseSeedT } from '../../schemas/seed.js';
import type { BulkActionRow } from './store/bulk-actions.js';
import { readAddresses } from './store/addresses.js';
import { ApiError } from '../core/errors.js';
import { BULK_EDIT_TYPES } from '../../schemas/close/bulk-edit.js';
import { BULK_OBJECT_TYPES, SEQUENCE_ACTION_TYPES } from '../../schemas/close/bulk-actions.js';
import { PAUSE_REASONS } from '../../schemas/close/sequences.js';
import { MAX_TEMPLATE_BODY, MAX_TEMPLATE_SUBJECT } from './store/email-render.js';
import { checkWebhookSeed, exportWebhookSeed, insertWebhookSeed } from './seed-webhooks.js';
import { checkCommentSeed, exportCommentSeed, insertCommentSeed } from './seed-comments.js';
import { checkViewSeed, exportViewSeed, insertViewSeed } from './seed-views.js';
import {
  ACTIVITY_EXPORT_COLUMNS, checkTypedActivitySeed, exportTypedActivitySeed, insertTypedActivitySeed, noteColumns, noteKeys,
} from './seed-activities.js';

/** A lead's addresses in a dataset, checked as POST /lead/ checks them: the first problem, or null. */
function addressProblem(at: string, addresses: unknown): string | null {
  try {
    readAddresses(addresses);
    return null;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const errors = (e.details as { fields?: Record<string, string> }).fields ?? {};
    const [key, message] = Object.entries(errors)[0] ?? ['addresses', 'invalid'];
    return `${at}/${key.replaceAll('.', '/')}: ${message}`;
  }
}

const CLOSE_ID = (prefix: string, length = 43) => new RegExp(`^${prefix}[0-9A-Za-z]{${length}}$`);
export const CLOSE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

/** Cross-reference checks the JSON schema cannot express; returns the first problem or null. */
export function checkCloseSeed(s: CloseSeedT): string | null {
  const ids = new Set<string>();
  const check = (path: string, prefix: string, id: string, length = 43): string | null => {
    if (!CLOSE_ID(prefix, length).test(id)) return `${path}/id: "${id}" is not ${prefix} + ${length} base62 characters`;
    if (ids.has(id)) return `${path}/id: duplicate id ${id}`;
    ids.add(id);
    return null;
  };
  const all = <T extends { id: string }>(kind: string, prefix: string, list: T[]) => {
    for (const [i, r] of list.entries()) {
      const p = check(`/close/${kind}/${i}`, prefix, r.id);
      if (p) return p;
    }
    return null;
  };
  const problem =
    all('users', 'user_', s.users) ?? all('lead_statuses', 'stat_', s.lead_statuses) ??
    all('pipelines', 'pipe_', s.pipelines ?? []) ?? all('opportunity_statuses', 'stat_', s.opportunity_statuses) ?? all('custom_activity_types', 'actitype_', s.custom_activity_types) ??
    all('custom_object_types', 'cotype_', s.custom_object_types) ?? all('custom_fields', 'cf_', s.custom_fields) ??
    all('email_templates', 'tmpl_', s.email_templates ?? []);
  if (problem) return problem;
  for (const [i, x] of (s.email_templates ?? []).entries()) {
    if (x.subject.length > MAX_TEMPLATE_SUBJECT) return `/close/email_templates/${i}/subject: more than ${MAX_TEMPLATE_SUBJECT} characters`;
    if (x.body.length > MAX_TEMPLATE_BODY) return `/close/email_templates/${i}/body: more than ${MAX_TEMPLATE_BODY} characters`;
  }
  // The API key acts as the first active member; an organization needs one.
  if (!s.users.some((u) => u.active !== false)) return '/close/users: at least one user must be active';
  const pipelines = new Set((s.pipelines ?? []).map((x) => x.id));
  for (const [i, x] of s.opportunity_statuses.entries()) {
    if (x.pipeline_id !== undefined && !pipelines.has(x.pipeline_id)) return `/close/opportunity_statuses/${i}/pipeline_id: unknown pipeline ${x.pipeline_id}`;
  }
  const leadStatuses = new Set(s.lead_statuses.map((x) => x.id));
  const oppStatuses = new Set(s.opportunity_statuses.map((x) => x.id));
  const fields = new Set(s.custom_fields.map((f) => f.id));
  const userIds = new Set(s.users.map((u) => u.id));
  const customOk = (path: string, custom: Record<string, unknown>) => {
    for (const id of Object.keys(custom)) if (!fields.has(id)) return `${path}/custom: unknown custom field ${id}`;
    return null;
  };
  for (const [i, lead] of s.leads.entries()) {
    const at = `/close/leads/${i}`;
    const p =
      check(at, 'lead_', lead.id) ??
      (leadStatuses.has(lead.status_id) ? null : `${at}/status_id: unknown lead status ${lead.status_id}`) ??
      customOk(at, lead.custom) ??
      lead.contacts.map((c, j) => check(`${at}/contacts/${j}`, 'cont_', c.id) ?? customOk(`${at}/contacts/${j}`, c.custom)).find(Boolean) ??
      lead.opportunities.map((o, j) => check(`${at}/opportunities/${j}`, 'oppo_', o.id) ??
        (oppStatuses.has(o.status_id) ? null : `${at}/opportunities/${j}/status_id: unknown opportunity status ${o.status_id}`) ??
        (!o.contact_id || lead.contacts.some((c) => c.id === o.contact_id) ? null : `${at}/opportunities/${j}/contact_id: not a contact of this lead`) ??
        customOk(`${at}/opportunities/${j}`, o.custom)).find(Boolean) ??
      lead.activities.map((a, j) => check(`${at}/activities/${j}`, 'acti_', a.id) ?? customOk(`${at}/activities/${j}`, a.custom)).find(Boolean) ??
      lead.custom_objects.map((o, j) => check(`${at}/custom_objects/${j}`, 'custobj_', o.id) ?? customOk(`${at}/custom_objects/${j}`, o.custom)).find(Boolean) ??
      (lead.tasks ?? []).map((x, j) => check(`${at}/tasks/${j}`, 'task_', x.id) ??
        (x.assigned_to === null || userIds.has(x.assigned_to) ? null : `${at}/tasks/${j}/assigned_to: unknown user ${x.assigned_to}`)).find(Boolean) ??
      (lead.emails ?? []).map((x, j) => check(`${at}/emails/${j}`, 'acti_', x.id) ??
        (!x.contact_id || lead.contacts.some((c) => c.id === x.contact_id) ? null : `${at}/emails/${j}/contact_id: not a contact of this lead`)).find(Boolean) ??
      (lead.recorded_activities ?? []).map((x, j) => check(`${at}/recorded_activities/${j}`, 'acti_', x.id) ??
        (!x.opportunity_id || lead.opportunities.some((o) => o.id === x.opportunity_id) ? null
          : `${at}/recorded_activities/${j}/opportunity_id: not an opportunity of this lead`)).find(Boolean) ??
      addressProblem(at, lead.addresses);
    if (p) return p;
  }
  const sequenceProblem = checkSequences(s, all, userIds);
  if (sequenceProblem) return sequenceProblem;
  const unsubscribed = new Set<string>();
  for (const [i, u] of (s.unsubscribed_emails ?? []).entries()) {
    const key = u.email.trim().toLowerCase();
    if (unsubscribed.has(key)) return `/close/unsubscribed_emails/${i}/email: duplicate address ${u.email}`;
    unsubscribed.add(key);
  }
  for (const [i, b] of (s.bulk_edits ?? []).entries()) {
    const at = `/close/bulk_edits/${i}`;
    const kind = b.kind ?? 'edit';
    const p = check(at, BULK_ID_PREFIX.get(kind)!, b.id)
      ?? (BULK_TYPES.get(kind)!.includes(b.type) ? null : `${at}/type: a ${kind} bulk action's type is one of ${BULK_TYPES.get(kind)!.join(', ')}`)
      ?? (new Set(b.items.map((x) => x.seq)).size === b.items.length ? null : `${at}/items: duplicate seq`);
    if (p) return p;
  }
  return checkTypedActivitySeed(s, check) ?? checkWebhookSeed(s, check) ?? checkCommentSeed(s, check) ?? checkViewSeed(s, check);
}

// Real API: only bulkedit_ is documented; here: the other kinds' prefixes (src/close/jobs/*.ts).
const BULK_ID_PREFIX = new Map<string, string>([
  ['edit', 'bulkedit_'], ['delete', 'bulkdelete_'], ['email', 'bulkemail_'], ['sequence_subscription', 'bulkseqsub_'],
]);
const BULK_TYPES = new Map<string, readonly string[]>([
  ['edit', BULK_EDIT_TYPES], ['delete', BULK_OBJECT_TYPES], ['email', ['email']], ['sequence_subscription', SEQUENCE_ACTION_TYPES],
]);

/** Connected accounts, sequences and subscriptions: ids, and what each subscription names. */
function checkSequences(s: CloseSeedT, all: <T extends { id: string }>(kind: string, prefix: string, list: T[]) => string | null, userIds: Set<string>): string | null {
  const p = all('connected_accounts', 'emailacct_', s.connected_accounts ?? []) ?? all('sequences', 'seq_', s.sequences ?? [])
    ?? all('sequence_subscriptions', 'sub_', s.sequence_subscriptions ?? []);
  if (p) return p;
  for (const [i, a] of (s.connected_accounts ?? []).entries()) {
    if (!userIds.has(a.user_id)) return `/close/connected_accounts/${i}/user_id: unknown user ${a.user_id}`;
  }
  const accounts = new Set((s.connected_accounts ?? []).map((a) => a.id));
  const sequences = new Set((s.sequences ?? []).map((x) => x.id));
  const contactLead = new Map(s.leads.flatMap((l) => l.contacts.map((c) => [c.id, l.id] as const)));
  const pairs = new Set<string>();
  for (const [i, x] of (s.sequence_subscriptions ?? []).entries()) {
    const at = `/close/sequence_subscriptions/${i}`;
    if (!sequences.has(x.sequence_id)) return `${at}/sequence_id: unknown sequence ${x.sequence_id}`;
    if (!contactLead.has(x.contact_id)) return `${at}/contact_id: unknown contact ${x.contact_id}`;
    if (contactLead.get(x.contact_id) !== x.lead_id) return `${at}/lead_id: not the contact's lead`;
    if (!accounts.has(x.sender_account_id)) return `${at}/sender_account_id: unknown connected account ${x.sender_account_id}`;
    if (x.pause_reason != null && (x.status !== 'paused' || !(PAUSE_REASONS as readonly string[]).includes(x.pause_reason))) {
      return `${at}/pause_reason: only a paused subscription has one, one of ${PAUSE_REASONS.join(', ')}`;
    }
    const pair = `${x.contact_id} ${x.sequence_id}`;
    if (pairs.has(pair)) return `${at}: the contact already has a subscription to this sequence`;
    pairs.add(pair);
  }
  return null;
}

/** The pipeline a dataset without pipelines gets (and migration 8 gave existing organizations). */
export const defaultPipelineId = (orgId: string): string => `pipe_${orgId.slice('orga_'.length)}`;

/** Inserts a validated Close dataset into one organization, inside the caller's transaction. */
export function insertCloseSeed(db: Db, orgId: string, s: CloseSeedT): void {
  const inserters = new Map<string, ReturnType<typeof rowInserter>>();
  const insert = (table: string, row: Record<string, unknown>) => {
    let run = inserters.get(table);
    if (!run) inserters.set(table, (run = rowInserter(db, table)));
    run(orgId, row);
  };
  const values = (objectId: string, custom: Record<string, unknown>) => {
    for (const [fieldId, value] of Object.entries(custom)) {
      insert('close_custom_values', { object_id: objectId, field_id: fieldId, value: JSON.stringify(value) });
    }
  };
  s.users.forEach(({ active, role_id, date_updated, ...u }, position) =>
    insert('close_users', { ...u, date_updated: date_updated ?? u.date_created, active: active === false ? 0 : 1, role_id: role_id ?? 'user', position }));
  s.lead_statuses.forEach((x, position) => insert('close_lead_statuses', { ...x, position }));
  const pipelines = s.pipelines?.length ? s.pipelines : s.opportunity_statuses.length ? [{ id: defaultPipelineId(orgId), name: 'Sales' }] : [];
  pipelines.forEach((x, position) => insert('close_pipelines', { ...x, position }));
  s.opportunity_statuses.forEach((x, position) => insert('close_opportunity_statuses', { ...x, pipeline_id: x.pipeline_id ?? pipelines[0]!.id, position }));
  const statusType = new Map(s.opportunity_statuses.map((x) => [x.id, x.type]));
  s.custom_activity_types.forEach((x) => insert('close_custom_activity_types', x));
  s.custom_object_types.forEach((x) => insert('close_custom_object_types', x));
  for (const f of s.custom_fields) {
    insert('close_custom_fields', {
      ...f, accepts_multiple_values: f.accepts_multiple_values ? 1 : 0, choices: f.choices ? JSON.stringify(f.choices) : null,
    });
    for (const a of f.associations ?? []) {
      insert('close_shared_field_associations', {
        field_id: f.id, object_type: a.object_type,
        custom_activity_type_id: a.custom_activity_type_id ?? '', custom_object_type_id: a.custom_object_type_id ?? '',
      });
    }
  }
  for (const lead of s.leads) {
    // A seed names only who created a lead; a snapshot also names who last updated each object.
    const by = (o: { created_by?: string | null; updated_by?: string | null }) => ({
      created_by: o.created_by !== undefined ? o.created_by : lead.created_by,
      updated_by: o.updated_by !== undefined ? o.updated_by : lead.created_by,
    });
    insert('close_leads', {
      ...lead, updated_by: lead.updated_by !== undefined ? lead.updated_by : lead.created_by, addresses: JSON.stringify(readAddresses(lead.addresses)),
    });
    values(lead.id, lead.custom);
    for (const c of lead.contacts) {
      insert('close_contacts', { ...c, lead_id: lead.id, emails: JSON.stringify(c.emails), phones: JSON.stringify(c.phones), ...by(c) });
      values(c.id, c.custom);
    }
    for (const o of lead.opportunities) {
      // A seed may leave these out: a won (lost) opportunity was won (lost) when it was last updated.
      const type = statusType.get(o.status_id);
      insert('close_opportunities', {
        ...o, lead_id: lead.id, ...by(o), confidence: o.confidence ?? 0, contact_id: o.contact_id ?? null,
        date_won: o.date_won !== undefined ? o.date_won : type === 'won' ? o.date_updated.slice(0, 10) : null,
        date_lost: o.date_lost !== undefined ? o.date_lost : type === 'lost' ? o.date_updated : null,
      });
      values(o.id, o.custom);
    }
    for (const a of lead.activities) {
      insert('close_activities', { ...a, ...noteColumns(a), lead_id: lead.id });
      values(a.id, a.custom);
    }
    for (const o of lead.custom_objects) {
      insert('close_custom_objects', { ...o, lead_id: lead.id });
      values(o.id, o.custom);
    }
    for (const x of lead.tasks ?? []) insert('close_tasks', { ...x, lead_id: lead.id, ...by(x), is_complete: x.is_complete ? 1 : 0 });
    for (const { to, cc, bcc, ...x } of lead.emails ?? []) {
      insert('close_email_activities', {
        contact_id: null, user_id: null, template_id: null, body_text: null, body_html: null, direction: null, sender: null,
        email_account_id: null, bulk_action_id: null, send_at: null, date_sent: null, thread_id: null, in_reply_to_id: null, ...x, lead_id: lead.id,
        to_addrs: JSON.stringify(to), cc: JSON.stringify(cc ?? []), bcc: JSON.stringify(bcc ?? []),
      });
    }
    for (const { type, fields, ...x } of lead.recorded_activities ?? []) {
      insert('close_recorded_activities', { contact_id: null, opportunity_id: null, task_id: null, ...x, type, fields: JSON.stringify(fields), lead_id: lead.id });
    }
  }
  for (const x of s.email_templates ?? []) {
    const by = { created_by: x.created_by ?? null, updated_by: x.updated_by !== undefined ? x.updated_by : x.created_by ?? null };
    insert('close_email_templates', { ...x, ...by, is_shared: x.is_shared ? 1 : 0, is_archived: x.is_archived ? 1 : 0 });
  }
  for (const u of s.unsubscribed_emails ?? []) insert('close_unsubscribed_emails', { email: u.email.trim().toLowerCase(), date_created: u.date_created });

  for (const { items, ...b } of s.bulk_edits ?? []) {
    insert('close_bulk_actions', {
      ...b, kind: b.kind ?? 'edit', params: JSON.stringify(b.params), s_query: JSON.stringify(b.s_query), sort: JSON.stringify(b.sort),
      send_done_email: b.send_done_email ? 1 : 0,
    });
    for (const item of items) insert('close_bulk_action_items', { ...item, detail: item.detail ?? null, bulk_action_id: b.id, done: item.done ? 1 : 0 });
  }
  for (const a of s.connected_accounts ?? []) insert('close_connected_accounts', a);
  for (const x of s.sequences ?? []) insert('close_sequences', { ...x, schedule: x.schedule === null ? null : JSON.stringify(x.schedule), steps: JSON.stringify(x.steps) });
  for (const x of s.sequence_subscriptions ?? []) {
    const pause_reason = x.pause_reason ?? (x.status === 'paused' ? 'manual' : null);
    insert('close_sequence_subscriptions', { ...x, calls_assigned_to: JSON.stringify(x.calls_assigned_to), pause_reason });
  }
  insertTypedActivitySeed(s, insert);
  insertWebhookSeed(orgId, s, insert);
  insertCommentSeed(s, insert);
  insertViewSeed(s, insert);
}

type Row = Record<string, unknown>;
const parse = (v: unknown) => JSON.parse(v as string) as unknown;

/** The organization's Close data in the seed format (plus who updated what, and its bulk edits). */
export function exportClose(db: Db, orgId: string): CloseSeedT {
  const all = <T = Row>(sql: string) => cached(db, sql).all(orgId) as T[];
  const custom = new Map<string, Record<string, unknown>>();
  // Values of fields that no longer exist are invisible to the API, so a snapshot leaves them out.
  for (const v of all<{ object_id: string; field_id: string; value: string }>(`SELECT v.object_id, v.field_id, v.value FROM close_custom_values v
    JOIN close_custom_fields f ON f.org_id = v.org_id AND f.id = v.field_id WHERE v.org_id = ? ORDER BY v.object_id, v.field_id`)) {
    let m = custom.get(v.object_id);
    if (!m) custom.set(v.object_id, (m = {}));
    m[v.field_id] = parse(v.value);
  }
  const withCustom = <T extends { id: string }>(r: T) => ({ ...r, custom: custom.get(r.id) ?? {} });
  const byLead = <T extends { lead_id: string }>(rows: T[]) => {
    const m = new Map<string, Omit<T, 'lead_id'>[]>();
    for (const { lead_id, ...r } of rows) (m.get(lead_id) ?? m.set(lead_id, []).get(lead_id)!).push(r);
    return m;
  };
  const contacts = byLead(all<Row & { lead_id: string; id: string }>(`SELECT id, lead_id, name, title, emails, phones, created_by, updated_by, date_created, date_updated
    FROM close_contacts WHERE org_id = ? ORDER BY id`).map((c) => withCustom({ ...c, emails: parse(c.emails), phones: parse(c.phones) })));
  const opportunities = byLead(all<Row & { lead_id: string; id: string }>(`SELECT id, lead_id, status_id, value, value_period, confidence, contact_id, user_id, note,
    created_by, updated_by, date_created, date_updated, date_won, date_lost FROM close_opportunities WHERE org_id = ? ORDER BY id`).map(withCustom));
  const activities = byLead(all<Row & { lead_id: string; id: string }>(`SELECT id, lead_id, custom_activity_type_id, note, user_id, date_created, date_updated,
    ${ACTIVITY_EXPORT_COLUMNS} FROM close_activities WHERE org_id = ? ORDER BY id`).map(({ contact_id, created_by, updated_by, note_html, title, pinned, activity_at, ...a }) =>
    ({ ...withCustom(a), ...noteKeys({ contact_id, created_by, updated_by, note_html, title, pinned, activity_at }) })));
  const objects = byLead(all<Row & { lead_id: string; id: string }>(`SELECT id, lead_id, custom_object_type_id, name, date_created, date_updated
    FROM close_custom_objects WHERE org_id = ? ORDER BY id`).map(withCustom));
  const tasks = byLead(all<{ lead_id: string; is_complete: number }>(`SELECT id, lead_id, assigned_to, text, date, is_complete, created_by, updated_by,
    date_created, date_updated FROM close_tasks WHERE org_id = ? ORDER BY id`).map((x) => ({ ...x, is_complete: x.is_complete === 1 })));
  const emails = byLead(all<Row & { lead_id: string; to_addrs: string; cc: string; bcc: string }>(`SELECT id, lead_id, status, subject, to_addrs, cc, bcc,
    date_created, date_updated, contact_id, user_id, template_id, body_text, body_html, direction, sender, email_account_id, bulk_action_id,
    send_at, date_sent, thread_id, in_reply_to_id FROM close_email_activities WHERE org_id = ? ORDER BY id`)
    .map(({ to_addrs, cc, bcc, thread_id, in_reply_to_id, ...x }) => ({
      ...x, to: parse(to_addrs), cc: parse(cc), bcc: parse(bcc),
      // Only when set, so datasets from before threads read back the same.
      ...(thread_id === null ? {} : { thread_id }), ...(in_reply_to_id === null ? {} : { in_reply_to_id }),
    })));
  const recorded = byLead(all<Row & { lead_id: string; fields: string; contact_id: unknown; opportunity_id: unknown; task_id: unknown }>(`SELECT id, lead_id, type,
    user_id, date_created, date_updated, fields, contact_id, opportunity_id, task_id FROM close_recorded_activities WHERE org_id = ? ORDER BY id`)
    .map(({ fields, contact_id, opportunity_id, task_id, ...x }) => ({
      ...x, fields: parse(fields), ...(contact_id === null ? {} : { contact_id }), ...(opportunity_id === null ? {} : { opportunity_id }),
      ...(task_id === null ? {} : { task_id }),
    })));
  const associations = all<{ field_id: string; object_type: string; custom_activity_type_id: string; custom_object_type_id: string }>(
    `SELECT field_id, object_type, custom_activity_type_id, custom_object_type_id FROM close_shared_field_associations WHERE org_id = ?
     ORDER BY field_id, object_type, custom_activity_type_id, custom_object_type_id`);
  const items = all<{ bulk_action_id: string; seq: number; lead_id: string; object_type: string; object_id: string; detail: string | null; done: number }>(
    `SELECT bulk_action_id, seq, lead_id, object_type, object_id, detail, done FROM close_bulk_action_items WHERE org_id = ? ORDER BY bulk_action_id, seq`);
  const name = cached(db, `SELECT name FROM orgs WHERE id = ?`).pluck().get(orgId) as string;
  return {
    // Its id: the event log's and the deliveries' objects name it, and a restore elsewhere renames them.
    organization: { name, id: orgId },
    users: all<Omit<CloseSeedT['users'][number], 'active'> & { active: number }>(`SELECT id, first_name, last_name, email, date_created, date_updated, active, role_id FROM close_users
      WHERE org_id = ? ORDER BY position, id`).map((u) => ({ ...u, active: u.active === 1 })),
    lead_statuses: all(`SELECT id, label FROM close_lead_statuses WHERE org_id = ? ORDER BY position, id`),
    pipelines: all(`SELECT id, name FROM close_pipelines WHERE org_id = ? ORDER BY position, id`),
    opportunity_statuses: all(`SELECT s.id, s.label, s.type, s.pipeline_id FROM close_opportunity_statuses s
      LEFT JOIN close_pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id WHERE s.org_id = ? ORDER BY p.position, p.id, s.position, s.id`),
    custom_activity_types: all(`SELECT id, name FROM close_custom_activity_types WHERE org_id = ? ORDER BY id`),
    custom_object_types: all(`SELECT id, name FROM close_custom_object_types WHERE org_id = ? ORDER BY id`),
    custom_fields: all<Row & { id: string }>(`SELECT id, object_type, custom_activity_type_id, custom_object_type_id, name, description, type,
      accepts_multiple_values, choices, date_created, date_updated FROM close_custom_fields WHERE org_id = ? ORDER BY id`).map((f) => {
      const own = associations.filter((a) => a.field_id === f.id).map((a) => ({
        object_type: a.object_type, custom_activity_type_id: a.custom_activity_type_id || null, custom_object_type_id: a.custom_object_type_id || null,
      }));
      return { ...f, accepts_multiple_values: f.accepts_multiple_values === 1, choices: f.choices === null ? null : parse(f.choices), associations: own.length ? own : null };
    }) as CloseSeedT['custom_fields'],
    leads: all<Row & { id: string; addresses: string }>(`SELECT id, name, status_id, description, url, created_by, updated_by, date_created, date_updated,
      addresses FROM close_leads WHERE org_id = ? ORDER BY id`).map(({ addresses, ...l }) => ({
      // Only on leads with addresses, so datasets written before addresses read back the same.
      ...withCustom(l), ...(addresses === '[]' ? {} : { addresses: parse(addresses) }), contacts: contacts.get(l.id) ?? [], opportunities: opportunities.get(l.id) ?? [],
      activities: activities.get(l.id) ?? [], custom_objects: objects.get(l.id) ?? [], tasks: tasks.get(l.id) ?? [],
      emails: emails.get(l.id) ?? [], ...(recorded.has(l.id) ? { recorded_activities: recorded.get(l.id) } : {}),
    })) as CloseSeedT['leads'],
    bulk_edits: all<BulkActionRow>(`SELECT * FROM close_bulk_actions WHERE org_id = ? ORDER BY seq`).map(({ org_id: _o, ...b }) => ({
      ...b, params: parse(b.params) as Record<string, unknown>, s_query: parse(b.s_query), sort: parse(b.sort) as unknown[],
      send_done_email: b.send_done_email === 1,
      // `detail` only where a kind froze one (a bulk email's address), so older snapshots read back the same.
      items: items.filter((i) => i.bulk_action_id === b.id).map(({ bulk_action_id: _b, detail, ...i }) => ({ ...i, ...(detail === null ? {} : { detail }), done: i.done === 1 })),
    })),
    connected_accounts: all(`SELECT id, user_id, type, email, name, date_created FROM close_connected_accounts WHERE org_id = ? ORDER BY id`),
    sequences: all<Row & { schedule: string | null; steps: string }>(`SELECT id, name, status, timezone, schedule, steps, created_by, updated_by,
      date_created, date_updated FROM close_sequences WHERE org_id = ? ORDER BY id`)
      .map((x) => ({ ...x, schedule: x.schedule === null ? null : parse(x.schedule), steps: parse(x.steps) })) as CloseSeedT['sequences'],
    sequence_subscriptions: all<Row & { calls_assigned_to: string }>(`SELECT id, sequence_id, contact_id, lead_id, contact_email, sender_account_id,
      sender_name, sender_email, status, calls_assigned_to, bulk_action_id, created_by, updated_by, date_created, date_updated, pause_reason
      FROM close_sequence_subscriptions WHERE org_id = ? ORDER BY id`)
      // pause_reason only where it says more than its absence would (a paused one's `manual` is implied).
      .map(({ pause_reason, ...x }) => ({
        ...x, calls_assigned_to: parse(x.calls_assigned_to),
        ...(pause_reason !== null && !(pause_reason === 'manual' && x['status'] === 'paused') ? { pause_reason } : {}),
      })) as CloseSeedT['sequence_subscriptions'],
    email_templates: all<Row & { is_shared: number; is_archived: number }>(`SELECT id, name, subject, body, is_shared, is_archived, created_by, updated_by,
      date_created, date_updated FROM close_email_templates WHERE org_id = ? ORDER BY date_created, id`)
      .map((x) => ({ ...x, is_shared: x.is_shared === 1, is_archived: x.is_archived === 1 })) as CloseSeedT['email_templates'],
    unsubscribed_emails: all(`SELECT email, date_created FROM close_unsubscribed_emails WHERE org_id = ? ORDER BY email`),
    ...exportWebhookSeed(db, orgId),
    ...exportCommentSeed(db, orgId),
    ...exportViewSeed(db, orgId),
    ...exportTypedActivitySeed(db, orgId),
  };
}

const RECORDS = [
  'leads', 'contacts', 'opportunities', 'activities', 'custom_objects', 'tasks', 'bulk_edits', 'connected_accounts', 'sequences', 'sequence_subscriptions',
  'email_templates', 'email_activities', 'unsubscribed_emails', 'webhooks', 'events', 'webhook_deliveries',
  'comment_threads', 'comments', 'lead_merges', 'recorded_activities',
  'saved_searches', 'roles', 'send_as', 'dialer_sessions', 'integration_links', 'typed_activities',
] as const;

/**
 * The table behind each count (`close_<key>` but for the ones below). Real API: none; here: the counts'
 * keys are the dataset's (`bulk_edits`, as datasets and `GET /_mock/orgs` have always named them).
 */
const COUNT_TABLES = new Map<string, string>([['bulk_edits', 'close_bulk_actions']]);

/** Close's dataset hooks, registered with the core by the plugin. */
export const closeDataset: VendorDataset<'close'> = {
  key: 'close',
  check: checkCloseSeed,
  insert: insertCloseSeed,
  export: exportClose,
  // "empty": users, statuses, types, custom fields, email templates, connected accounts and sequences stay,
  // so the API key still has its user, and so do webhook subscriptions; leads (with their emails and
  // subscriptions), unsubscribed addresses, the event log and webhook deliveries go.
  empty: (s) => ({
    ...s, leads: [], typed_activities: [], bulk_edits: [], sequence_subscriptions: [], unsubscribed_emails: [], events: [], webhook_deliveries: [],
    comment_threads: [], comments: [], lead_merges: [],
  }),
  name: (s) => s.organization.name,
  // Memberships are columns of close_users (active, role_id), not rows of their own: `users` counts them.
  counts: (db, orgId) => Object.fromEntries(
    [...RECORDS, 'custom_fields', 'users', 'pipelines'].map((k) => [k, cached(db, `SELECT count(*) FROM ${COUNT_TABLES.get(k) ?? `close_${k}`} WHERE org_id = ?`).pluck().get(orgId) as number]),
  ),
  // The control API lists jobs, deliveries and outbox mail across organizations holding either.
  jobsOrWebhooks: (db, orgId) => cached(db, `SELECT (SELECT count(*) FROM close_bulk_actions WHERE org_id = @o) + (SELECT count(*) FROM close_webhooks WHERE org_id = @o)`)
    .pluck().get({ o: orgId }) as number,
  pending: pendingLanes,
};
