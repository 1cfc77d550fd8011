import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { LeadMergeActivityT, LeadMergeBodyT } from '../../../schemas/close/lead-merge.js';
import { ACTIVITY_REFUSED } from '../../../schemas/close/activities.js';
import { pageRows, userNameSql, type ClosePage, type PageParams, type Stamper } from './common.js';
import { commaList, refuse, Where, type ListQuery } from './filters.js';
import { own } from '../../core/own.js';
import type { LeadStore } from './leads.js';
import { parseAddresses } from './addresses.js';
import type { EventKind, EventLog } from './events.js';
import type { EventKinds } from './event-kinds.js';

interface MergeRow {
  id: string; lead_id: string; source_lead_id: string; destination_lead_id: string; source_display_name: string | null;
  destination_display_name: string | null; user_id: string | null; user_name: string | null; date_created: string; date_updated: string;
}

/**
 * Lead-owned tables whose rows are history, not the lead's objects: they keep the source lead's id
 * (the event log, and the items a bulk action froze).
 */
const HISTORY_TABLES = new Set(['close_events', 'close_bulk_action_items']);

const SELECT = `SELECT m.*, ${userNameSql('m.org_id', 'm.user_id')} AS user_name FROM close_lead_merges m`;

/**
 * POST /lead/merge/ and the LeadMerge activities it leaves. Real API: the source lead's contacts,
 * opportunities, activities, tasks and the rest move to the destination, and the source is deleted
 * (Close's Lead Merges page: "The source lead is merged into the destination lead and then deleted");
 * here: the same, synchronously (the activity is `completed` when the answer comes).
 */
export class LeadMergeStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly leads: LeadStore,
    private readonly events: EventLog, private readonly kinds: () => EventKinds,
  ) {}

  /**
   * Merges with its events, in one transaction: every moved object's `updated`, the LeadMerge activity's
   * `created`, the source's `deleted`, the destination's `updated` and its `merged` — each carrying
   * `meta.merge_source_lead_id` / `merge_destination_lead_id`, as Close's event docs say of a merge.
   */
  mergeTracked(orgId: string, userId: string, body: LeadMergeBodyT): LeadMergeActivityT {
    this.check(orgId, body);
    const meta = { merge_source_lead_id: body.source, merge_destination_lead_id: body.destination };
    return this.events.withContext({ meta }, () => this.db.transaction(() => {
      const k = this.kinds();
      const source = k.lead.render(orgId, body.source)!;
      const before = k.lead.render(orgId, body.destination)!;
      const moved = this.movedObjects(orgId, source, k);
      const activity = this.merge(orgId, userId, body);
      for (const m of moved) {
        const after = m.kind.render(orgId, m.id);
        if (after) this.events.log(orgId, m.kind, m.id, 'updated', m.obj, after);
      }
      this.events.log(orgId, k.leadMerge, activity.id, 'created', null, activity);
      this.events.log(orgId, k.lead, body.source, 'deleted', source, null);
      const after = k.lead.render(orgId, body.destination)!;
      this.events.log(orgId, k.lead, body.destination, 'updated', before, after);
      this.events.record(orgId, { object_type: 'lead', object_id: body.destination, lead_id: body.destination, action: 'merged', previous_data: null, data: k.lead.eventData!(after) });
      return activity;
    })());
  }

  /**
   * The merge itself. Every table of the organization with a `lead_id` column (but history) moves the
   * source's rows to the destination, so a lead-owned kind added later moves without being named here.
   * Lead-level custom values: the destination keeps each it has and takes the source's where it has none.
   */
  merge(orgId: string, userId: string, body: LeadMergeBodyT): LeadMergeActivityT {
    this.check(orgId, body);
    const { source, destination } = body;
    const names = cached(this.db, `SELECT id, name FROM close_leads WHERE org_id = ? AND id IN (?, ?)`).all(orgId, source, destination) as { id: string; name: string | null }[];
    const nameOf = (id: string) => names.find((n) => n.id === id)?.name ?? '';
    const now = this.stamp.now(orgId);
    const id = this.ids.base62('acti_');
    this.db.transaction(() => {
      this.mergeLeadThreads(orgId, source, destination);
      for (const table of this.leadTables()) {
        cached(this.db, `UPDATE ${table} SET lead_id = ? WHERE org_id = ? AND lead_id = ?`).run(destination, orgId, source);
      }
      cached(this.db, `UPDATE close_custom_values SET object_id = @dst WHERE org_id = @org AND object_id = @src
        AND field_id NOT IN (SELECT field_id FROM close_custom_values WHERE org_id = @org AND object_id = @dst)`).run({ org: orgId, src: source, dst: destination });
      // Real API: not documented what happens to the source's addresses; here [D]: appended to the destination's.
      const addresses = cached(this.db, `SELECT id, addresses FROM close_leads WHERE org_id = ? AND id IN (?, ?)`)
        .all(orgId, source, destination) as { id: string; addresses: string }[];
      const list = (id: string) => parseAddresses(addresses.find((a) => a.id === id)?.addresses);
      cached(this.db, `UPDATE close_leads SET updated_by = ?, date_updated = ?, addresses = ? WHERE org_id = ? AND id = ?`)
        .run(userId, now, JSON.stringify([...list(destination), ...list(source)]), orgId, destination);
      this.leads.removeMany(orgId, [source]);
      cached(this.db, `INSERT INTO close_lead_merges (org_id, id, lead_id, source_lead_id, destination_lead_id, source_display_name,
        destination_display_name, user_id, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(orgId, id, destination, source, destination, nameOf(source), nameOf(destination), userId, now, now);
    })();
    return this.get(orgId, id);
  }

  /** Activity filters as on every activity list; `_type` other than LeadMerge matches nothing. */
  list(orgId: string, q: PageParams & ListQuery): ClosePage<LeadMergeActivityT> {
    refuse(q, ACTIVITY_REFUSED);
    const w = new Where(q).equals('id', 'id', { inOnly: true }).equals('lead_id', 'lead_id', { comma: true, noIn: true })
      .equals('user_id', 'user_id', { comma: true, noIn: true }).equals('organization_id', 'org_id', { noIn: true })
      .dates('date_created', 'date_created', false, ['__gt', '__gte', '__lt', '__lte']);
    // A LeadMerge activity names no contact: any contact_id filter matches none.
    if (typeof own(q, 'contact_id') === 'string') w.add('0');
    const type = own(q, '_type');
    if (typeof type === 'string' && !commaList(type).includes('LeadMerge')) w.add('0');
    const { rows, has_more } = pageRows<MergeRow>(this.db, `${SELECT} WHERE m.org_id = @org${w.sql()} ORDER BY m.date_created DESC, m.id DESC`,
      { ...w.params, org: orgId }, q);
    return { data: rows.map((r) => this.render(orgId, r)), has_more };
  }

  get(orgId: string, id: string): LeadMergeActivityT {
    const row = cached(this.db, `${SELECT} WHERE m.org_id = ? AND m.id = ?`).get(orgId, id) as MergeRow | undefined;
    if (!row) throw notFound(`LeadMerge activity ${id} not found.`);
    return this.render(orgId, row);
  }

  /** Bad requests change nothing: a lead merged into itself, and an unknown lead (another organization's is unknown), are 400s naming the field. */
  private check(orgId: string, body: LeadMergeBodyT): void {
    if (body.source === body.destination) {
      throw validationError('A lead cannot be merged into itself.', { destination: 'The destination must be another lead than the source.' });
    }
    for (const key of ['source', 'destination'] as const) {
      if (!cached(this.db, `SELECT 1 FROM close_leads WHERE org_id = ? AND id = ?`).get(orgId, body[key])) {
        throw validationError(`Lead ${body[key]} not found.`, { [key]: 'Lead not found.' });
      }
    }
  }

  /** Every table of the organization's database with a lead_id column, but history. */
  private leadTables(): string[] {
    return (cached(this.db, `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p ON p.name = 'lead_id'
      WHERE m.type = 'table' AND m.name LIKE 'close\\_%' ESCAPE '\\' ORDER BY m.name`).pluck().all() as string[])
      .filter((t) => !HISTORY_TABLES.has(t));
  }

  /** Comments on the source lead itself join the destination's thread (one thread per object), or their thread moves to it. */
  private mergeLeadThreads(orgId: string, source: string, destination: string): void {
    const threadOf = (objectId: string) => cached(this.db, `SELECT id FROM close_comment_threads WHERE org_id = ? AND object_id = ?`)
      .pluck().get(orgId, objectId) as string | undefined;
    const from = threadOf(source);
    if (from === undefined) return;
    const to = threadOf(destination);
    if (to === undefined) {
      cached(this.db, `UPDATE close_comment_threads SET object_id = ? WHERE org_id = ? AND id = ?`).run(destination, orgId, from);
      return;
    }
    cached(this.db, `UPDATE close_comments SET thread_id = ? WHERE org_id = ? AND thread_id = ?`).run(to, orgId, from);
    cached(this.db, `DELETE FROM close_comment_threads WHERE org_id = ? AND id = ?`).run(orgId, from);
  }

  /** The source's objects that have an event kind, rendered before they move. */
  private movedObjects(orgId: string, source: Record<string, unknown>, k: EventKinds): Array<{ kind: EventKind<object>; id: string; obj: object }> {
    const leadId = source['id'] as string;
    const all = [
      ...k.lead.children!(orgId, source).map((c) => ({ kind: c.kind, obj: c.obj })),
      ...k.customObjectsOf(orgId, leadId).map((obj) => ({ kind: k.customObject as EventKind, obj })),
      ...k.commentsOf(orgId, leadId).map((obj) => ({ kind: k.comment as EventKind, obj })),
    ];
    return all.map((c) => ({ ...c, id: (c.obj as { id: string }).id }));
  }

  private render(orgId: string, r: MergeRow): LeadMergeActivityT {
    return {
      id: r.id, _type: 'LeadMerge', lead_id: r.lead_id, contact_id: null, source_lead_id: r.source_lead_id, destination_lead_id: r.destination_lead_id,
      source_display_name: r.source_display_name, destination_display_name: r.destination_display_name,
      merge_status: 'completed', error_message: null, users: [], user_id: r.user_id, user_name: r.user_name,
      created_by: r.user_id, created_by_name: r.user_name, updated_by: r.user_id, updated_by_name: r.user_name,
      organization_id: orgId, activity_at: r.date_created, date_created: r.date_created, date_updated: r.date_updated,
    };
  }
}
