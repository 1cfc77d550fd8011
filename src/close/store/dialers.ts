import { cached, type Db } from '../../core/db.js';
import { notFound } from '../../core/errors.js';
import { DIALER_SOURCE_TYPES, DIALER_STATUSES, type DialerT } from '../../../schemas/close/dialers.js';
import { pageRows, type ClosePage, type PageParams } from './common.js';
import { Where, type ListQuery } from './filters.js';

interface Row {
  org_id: string; id: string; source_type: string; source_value: string; type: string; status: string; user_id: string | null;
  user_ids: string; date_created: string; date_updated: string;
}
const COLUMNS = `org_id, id, source_type, source_value, type, status, user_id, user_ids, date_created, date_updated`;

const render = (r: Row): DialerT => ({
  id: r.id, organization_id: r.org_id, source_type: r.source_type as DialerT['source_type'], source_value: r.source_value,
  type: r.type as DialerT['type'], status: r.status as DialerT['status'], user_id: r.user_id, user_ids: JSON.parse(r.user_ids) as string[],
  date_created: r.date_created, date_updated: r.date_updated,
});

/** Dialer sessions: read-only through the API (Close's API has no write); datasets and the seed hold them. */
export class DialerStore {
  constructor(private readonly db: Db) {}

  /** Close's filters; `organization_id` other than the caller's matches nothing (as on other lists). Newest first. */
  list(orgId: string, q: PageParams & ListQuery): ClosePage<DialerT> {
    const w = new Where(q).equals('organization_id', 'd.org_id', { noIn: true }).equals('source_type', 'd.source_type', { noIn: true, allowed: DIALER_SOURCE_TYPES })
      .equals('source_value', 'd.source_value', { noIn: true }).equals('status', 'd.status', { allowed: DIALER_STATUSES })
      .equals('user_id', 'd.user_id', { noIn: true });
    const { rows, has_more } = pageRows<Row>(this.db, `SELECT ${COLUMNS} FROM close_dialer_sessions d WHERE d.org_id = @org${w.sql()}
      ORDER BY d.date_created DESC, d.id DESC`, { ...w.params, org: orgId }, q);
    return { data: rows.map(render), has_more };
  }

  get(orgId: string, id: string): DialerT {
    const r = cached(this.db, `SELECT ${COLUMNS} FROM close_dialer_sessions WHERE org_id = ? AND id = ?`).get(orgId, id) as Row | undefined;
    if (!r) throw notFound(`Dialer session ${id} not found.`);
    return render(r);
  }
}
