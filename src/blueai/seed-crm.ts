import { cached, rowInserter, type Db } from '../core/db.js';
import type { BlueAISeedT, LegacySeedActivityT, SeedActivityT } from '../../schemas/seed.js';
import { ACTIVITY_TYPES, type ActivityType } from '../../schemas/blueai/activities.js';
import { tagNameKey } from './store/tags.js';

// The dataset's activities, tags and tag assignments: checked, inserted and exported here, apart from
// the records they point at (src/blueai/seed.ts).

const HEX = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
const COLOR = /^#[0-9A-Fa-f]{6}$/;

/** An activity in today's shape, whichever shape the dataset carried. */
export function normalizeActivity(a: SeedActivityT | LegacySeedActivityT): SeedActivityT {
  if (!('subject' in a)) return a;
  const type = (ACTIVITY_TYPES as readonly string[]).includes(a.type) ? (a.type as ActivityType) : 'note';
  return {
    id: a.id, type, content: a.body === null ? a.subject : `${a.subject}\n${a.body}`,
    deal_id: a.deal_id, contact_id: null, created_by: a.member_id, created_at: a.created_at,
  };
}

/** Cross-references of activities, tags and assignments; the first problem, or null. */
export function checkCrmSeed(s: BlueAISeedT): string | null {
  const has = (list: { id: string }[]) => new Set(list.map((r) => r.id));
  const members = has(s.members);
  const targets = new Map<string, Set<string>>([['deal', has(s.deals)], ['contact', has(s.contacts)], ['company', has(s.companies)]]);
  for (const [i, raw] of s.activities.entries()) {
    const a = normalizeActivity(raw);
    const at = `/blueai/activities/${i}`;
    if (a.deal_id === null && a.contact_id === null) return `${at}: an activity needs a deal_id or a contact_id`;
    if (a.deal_id !== null && !targets.get('deal')!.has(a.deal_id)) return `${at}/deal_id: unknown deal ${a.deal_id}`;
    if (a.contact_id !== null && !targets.get('contact')!.has(a.contact_id)) return `${at}/contact_id: unknown contact ${a.contact_id}`;
    if (a.created_by !== null && !members.has(a.created_by)) return `${at}/created_by: unknown member ${a.created_by}`;
  }
  const tags = new Set<string>();
  const names = new Set<string>();
  for (const [i, tag] of (s.tags ?? []).entries()) {
    const at = `/blueai/tags/${i}`;
    if (!HEX('tag_').test(tag.id)) return `${at}/id: "${tag.id}" is not tag_ + 32 hex`;
    if (tags.has(tag.id)) return `${at}/id: duplicate id ${tag.id}`;
    if (!COLOR.test(tag.color)) return `${at}/color: "${tag.color}" is not #RRGGBB`;
    if (names.has(tagNameKey(tag.name))) return `${at}/name: another tag is named "${tag.name}" (names are unique, ignoring case)`;
    tags.add(tag.id);
    names.add(tagNameKey(tag.name));
  }
  const seen = new Set<string>();
  const pairs = new Set<string>();
  for (const [i, a] of (s.tag_assignments ?? []).entries()) {
    const at = `/blueai/tag_assignments/${i}`;
    if (!HEX('taga_').test(a.id)) return `${at}/id: "${a.id}" is not taga_ + 32 hex`;
    if (seen.has(a.id)) return `${at}/id: duplicate id ${a.id}`;
    if (!tags.has(a.tag_id)) return `${at}/tag_id: unknown tag ${a.tag_id}`;
    if (!targets.get(a.resource_type)!.has(a.resource_id)) return `${at}/resource_id: unknown ${a.resource_type} ${a.resource_id}`;
    const pair = `${a.tag_id} ${a.resource_type} ${a.resource_id}`;
    if (pairs.has(pair)) return `${at}: tag ${a.tag_id} is assigned to ${a.resource_type} ${a.resource_id} twice`;
    seen.add(a.id);
    pairs.add(pair);
  }
  return null;
}

/** Inserts the activities, tags and assignments of a checked dataset, inside the caller's transaction. */
export function insertCrmSeed(db: Db, orgId: string, s: BlueAISeedT): void {
  const insert = (table: string, rows: Record<string, unknown>[]) => {
    const run = rowInserter(db, table);
    for (const row of rows) run(orgId, row);
  };
  insert('blueai_activities', s.activities.map(normalizeActivity));
  insert('blueai_tags', (s.tags ?? []).map((t) => ({ ...t, name_key: tagNameKey(t.name) })));
  insert('blueai_tag_assignments', s.tag_assignments ?? []);
}

/** The organization's activities, tags and assignments in the seed format, in primary-key order. */
export function exportCrmSeed(db: Db, orgId: string): Pick<BlueAISeedT, 'activities' | 'tags' | 'tag_assignments'> {
  const all = <T>(sql: string) => cached(db, sql).all(orgId) as T[];
  return {
    activities: all(`SELECT id, type, content, deal_id, contact_id, created_by, created_at FROM blueai_activities WHERE org_id = ? ORDER BY id`),
    tags: all(`SELECT id, name, color, created_at, updated_at FROM blueai_tags WHERE org_id = ? ORDER BY id`),
    tag_assignments: all(`SELECT id, tag_id, resource_type, resource_id, created_at FROM blueai_tag_assignments WHERE org_id = ? ORDER BY id`),
  };
}

/** The tables counted in `/_mock/orgs` beside the records. */
export const CRM_COUNTED = ['activities', 'tags', 'tag_assignments'] as const;
