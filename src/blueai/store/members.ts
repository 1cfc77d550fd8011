import { cached, type Db } from '../../core/db.js';
import { conflict, notFound } from '../../core/errors.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { MemberT, MemberListQueryT } from '../../../schemas/blueai/members.js';
import { listRows, publicRow, type Page } from './list.js';

/** A member without what is never shown (the password hash). */
const memberRow = (row: Record<string, unknown>): MemberT => {
  const { password_hash: _hash, ...rest } = row;
  return publicRow<MemberT>(rest);
};

/**
 * Members are read-only on the API: they come from the seed or the control API (BlueAI manages them
 * in its admin UI, not this API).
 */
export class MemberStore {
  constructor(
    private readonly db: Db,
    private readonly ids: Ids,
    private readonly clock: Clocks,
  ) {}

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
      memberRow,
    );
  }

  get(orgId: string, id: string): MemberT {
    const row = cached(this.db, `SELECT * FROM blueai_members WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    if (!row) throw notFound(`Member ${id} not found`);
    return memberRow(row);
  }

  /** The member an e-mail signs in as (compared lowercased), with the password hash; undefined if none. */
  signInRow(orgId: string, email: string): (MemberT & { password_hash: string | null }) | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_members WHERE org_id = ? AND lower(email) = ? ORDER BY created_at, id LIMIT 1`)
      .get(orgId, email.toLowerCase()) as Record<string, unknown> | undefined;
    return row ? { ...memberRow(row), password_hash: row.password_hash as string | null } : undefined;
  }

  /** A member by id, or undefined (a session's member may be gone after a restore). */
  find(orgId: string, id: string): MemberT | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_members WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    return row ? memberRow(row) : undefined;
  }

  /**
   * Who a plain token (not a session) stands for: the organization's first admin, else its first
   * member; undefined when it has none.
   */
  tokenUser(orgId: string): MemberT | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_members WHERE org_id = ? ORDER BY role <> 'admin', created_at, id LIMIT 1`)
      .get(orgId) as Record<string, unknown> | undefined;
    return row ? memberRow(row) : undefined;
  }

  /** A member who signs in with a password (its hash given); 409 when the organization has the e-mail already. */
  create(orgId: string, input: { name: string; email: string; role: string; password_hash: string }): MemberT {
    if (this.signInRow(orgId, input.email)) throw conflict(`A member of this organization has the e-mail ${input.email}`, { field: 'email' });
    const member = { id: this.ids.hex('usr_'), name: input.name, email: input.email, role: input.role, created_at: this.clock.iso(orgId) };
    cached(this.db, `INSERT INTO blueai_members (org_id, id, name, email, role, created_at, password_hash)
      VALUES (@org_id, @id, @name, @email, @role, @created_at, @password_hash)`).run({ org_id: orgId, ...member, password_hash: input.password_hash });
    return member;
  }

  /**
   * The member a plain token acts as (an activity's created_by; a signed-in session acts as its own
   * member, src/blueai/auth.ts). Real API: only signed-in users exist; here: a token that is not a
   * session acts as the organization's first admin (by created_at, id), else its first member; null
   * when it has none.
   */
  acting(orgId: string): string | null {
    return (cached(this.db, `SELECT id FROM blueai_members WHERE org_id = ? ORDER BY role <> 'admin', created_at, id LIMIT 1`)
      .pluck().get(orgId) as string | undefined) ?? null;
  }
}
