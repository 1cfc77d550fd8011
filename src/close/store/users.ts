import { cached, type Db } from '../../core/db.js';
import { notFound } from '../../core/errors.js';
import type { Org } from '../../core/tenants.js';
import type { MeT } from '../../../schemas/close/me.js';

export class UserStore {
  constructor(private readonly db: Db) {}

  /** The user an API key belongs to: the organization's first user (the seed lists it first). */
  apiUser(orgId: string): string {
    return (cached(this.db, `SELECT id FROM close_users WHERE org_id = ? ORDER BY position, id LIMIT 1`).pluck().get(orgId) as string | undefined) ?? '';
  }

  me(org: Org, userId: string): MeT {
    const user = cached(this.db, `SELECT id, first_name, last_name, email, date_created FROM close_users WHERE org_id = ? AND id = ?`)
      .get(org.id, userId) as Omit<MeT, 'organizations'> | undefined;
    if (!user) throw notFound('The organization has no users.');
    return { ...user, organizations: [{ id: org.id, name: this.orgName(org) }] };
  }

  private orgName(org: Org): string {
    return (cached(this.db, `SELECT name FROM orgs WHERE id = ?`).pluck().get(org.id) as string | undefined) ?? org.name;
  }
}
