import { cached, type Db } from '../../core/db.js';
import { own } from '../../core/own.js';

export interface ListParams {
  limit: number;
  offset: number;
  search?: string | undefined;
  sort: string;
  order: 'asc' | 'desc';
}

export interface ListSpec {
  table: string;
  orgId: string;
  /** Extra equality filters: column → value (undefined values are skipped). */
  filters?: Record<string, string | undefined>;
  /** Columns that `search` matches (substring, case-insensitive for ASCII). */
  searchColumns: string[];
  /** Public sort key → SQL expression. */
  sortColumns: Record<string, string>;
  /** Our `tag_id` list filter (deals, companies, contacts): only the records carrying that tag. */
  tagged?: { resourceType: 'deal' | 'company' | 'contact'; tagId: string | undefined };
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}


/** One list page and the total, with `{items,total,limit,offset}` semantics shared by every resource. */
export function listRows<T>(db: Db, spec: ListSpec, q: ListParams, map: (row: Record<string, unknown>) => T): Page<T> {
  const where = ['org_id = @org'];
  const params: Record<string, unknown> = { org: spec.orgId };
  for (const [col, value] of Object.entries(spec.filters ?? {})) {
    if (value === undefined) continue;
    where.push(`${col} = @f_${col}`);
    params[`f_${col}`] = value;
  }
  if (spec.tagged?.tagId !== undefined) {
    where.push(`id IN (SELECT resource_id FROM blueai_tag_assignments WHERE org_id = @org AND tag_id = @tag_id AND resource_type = @tag_type)`);
    Object.assign(params, { tag_id: spec.tagged.tagId, tag_type: spec.tagged.resourceType });
  }
  if (q.search) {
    params.search = `%${q.search.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    where.push(`(${spec.searchColumns.map((c) => `${c} LIKE @search ESCAPE '\\'`).join(' OR ')})`);
  }
  const sortExpr = own(spec.sortColumns, q.sort);
  if (!sortExpr) throw new Error(`unknown sort key ${q.sort}`); // the route schema rejects these first
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const whereSql = where.join(' AND ');
  const total = cached(db, `SELECT count(*) FROM ${spec.table} WHERE ${whereSql}`).pluck().get(params) as number;
  const rows = cached(
    db,
    `SELECT * FROM ${spec.table} WHERE ${whereSql} ORDER BY ${sortExpr} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`,
  ).all({ ...params, limit: q.limit, offset: q.offset }) as Record<string, unknown>[];
  return { items: rows.map(map), total, limit: q.limit, offset: q.offset };
}

/** Removes the `org_id` column from a stored row; a `custom_fields` column (JSON text) becomes its object. */
export function publicRow<T>(row: Record<string, unknown>): T {
  const { org_id: _org, ...rest } = row;
  if (typeof rest.custom_fields === 'string') rest.custom_fields = JSON.parse(rest.custom_fields);
  return rest as T;
}
