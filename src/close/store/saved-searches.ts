import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { badField, notFound } from '../../core/errors.js';
import {
  EMULATED_SAVED_SEARCH_TYPES, SAVED_SEARCH_TYPES, type SavedSearchCreateT, type SavedSearchT, type SavedSearchUpdateT,
} from '../../../schemas/close/saved-searches.js';
import { checkSavedSearchQuery, type ObjectType } from '../query/index.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';
import { Where, type ListQuery } from './filters.js';

interface Row {
  org_id: string; id: string; name: string; type: string; description: string | null; is_shared: number; is_user_dependent: number | null;
  query: string | null; s_query: string | null; selected_fields: string | null; user_id: string | null; date_created: string; date_updated: string;
}
const COLUMNS = `org_id, id, name, type, description, is_shared, is_user_dependent, query, s_query, selected_fields, user_id, date_created, date_updated`;
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** Smart views (Close's saved searches): a query, checked by the s_query compiler whenever it is written. */
export class SavedSearchStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  /** `type` (default lead, as Close documents) or `type__in`; oldest first. */
  list(orgId: string, q: PageParams & ListQuery): ClosePage<SavedSearchT> {
    const w = new Where(q).equals('type', 's.type', { allowed: SAVED_SEARCH_TYPES });
    if (q['type'] === undefined && q['type__in'] === undefined) w.add(`s.type = 'lead'`);
    const { rows, has_more } = pageRows<Row>(this.db,
      `SELECT ${COLUMNS} FROM close_saved_searches s WHERE s.org_id = @org${w.sql()} ORDER BY s.date_created, s.id`,
      { ...w.params, org: orgId }, q);
    return { data: rows.map(render), has_more };
  }

  get(orgId: string, id: string): SavedSearchT {
    const r = cached(this.db, `SELECT ${COLUMNS} FROM close_saved_searches WHERE org_id = ? AND id = ?`).get(orgId, id) as Row | undefined;
    if (!r) throw notFound(`Smart view ${id} not found.`);
    return render(r);
  }

  create(orgId: string, userId: string, input: SavedSearchCreateT): SavedSearchT {
    const type = emulatedType(input.type ?? 'lead');
    const name = checkName(input.name);
    const id = this.ids.base62('save_');
    checkSavedSearchQuery(this.db, orgId, id, type, input.s_query ?? null, input.query ?? null);
    const now = this.stamp.now(orgId);
    cached(this.db, `INSERT INTO close_saved_searches (${COLUMNS}) VALUES (@org_id, @id, @name, @type, @description, @is_shared,
      @is_user_dependent, @query, @s_query, @selected_fields, @user_id, @date_created, @date_updated)`).run({
      org_id: orgId, id, name, type, description: input.description ?? null, is_shared: input.is_shared ? 1 : 0,
      is_user_dependent: bool(input.is_user_dependent), query: input.s_query ? null : input.query ?? null, s_query: json(input.s_query),
      selected_fields: json(input.selected_fields), user_id: userId || null, date_created: now, date_updated: now,
    });
    return this.get(orgId, id);
  }

  /**
   * Only the fields sent change; a new s_query (or query) replaces the other. Real API: whether a PUT of
   * `query` clears `s_query` is not documented; here: a view holds one of them, the last one written.
   */
  update(orgId: string, id: string, input: SavedSearchUpdateT): SavedSearchT {
    const before = this.get(orgId, id);
    const type = emulatedType(input.type ?? before.type);
    const name = input.name === undefined ? before.name : checkName(input.name);
    const queryGiven = input.s_query !== undefined || input.query !== undefined;
    const sQuery = queryGiven ? input.s_query ?? null : before.s_query;
    const query = queryGiven ? (sQuery ? null : input.query ?? null) : before.query;
    checkSavedSearchQuery(this.db, orgId, id, type, sQuery, query);
    cached(this.db, `UPDATE close_saved_searches SET name = @name, type = @type, description = @description, is_shared = @is_shared,
      is_user_dependent = @is_user_dependent, query = @query, s_query = @s_query, selected_fields = @selected_fields, date_updated = @now
      WHERE org_id = @org AND id = @id`).run({
      org: orgId, id, name, type, description: input.description !== undefined ? input.description : before.description,
      is_shared: (input.is_shared ?? before.is_shared) ? 1 : 0,
      is_user_dependent: bool(input.is_user_dependent !== undefined ? input.is_user_dependent : before.is_user_dependent),
      query, s_query: json(sQuery), selected_fields: json(input.selected_fields !== undefined ? input.selected_fields : before.selected_fields),
      now: this.stamp.now(orgId),
    });
    return this.get(orgId, id);
  }

  /** Real API: what becomes of views and dialers that refer to it is not documented; here: they stay, and using them is a 400 naming it. */
  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    cached(this.db, `DELETE FROM close_saved_searches WHERE org_id = ? AND id = ?`).run(orgId, id);
  }
}

const bool = (v: boolean | null | undefined): number | null => (v === null || v === undefined ? null : v ? 1 : 0);

function checkName(name: string): string {
  if (!name.trim()) throw badField('name', 'This field may not be blank.');
  return name;
}

/** Real API: smart views of activities too; here: the types the query compiler selects, else a 400 naming `type`. */
function emulatedType(type: string): ObjectType {
  if (!(EMULATED_SAVED_SEARCH_TYPES as readonly string[]).includes(type)) {
    throw badField('type', `Smart views of type ${type} are not supported by the emulator; supported: ${EMULATED_SAVED_SEARCH_TYPES.join(', ')}.`);
  }
  return type as ObjectType;
}

function render(r: Row): SavedSearchT {
  return {
    id: r.id, name: r.name, type: r.type as SavedSearchT['type'], description: r.description, is_shared: r.is_shared === 1,
    is_user_dependent: r.is_user_dependent === null ? null : r.is_user_dependent === 1, query: r.query,
    s_query: r.s_query === null ? null : JSON.parse(r.s_query) as Record<string, unknown>,
    selected_fields: r.selected_fields === null ? null : JSON.parse(r.selected_fields) as Record<string, unknown>[],
    shared_with: null, sharing_settings: null, user_id: r.user_id, organization_id: r.org_id, date_created: r.date_created, date_updated: r.date_updated,
  };
}
