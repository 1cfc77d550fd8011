import { cached, columns, rowInserter, type Db } from '../core/db.js';
import type { VendorDataset } from '../core/datasets.js';
import type { BlueAISeedT } from '../../schemas/seed.js';
import { CRM_COUNTED, checkCrmSeed, exportCrmSeed, insertCrmSeed } from './seed-crm.js';
import {
  checkCustomFieldsSeed, exportCustomFieldDefinitions, insertCustomFieldDefinitions, withParsedValues, withStoredValues,
} from './seed-custom-fields.js';

const HEX_ID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

/** Cross-reference checks the JSON schema cannot express; returns the first problem or null. */
export function checkBlueAISeed(s: BlueAISeedT): string | null {
  const ids = new Set<string>();
  const idCheck = (kind: string, prefix: string, list: { id: string }[]): string | null => {
    for (const [i, row] of list.entries()) {
      if (!HEX_ID(prefix).test(row.id)) return `/blueai/${kind}/${i}/id: "${row.id}" is not ${prefix} + 32 hex`;
      if (ids.has(row.id)) return `/blueai/${kind}/${i}/id: duplicate id ${row.id}`;
      ids.add(row.id);
    }
    return null;
  };
  const problem =
    idCheck('members', 'usr_', s.members) ??
    idCheck('pipelines', 'pipe_', s.pipelines) ??
    idCheck('companies', 'comp_', s.companies) ??
    idCheck('contacts', 'cont_', s.contacts) ??
    idCheck('deals', 'deal_', s.deals) ??
    idCheck('activities', 'act_', s.activities) ??
    idCheck('custom_field_definitions', 'cfd_', s.custom_field_definitions ?? []) ??
    idCheck('sessions', 'sess_', s.sessions ?? []);
  if (problem) return problem;
  if (s.pipelines.length > 0 && s.pipelines.filter((p) => p.is_default).length !== 1) {
    return '/blueai/pipelines: exactly one pipeline must have is_default true';
  }
  const stages = new Map(s.pipelines.map((p) => [p.id, new Set(p.stages.map((st) => st.slug))]));
  for (const [i, p] of s.pipelines.entries()) {
    if (stages.get(p.id)!.size !== p.stages.length) return `/blueai/pipelines/${i}/stages: duplicate stage slug`;
  }
  const has = (list: { id: string }[]) => new Set(list.map((r) => r.id));
  const members = has(s.members);
  const companies = has(s.companies);
  const contacts = has(s.contacts);
  for (const [i, c] of s.contacts.entries()) {
    if (c.company_id && !companies.has(c.company_id)) return `/blueai/contacts/${i}/company_id: unknown company ${c.company_id}`;
  }
  for (const [i, d] of s.deals.entries()) {
    const at = `/blueai/deals/${i}`;
    const pipeline = stages.get(d.pipeline_id);
    if (!pipeline) return `${at}/pipeline_id: unknown pipeline ${d.pipeline_id}`;
    if (!pipeline.has(d.stage)) return `${at}/stage: "${d.stage}" is not a stage of pipeline ${d.pipeline_id}`;
    if (d.company_id && !companies.has(d.company_id)) return `${at}/company_id: unknown company ${d.company_id}`;
    if (d.contact_id && !contacts.has(d.contact_id)) return `${at}/contact_id: unknown contact ${d.contact_id}`;
    if (d.assigned_member_id && !members.has(d.assigned_member_id)) {
      return `${at}/assigned_member_id: unknown member ${d.assigned_member_id}`;
    }
  }
  for (const [i, x] of (s.sessions ?? []).entries()) {
    if (!members.has(x.member_id)) return `/blueai/sessions/${i}/member_id: unknown member ${x.member_id}`;
  }
  const emails = new Set<string>();
  for (const [i, m] of s.members.entries()) {
    const email = m.email.toLowerCase();
    if (m.password_hash && emails.has(email)) return `/blueai/members/${i}/email: two members who can sign in share ${m.email}`;
    if (m.password_hash) emails.add(email);
  }
  return checkCrmSeed(s) ?? checkCustomFieldsSeed(s);
}

/** Inserts a validated dataset into one organization, inside the caller's transaction. */
export function insertBlueAISeed(db: Db, orgId: string, s: BlueAISeedT): void {
  const insert = (table: string, rows: Record<string, unknown>[]) => {
    const run = rowInserter(db, table);
    for (const row of rows) run(orgId, row);
  };
  const bool = (b: boolean) => (b ? 1 : 0);
  insert('blueai_members', s.members.map((m) => ({ ...m, password_hash: m.password_hash ?? null })));
  insert('blueai_pipelines', s.pipelines.map(({ stages: _s, ...p }) => ({ ...p, is_default: bool(p.is_default) })));
  insert(
    'blueai_stages',
    s.pipelines.flatMap((p) => p.stages.map((st, position) => ({ pipeline_id: p.id, slug: st.slug, name: st.name, position }))),
  );
  insert('blueai_companies', withStoredValues(s.companies));
  insert('blueai_contacts', withStoredValues(s.contacts));
  insert('blueai_deals', withStoredValues(s.deals));
  insertCrmSeed(db, orgId, s);
  insertCustomFieldDefinitions(db, orgId, s);
  insert('blueai_sessions', s.sessions ?? []);
}

/** The organization's BlueAI data in the seed format; rows in primary-key order, stages by position. */
export function exportBlueAI(db: Db, orgId: string): BlueAISeedT {
  const all = <T>(sql: string) => cached(db, sql).all(orgId) as T[];
  const stages = all<{ pipeline_id: string; slug: string; name: string }>(
    `SELECT pipeline_id, slug, name FROM blueai_stages WHERE org_id = ? ORDER BY pipeline_id, position`);
  const pipelines = all<Omit<BlueAISeedT['pipelines'][number], 'stages' | 'is_default'> & { is_default: number }>(
    `SELECT id, name, is_default, sort_order, created_at, updated_at FROM blueai_pipelines WHERE org_id = ? ORDER BY id`);
  const members = all<BlueAISeedT['members'][number] & { password_hash: string | null }>(
    `SELECT id, name, email, role, created_at, password_hash FROM blueai_members WHERE org_id = ? ORDER BY id`);
  const sessions = all<NonNullable<BlueAISeedT['sessions']>[number]>(
    `SELECT id, token_hash, member_id, created_at, expires_at FROM blueai_sessions WHERE org_id = ? ORDER BY id`);
  return {
    // Only the hash, and only for members who have one (a dataset without passwords stays as it was).
    members: members.map(({ password_hash, ...m }) => (password_hash === null ? m : { ...m, password_hash })),
    pipelines: pipelines.map((p) => ({
      ...p, is_default: p.is_default === 1,
      stages: stages.filter((s) => s.pipeline_id === p.id).map(({ slug, name }) => ({ slug, name })),
    })),
    companies: withParsedValues(all(`SELECT ${cols(db, 'blueai_companies')} FROM blueai_companies WHERE org_id = ? ORDER BY id`)),
    contacts: withParsedValues(all(`SELECT ${cols(db, 'blueai_contacts')} FROM blueai_contacts WHERE org_id = ? ORDER BY id`)),
    deals: withParsedValues(all(`SELECT ${cols(db, 'blueai_deals')} FROM blueai_deals WHERE org_id = ? ORDER BY id`)),
    ...exportCrmSeed(db, orgId),
    custom_field_definitions: exportCustomFieldDefinitions(db, orgId),
    ...(sessions.length > 0 ? { sessions } : {}),
  };
}

const cols = (db: Db, table: string) => columns(db, table).filter((c) => c !== 'org_id').join(', ');

/** BlueAI's dataset hooks, registered with the core by the plugin. */
export const blueaiDataset: VendorDataset<'blueai'> = {
  key: 'blueai',
  check: checkBlueAISeed,
  insert: insertBlueAISeed,
  export: exportBlueAI,
  // "empty": the organization's members, pipelines and custom field definitions stay, so deals can be created at once.
  empty: (s) => ({ ...s, companies: [], contacts: [], deals: [], activities: [], tags: [], tag_assignments: [], sessions: [] }),
  counts: (db, orgId) => Object.fromEntries(
    (['members', 'pipelines', 'companies', 'contacts', 'deals', ...CRM_COUNTED, 'custom_field_definitions'] as const).map((k) => [
      k, cached(db, `SELECT count(*) FROM blueai_${k} WHERE org_id = ?`).pluck().get(orgId) as number,
    ]),
  ),
};
