import { createHash } from 'node:crypto';
import type { Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import { own } from '../../core/own.js';
import { CustomValues } from '../store/values.js';
import { displayName, renderEmails } from '../store/contacts.js';
import { derivedValues } from '../store/opportunities.js';
import { addressSummary, parseAddresses } from '../store/addresses.js';
import { compileQuery } from './compile.js';
import { TABLES, type ObjectType } from './fields.js';
import type { SearchResponseT } from '../../../schemas/close/search.js';

// POST /data/search/: one page of the objects a query selects, in sort order, projected to the
// requested `_fields`. [D] The cursor encodes an offset into the sorted result plus a fingerprint of
// the query, so a cursor only continues the search that produced it; pages stay exact while the data
// does not change. Real API: an opaque server-side scroll cursor.

export interface SearchOptions {
  /** Overrides the object type the query selects (default: its object_type node, else lead). */
  objectType?: ObjectType;
  sort?: unknown;
  resultsLimit?: number | null;
  limit: number;
  cursor?: string | null;
  now: Date;
  tzOffsetMinutes?: number;
  includeCounts?: boolean;
  /** `_fields`: per object type, the keys to return besides `__object_type` and `id`. */
  fields?: Partial<Record<string, string[]>>;
}

export type SearchResult = SearchResponseT;
type Found = SearchResponseT['data'][number] & Record<string, unknown>;

const badCursor = () => validationError('cursor: Invalid cursor; pass the "cursor" of the previous page of the same search.', {
  cursor: 'Invalid cursor; pass the "cursor" of the previous page of the same search.',
});

export function search(db: Db, orgId: string, query: unknown, opts: SearchOptions): SearchResult {
  const q = compileQuery(db, orgId, query, { root: 'query', sort: opts.sort, now: opts.now, tzOffsetMinutes: opts.tzOffsetMinutes ?? 0, objectType: opts.objectType });
  const fingerprint = createHash('sha256').update(JSON.stringify([query, opts.sort ?? null, opts.resultsLimit ?? null, q.objectType])).digest('base64url').slice(0, 16);
  let skip = 0;
  if (opts.cursor) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8'));
    } catch {
      throw badCursor();
    }
    const c = decoded as { s?: unknown; f?: unknown };
    // A safe integer only: 1e20 is an integer to JavaScript but reaches SQLite's OFFSET as a real (a 500).
    if (typeof c?.s !== 'number' || !Number.isSafeInteger(c.s) || c.s < 0 || c.f !== fingerprint) throw badCursor();
    skip = c.s;
  }
  const cap = opts.resultsLimit ?? Infinity;
  const take = Math.max(0, Math.min(opts.limit, cap - skip));
  const ids = db.prepare(`${q.select('a.id')} ORDER BY ${q.orderBy} LIMIT @__limit OFFSET @__skip`).pluck()
    .all({ ...q.params, __limit: take + 1, __skip: skip }) as string[];
  const more = ids.length > take && skip + take < cap;
  const page = ids.slice(0, take);
  const result: SearchResult = {
    data: project(db, orgId, q.objectType, page, own(opts.fields ?? {}, q.objectType)),
    cursor: more ? Buffer.from(JSON.stringify({ s: skip + take, f: fingerprint })).toString('base64url') : null,
  };
  if (opts.includeCounts) {
    const total = db.prepare(q.select('count(*)')).pluck().get(q.params) as number;
    result.count = { total: Math.min(total, cap) };
  }
  return result;
}

type Row = Record<string, unknown>;

/** The objects with the given ids, in that order, as `{__object_type, id, …requested fields}`. */
function project(db: Db, orgId: string, type: ObjectType, ids: string[], fields: string[] | undefined): Found[] {
  const base = (id: string): Found => ({ __object_type: type, id });
  if (!fields || fields.length === 0 || ids.length === 0) return ids.map(base);
  const rows = db.prepare(`SELECT * FROM ${TABLES[type]} WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
    .all(orgId, JSON.stringify(ids)) as Row[];
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  const custom = new CustomValues(db).flatFor(orgId, ids);
  const labels = statusLabels(db, orgId, type);
  return ids.map((id) => {
    const full = publicObject(type, byId.get(id)!, orgId, labels);
    Object.assign(full, custom.get(id));
    const out = base(id);
    for (const name of fields) {
      if (name === 'custom') {
        for (const [k, v] of Object.entries(full)) if (k.startsWith('custom.')) out[k] = v;
      } else if (Object.hasOwn(full, name)) {
        out[name] = full[name];
      }
    }
    return out;
  });
}

function statusLabels(db: Db, orgId: string, type: ObjectType): Map<string, { label: string; type?: string }> {
  const table = type === 'lead' ? 'close_lead_statuses' : type === 'opportunity' ? 'close_opportunity_statuses' : null;
  if (!table) return new Map();
  const rows = db.prepare(`SELECT * FROM ${table} WHERE org_id = ?`).all(orgId) as { id: string; label: string; type?: string }[];
  return new Map(rows.map((r) => [r.id, r]));
}

/** The object as Close renders it (scalar fields only; nested contacts/opportunities are not projected). */
function publicObject(type: ObjectType, r: Row, orgId: string, statuses: Map<string, { label: string; type?: string }>): Row {
  const common = {
    id: r.id, organization_id: orgId, created_by: r.created_by, updated_by: r.updated_by,
    date_created: r.date_created, date_updated: r.date_updated,
  };
  if (type === 'lead') {
    const addresses = parseAddresses(r.addresses as string);
    return {
      ...common, name: r.name, display_name: r.name ?? '', status_id: r.status_id,
      status_label: statuses.get(r.status_id as string)?.label ?? null, description: r.description, url: r.url,
      html_url: `https://app.close.com/lead/${String(r.id)}/`, addresses, primary_address_summary: addressSummary(addresses),
    };
  }
  if (type === 'contact') {
    // The same derivations as GET /contact/ (src/close/store/contacts.ts).
    const emails = renderEmails(r.emails as string);
    const phones = JSON.parse(r.phones as string) as { phone: string }[];
    return {
      ...common, lead_id: r.lead_id, name: r.name, display_name: displayName(r.name as string | null, emails, phones), title: r.title,
      emails, phones,
    };
  }
  const status = statuses.get(r.status_id as string);
  return {
    ...common, lead_id: r.lead_id, status_id: r.status_id, status_label: status?.label ?? null, status_type: status?.type ?? null,
    value: r.value, value_period: r.value_period,
    ...derivedValues(r.value as number | null, r.value_period as string, r.confidence as number),
    confidence: r.confidence, contact_id: r.contact_id, date_won: r.date_won, date_lost: r.date_lost, user_id: r.user_id, note: r.note,
  };
}
