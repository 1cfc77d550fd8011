import { cached, type Db } from '../core/db.js';
import type { CloseSeedT } from '../../schemas/seed.js';
import { kindFields, type TableKind } from './store/typed-render.js';

// Notes' own keys and the calls, meetings and SMS of a Close dataset (close.typed_activities): checked,
// inserted and exported so that snapshot → restore gives the same bytes.

type Seed = CloseSeedT;
type Check = (path: string, prefix: string, id: string, length?: number) => string | null;
type Insert = (table: string, row: Record<string, unknown>) => void;
type Note = Seed['leads'][number]['activities'][number];

/** The first problem of the dataset's calls, meetings and SMS (ids, leads, contacts, users), or null. */
export function checkTypedActivitySeed(s: Seed, check: Check): string | null {
  const leads = new Map(s.leads.map((l) => [l.id, new Set(l.contacts.map((c) => c.id))]));
  const users = new Set(s.users.map((u) => u.id));
  for (const [i, a] of (s.typed_activities ?? []).entries()) {
    const at = `/close/typed_activities/${i}`;
    const p = check(at, 'acti_', a.id);
    if (p) return p;
    const contacts = leads.get(a.lead_id);
    if (!contacts) return `${at}/lead_id: unknown lead ${a.lead_id}`;
    if (a.contact_id && !contacts.has(a.contact_id)) return `${at}/contact_id: not a contact of this lead`;
    for (const key of ['user_id', 'created_by', 'updated_by'] as const) {
      const u = a[key];
      if (u && !users.has(u)) return `${at}/${key}: unknown user ${u}`;
    }
  }
  return null;
}

/** A note's own columns: each absent key null (pinned false). */
export const noteColumns = (a: Note) => ({
  contact_id: a.contact_id ?? null, created_by: a.created_by ?? null, updated_by: a.updated_by ?? null, note_html: a.note_html ?? null,
  title: a.title ?? null, pinned: a.pinned ? 1 : 0, activity_at: a.activity_at ?? null,
});

export function insertTypedActivitySeed(s: Seed, insert: Insert): void {
  for (const a of s.typed_activities ?? []) {
    const { id, _type, lead_id, contact_id, user_id, created_by, updated_by, activity_at, date_created, date_updated, ...own } = a;
    insert('close_typed_activities', {
      id, type: _type, lead_id, contact_id: contact_id ?? null, user_id: user_id ?? null, created_by: created_by ?? null,
      updated_by: updated_by ?? null, activity_at: activity_at ?? null, date_created, date_updated,
      fields: JSON.stringify(kindFields(_type as TableKind, own)),
    });
  }
}

/** The SELECT list of close_activities a dataset exports (the note columns after the original ones). */
export const ACTIVITY_EXPORT_COLUMNS = 'contact_id, created_by, updated_by, note_html, title, pinned, activity_at';

/** A close_activities row's note keys as a dataset has them: only those set, so older datasets read back the same. */
export function noteKeys<R extends Record<string, unknown>>(r: R): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'pinned') { if (v === 1) out[k] = true; } else if (v !== null) out[k] = v;
  }
  return out;
}

export function exportTypedActivitySeed(db: Db, orgId: string): Pick<Seed, 'typed_activities'> {
  const rows = cached(db, `SELECT id, type, lead_id, contact_id, user_id, created_by, updated_by, activity_at, date_created, date_updated, fields
    FROM close_typed_activities WHERE org_id = ? ORDER BY id`).all(orgId) as (Record<string, unknown> & { type: string; fields: string })[];
  return {
    typed_activities: rows.map(({ type, fields, ...r }) => ({ id: r['id'], _type: type, ...r, ...(JSON.parse(fields) as object) })) as Seed['typed_activities'],
  };
}
