import { cached, type Db } from '../../core/db.js';
import { notFound } from '../../core/errors.js';
import type { MemberT, MemberListQueryT } from '../../../schemas/blueai/members.js';
import { listRows, publicRow, type Page } from './list.js';

/** Members are read-only: they come from the seed (BlueAI manages them in its admin UI, not this API). */
export class MemberStore {
  constructor(private readonly db: Db) {}

  list(orgId: string, q: MemberListQueryT): Page<MemberT> {
    return listRows(
      this.db,
      {
        table: 'blueai_members',
        orgId,
        searchColumns: ['name', 'email'],
        sortColumns: { created_at: 'created_at', name: 'name' },
      },
      q,
      (row) => publicRow<MemberT>(row),
    );
  }

  get(orgId: string, id: string): MemberT {
    const row = cached(this.db, `SELECT * FROM blueai_members WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    if (!row) throw notFound(`Member ${id} not found`);
    return publicRow<MemberT>(row);
  }

  /**
   * The member a request acts as (an activity's created_by). Real API: the signed-in user; here: a
   * token that is not a signed-in session acts as the organization's first admin (by created_at, id),
   * else its first member; null when it has none.
   */
  acting(orgId: string): string | null {
    return (cached(this.db, `SELECT id FROM blueai_members WHERE org_id = ? ORDER BY role <> 'admin', created_at, id LIMIT 1`)
      .pluck().get(orgId) as string | undefined) ?? null;
  }
}
