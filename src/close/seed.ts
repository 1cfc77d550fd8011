import { rowInserter, type Db } from '../core/db.js';
import type { CloseSeedT } from '../../schemas/seed.js';

const CLOSE_ID = (prefix: string) => new RegExp(`^${prefix}[0-9A-Za-z]{43}$`);
export const CLOSE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

/** Cross-reference checks the JSON schema cannot express; returns the first problem or null. */
export function checkCloseSeed(s: CloseSeedT): string | null {
  const ids = new Set<string>();
  const check = (path: string, prefix: string, id: string): string | null => {
    if (!CLOSE_ID(prefix).test(id)) return `${path}/id: "${id}" is not ${prefix} + 43 base62 characters`;
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
    all('opportunity_statuses', 'stat_', s.opportunity_statuses) ?? all('custom_activity_types', 'actitype_', s.custom_activity_types) ??
    all('custom_object_types', 'cotype_', s.custom_object_types) ?? all('custom_fields', 'cf_', s.custom_fields);
  if (problem) return problem;
  const leadStatuses = new Set(s.lead_statuses.map((x) => x.id));
  const oppStatuses = new Set(s.opportunity_statuses.map((x) => x.id));
  const fields = new Set(s.custom_fields.map((f) => f.id));
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
        customOk(`${at}/opportunities/${j}`, o.custom)).find(Boolean) ??
      lead.activities.map((a, j) => check(`${at}/activities/${j}`, 'acti_', a.id) ?? customOk(`${at}/activities/${j}`, a.custom)).find(Boolean) ??
      lead.custom_objects.map((o, j) => check(`${at}/custom_objects/${j}`, 'custobj_', o.id) ?? customOk(`${at}/custom_objects/${j}`, o.custom)).find(Boolean);
    if (p) return p;
  }
  return null;
}

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
  s.users.forEach((u, position) => insert('close_users', { ...u, position }));
  s.lead_statuses.forEach((x, position) => insert('close_lead_statuses', { ...x, position }));
  s.opportunity_statuses.forEach((x, position) => insert('close_opportunity_statuses', { ...x, position }));
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
    insert('close_leads', { ...lead, updated_by: lead.created_by });
    values(lead.id, lead.custom);
    for (const c of lead.contacts) {
      insert('close_contacts', { ...c, lead_id: lead.id, emails: JSON.stringify(c.emails), phones: JSON.stringify(c.phones), created_by: lead.created_by, updated_by: lead.created_by });
      values(c.id, c.custom);
    }
    for (const o of lead.opportunities) {
      insert('close_opportunities', { ...o, lead_id: lead.id, created_by: lead.created_by, updated_by: lead.created_by });
      values(o.id, o.custom);
    }
    for (const a of lead.activities) {
      insert('close_activities', { ...a, lead_id: lead.id });
      values(a.id, a.custom);
    }
    for (const o of lead.custom_objects) {
      insert('close_custom_objects', { ...o, lead_id: lead.id });
      values(o.id, o.custom);
    }
  }
}
