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
}
