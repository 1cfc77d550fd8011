import { cached, exists, pick, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { LeadCreateT, LeadT, LeadUpdateT } from '../../../schemas/close/leads.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import type { StatusStore } from './statuses.js';
import type { ContactStore } from './contacts.js';
import type { OpportunityStore } from './opportunities.js';
import { compileQuery, translateLegacy } from '../query/index.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import type { RecordedActivityStore } from './recorded-activities.js';
import { countRows, pageRows, userNameSql, type CountedPage, type PageParams, type Stamper } from './common.js';
import { addressSummary, parseAddresses, readAddresses } from './addresses.js';
import { givenDate } from '../dates.js';

interface LeadRow {
  org_id: string; id: string; name: string | null; status_id: string; description: string | null; url: string | null;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string; status_label: string | null;
  addresses: string;
  created_by_name: string | null; updated_by_name: string | null;
}

const SELECT = `SELECT l.*, s.label AS status_label,
  ${userNameSql('l.org_id', 'l.created_by')} AS created_by_name, ${userNameSql('l.org_id', 'l.updated_by')} AS updated_by_name FROM close_leads l
  LEFT JOIN close_lead_statuses s ON s.org_id = l.org_id AND s.id = l.status_id`;
const WRITABLE = ['name', 'status_id', 'description', 'url'] as const;
/** Tables of objects that belong to a lead and go with it. */
// Real API: deleting a lead deletes its tasks too; here: the same, with everything else that hangs off it (its emails too).
const CHILD_TABLES = ['close_contacts', 'close_opportunities', 'close_activities', 'close_custom_objects', 'close_tasks',
  'close_sequence_subscriptions', 'close_email_activities', 'close_comment_threads', 'close_comments', 'close_lead_merges',
  'close_recorded_activities', 'close_typed_activities'] as const;

export class LeadStore {
  /** Records the lead's Created activity and its status changes (set by CloseStore). */
  recorded: RecordedActivityStore | null = null;

  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly statuses: StatusStore,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues,
    private readonly contacts: ContactStore, private readonly opportunities: OpportunityStore,
  ) {}

  list(orgId: string, q: PageParams & { query?: string | undefined }, tzOffsetMinutes = 0): CountedPage<LeadT> {
    if (q.query !== undefined && q.query.trim() !== '') return this.listLegacy(orgId, q.query, q, tzOffsetMinutes);
    const { rows, has_more } = pageRows<LeadRow>(this.db,
      `${SELECT} WHERE l.org_id = @org ORDER BY l.date_created DESC, l.id DESC`, { org: orgId }, q);
    return { data: this.render(orgId, rows), has_more, total_results: countRows(this.db, 'FROM close_leads l WHERE l.org_id = @org', { org: orgId }) };
  }

  /**
   * `GET /lead/?query=…`: the legacy search string, translated to an s_query and evaluated by the same
   * compiler as /data/search/ and bulk edits; its sort: keys replace the default newest-first order.
   */
  private listLegacy(orgId: string, text: string, q: PageParams, tzOffsetMinutes: number): CountedPage<LeadT> {
    const legacy = translateLegacy(this.db, orgId, text);
    // The clock only matters for relative moments, which the legacy grammar has none of.
    const c = compileQuery(this.db, orgId, legacy.sQuery, {
      root: 'query', sort: legacy.sort, now: new Date(0), tzOffsetMinutes, legacy: true, slice: legacy.slice, paged: true,
    });
    const ids = this.db.prepare(`${c.select('a.id')} ORDER BY ${c.orderBy} LIMIT @__limit OFFSET @__skip`).pluck()
      .all({ ...c.params, __limit: q._limit + 1, __skip: q._skip }) as string[];
    const page = ids.slice(0, q._limit);
    const byId = new Map((cached(this.db, `${SELECT} WHERE l.org_id = ? AND l.id IN (SELECT value FROM json_each(?))`)
      .all(orgId, JSON.stringify(page)) as LeadRow[]).map((r) => [r.id, r]));
    return {
      data: this.render(orgId, page.map((id) => byId.get(id)!)), has_more: ids.length > q._limit,
      // Prepared each time, not cached: the SQL differs per query string.
      total_results: (this.db.prepare(c.select('COUNT(*)')).pluck().get(c.params) as number),
    };
  }

  find(orgId: string, id: string): LeadT | undefined {
    const row = cached(this.db, `${SELECT} WHERE l.org_id = ? AND l.id = ?`).get(orgId, id) as LeadRow | undefined;
    return row ? this.render(orgId, [row])[0] : undefined;
  }

  /** Many leads as GET answers each, rendered together (a bulk action's batch of events); missing ones left out. */
  findMany(orgId: string, ids: string[]): Map<string, LeadT> {
    const rows = cached(this.db, `${SELECT} WHERE l.org_id = ? AND l.id IN (SELECT value FROM json_each(?))`).all(orgId, JSON.stringify(ids)) as LeadRow[];
    return new Map(this.render(orgId, rows).map((l) => [l.id, l]));
  }

  get(orgId: string, id: string): LeadT {
    const lead = this.find(orgId, id);
    if (!lead) throw notFound(`Lead ${id} not found.`);
    return lead;
  }

  /** Creates a lead and its nested contacts in one transaction, after validating all of them. */
  create(orgId: string, userId: string, input: LeadCreateT): LeadT {
    const statusId = this.resolveStatus(orgId, input) ?? this.statuses.defaultLead(orgId)?.id;
    if (!statusId) throw validationError('The organization has no lead statuses.', { status_id: 'This field is required.' });
    const custom = readCustom(this.fields, orgId, input, applicableFields(this.fields, orgId, 'lead'));
    const addresses = JSON.stringify(readAddresses(input.addresses));
    // Real API: created_by and date_created may be given on create (imports of history, as Close's own import
    // script sends them); here: stored as given, the creator then also the last editor (as for opportunities).
    if (input.created_by && !exists(this.db, 'close_users', orgId, input.created_by)) {
      throw validationError(`User ${input.created_by} not found.`, { created_by: 'User not found.' });
    }
    const creator = input.created_by || userId;
    const given = input.date_created ? givenDate(input.date_created, 'date_created') : null;
    const now = this.stamp.now(orgId);
    const row = {
      id: this.ids.base62('lead_'), name: input.name ?? null, status_id: statusId, description: input.description ?? null,
      url: input.url ?? null, created_by: creator, updated_by: creator, date_created: given ?? now, date_updated: now, addresses,
    };
    const contacts = (input.contacts ?? []).map((c, i) => this.contacts.prepare(orgId, userId, row.id, c, `contacts.${i}.`));
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_leads (org_id, id, name, status_id, description, url, created_by, updated_by, date_created, date_updated, addresses)
        VALUES (@org_id, @id, @name, @status_id, @description, @url, @created_by, @updated_by, @date_created, @date_updated, @addresses)`)
        .run({ ...row, org_id: orgId });
      writeCustom(this.values, orgId, row.id, custom);
      for (const c of contacts) this.contacts.insertIn(orgId, c);
      // Real API: a lead created with a status records a Created activity, no status change; here: the same.
      this.recorded?.leadCreated(orgId, userId, row.id, row.date_created);
    })();
    return this.get(orgId, row.id);
  }

  /**
   * Partial update: only the keys sent change. Real API: `contacts` in a lead PUT is not how contacts
   * are edited; here: it is ignored (use /contact/).
   */
  update(orgId: string, userId: string, id: string, patch: LeadUpdateT): LeadT {
    const current = this.get(orgId, id);
    const statusId = this.resolveStatus(orgId, patch);
    const custom = readCustom(this.fields, orgId, patch, applicableFields(this.fields, orgId, 'lead'));
    // Real API: `addresses` in a PUT replaces the lead's list; here: the same (absent = unchanged).
    const addresses = JSON.stringify(patch.addresses === undefined ? current.addresses : readAddresses(patch.addresses));
    const next = {
      id, name: current.name, status_id: current.status_id, description: current.description, url: current.url,
      ...pick({ ...patch, status_id: statusId }, WRITABLE), updated_by: userId, date_updated: this.stamp.now(orgId), addresses,
    };
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_leads SET name = @name, status_id = @status_id, description = @description, url = @url,
        updated_by = @updated_by, date_updated = @date_updated, addresses = @addresses WHERE org_id = @org_id AND id = @id`).run({ ...next, org_id: orgId });
      writeCustom(this.values, orgId, id, custom);
      // Only a status that really changes is recorded (the same status again records nothing).
      this.recorded?.leadStatusChanged(orgId, userId, [{ leadId: id, oldStatusId: current.status_id }], next.status_id);
    })();
    return this.get(orgId, id);
  }

  /** Deletes the lead, everything that belongs to it and all their custom values, in one transaction. */
  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    this.removeMany(orgId, [id]);
  }

  /**
   * Deletes the leads that exist of `ids` with everything that belongs to them, in one transaction
   * (a bulk delete's batch: one statement per table, not per lead); returns how many existed.
   */
  removeMany(orgId: string, ids: string[]): number {
    return this.db.transaction(() => {
      const found = cached(this.db, `SELECT id FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
        .pluck().all(orgId, JSON.stringify(ids)) as string[];
      if (found.length === 0) return 0;
      const leads = JSON.stringify(found);
      // Each child table through its lead index, named: without statistics SQLite reads every row of
      // the organization's table by primary key for `lead_id IN (json_each)` (a 10k-lead delete: 5×).
      const contactIds = cached(this.db, `SELECT id FROM close_contacts INDEXED BY close_contacts_lead WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))`)
        .pluck().all(orgId, leads) as string[];
      for (const table of CHILD_TABLES) {
        cached(this.db, `DELETE FROM close_custom_values WHERE org_id = @org AND object_id IN
          (SELECT id FROM ${table} INDEXED BY ${table}_lead WHERE org_id = @org AND lead_id IN (SELECT value FROM json_each(@leads)))`).run({ org: orgId, leads });
        cached(this.db, `DELETE FROM ${table} INDEXED BY ${table}_lead WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))`).run(orgId, leads);
      }
      cached(this.db, `DELETE FROM close_custom_values WHERE org_id = ? AND object_id IN (SELECT value FROM json_each(?))`).run(orgId, leads);
      cached(this.db, `DELETE FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).run(orgId, leads);
      this.contacts.clearReferences(orgId, contactIds);
      return found.length;
    })();
  }

  /** `status_id`, or else a `status` label → the status id; unknown → 400 naming the key sent. */
  private resolveStatus(orgId: string, input: { status_id?: string | undefined; status?: string | undefined }): string | undefined {
    if (input.status_id !== undefined) {
      if (!this.statuses.findLead(orgId, input.status_id)) throw validationError(`Lead status ${input.status_id} not found.`, { status_id: 'Lead status not found.' });
      return input.status_id;
    }
    if (input.status !== undefined) {
      const s = this.statuses.findLeadByLabel(orgId, input.status);
      if (!s) throw validationError(`Lead status "${input.status}" not found.`, { status: 'Lead status not found.' });
      return s.id;
    }
    return undefined;
  }

  private render(orgId: string, rows: LeadRow[]): LeadT[] {
    const ids = rows.map((r) => r.id);
    const custom = this.values.flatFor(orgId, ids);
    const contacts = this.contacts.forLeads(orgId, ids);
    const opportunities = this.opportunities.forLeads(orgId, ids);
    return rows.map((r) => {
      const leadContacts = contacts.get(r.id)!;
      const addresses = parseAddresses(r.addresses);
      return {
        id: r.id, name: r.name,
        // Real API: display_name falls back to other data when the lead has no name; here: name, or "".
        display_name: r.name ?? '',
        status_id: r.status_id, status_label: r.status_label ?? '', description: r.description, url: r.url,
        organization_id: orgId, contacts: leadContacts, contact_ids: leadContacts.map((c) => c.id),
        // Real API: the lead's page in Close's app; here: the same address, though no app answers there.
        html_url: `https://app.close.com/lead/${r.id}/`, opportunities: opportunities.get(r.id)!,
        created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
        created_by_name: r.created_by_name, updated_by_name: r.updated_by_name,
        // Real API: the lead's primary email and phone; here: the first of its contacts' (in creation order).
        primary_email: leadContacts.find((c) => c.emails.length)?.emails[0] ?? null,
        primary_phone: leadContacts.find((c) => c.phones.length)?.phones[0] ?? null,
        addresses, recent_calls: [], integration_links: [], primary_address_summary: addressSummary(addresses),
        ...custom.get(r.id),
      };
    });
  }
}

