import { createHash } from 'node:crypto';
import { cached, type Db } from '../../core/db.js';
import { badField, notFound } from '../../core/errors.js';
import { own } from '../../core/own.js';
import type { Org } from '../../core/tenants.js';
import { closeFromIso } from '../dates.js';
import type { MeT } from '../../../schemas/close/me.js';
import type { MembershipT, OrganizationT, UserT } from '../../../schemas/close/users.js';
import { ORG_CURRENCY, pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';
import type { StatusStore } from './statuses.js';
import type { PipelineStore } from './pipelines.js';
import type { CustomFieldReader } from './custom-fields.js';

interface UserRow {
  id: string; first_name: string | null; last_name: string | null; email: string;
  date_created: string; date_updated: string | null; active: number; role_id: string;
}
const COLUMNS = `id, first_name, last_name, email, date_created, date_updated, active, role_id`;


/** Real API: the user's uploaded picture or its Gravatar; here: always the Gravatar URL of the email. */
const gravatar = (email: string): string =>
  `https://secure.gravatar.com/avatar/${createHash('md5').update(email.trim().toLowerCase()).digest('hex')}`;

export type UserOrder = 'last_name,first_name' | 'first_name,last_name';
const ORDER: Record<UserOrder, string> = {
  'last_name,first_name': 'lower(coalesce(last_name, \'\')), lower(coalesce(first_name, \'\')), id',
  'first_name,last_name': 'lower(coalesce(first_name, \'\')), lower(coalesce(last_name, \'\')), id',
};

/** Users of an organization and their memberships (one per user: active or ended), and the organization itself. */
export class UserStore {
  constructor(
    private readonly db: Db, private readonly stamp: Stamper, private readonly statuses: StatusStore, private readonly pipelines: PipelineStore,
    private readonly fields: CustomFieldReader,
  ) {}

  /** The user an API key belongs to: the organization's first active member (the seed lists it first). */
  apiUser(orgId: string): string {
    return (cached(this.db, `SELECT id FROM close_users WHERE org_id = ? ORDER BY active DESC, position, id LIMIT 1`).pluck().get(orgId) as string | undefined) ?? '';
  }

  /** Whether the user has the admin role. */
  isAdmin(orgId: string, userId: string): boolean {
    return cached(this.db, `SELECT 1 FROM close_users WHERE org_id = ? AND id = ? AND role_id = 'admin'`).get(orgId, userId) !== undefined;
  }

  /**
   * Real API: `memberships` lists the user's memberships in every organization it belongs to (Close's
   * clone script reads `memberships[0].id`); here: its one membership, in the key's organization.
   */
  me(org: Org, userId: string): MeT {
    const row = cached(this.db, `SELECT ${COLUMNS} FROM close_users WHERE org_id = ? AND id = ?`).get(org.id, userId) as UserRow | undefined;
    if (!row) throw notFound('The organization has no users.');
    const { id, first_name, last_name, email, date_created } = row;
    return {
      id, first_name, last_name, email, date_created, organizations: [{ id: org.id, name: this.orgName(org.id) }],
      memberships: [this.membership(org.id, row, false)],
    };
  }

  /**
   * Real API: users who share an organization with the key's user (whether ex-members list is not
   * documented); here: every user of the organization, inactive members too, so that the user ids
   * their leads and opportunities still carry resolve.
   */
  list(orgId: string, q: PageParams & { _order_by?: UserOrder }): ClosePage<UserT> {
    const order = own(ORDER, q._order_by) ?? 'position, id';
    const { rows, has_more } = pageRows<UserRow>(this.db,
      `SELECT ${COLUMNS} FROM close_users WHERE org_id = @org ORDER BY ${order}`, { org: orgId }, q);
    return { data: rows.map((r) => this.user(orgId, r)), has_more };
  }

  get(orgId: string, id: string): UserT {
    const r = cached(this.db, `SELECT ${COLUMNS} FROM close_users WHERE org_id = ? AND id = ?`).get(orgId, id) as UserRow | undefined;
    if (!r) throw notFound(`User ${id} not found.`);
    return this.user(orgId, r);
  }

  private user(orgId: string, r: UserRow): UserT {
    return {
      id: r.id, email: r.email, first_name: r.first_name, last_name: r.last_name, image: gravatar(r.email),
      date_created: r.date_created, date_updated: r.date_updated ?? r.date_created,
      organizations: r.active ? [orgId] : [],
    };
  }

  /** GET /organization/{id}/: another organization's id is unknown (404), as the key sees only its own. */
  organization(orgId: string, id: string, expandUser: { active: boolean; inactive: boolean }): OrganizationT {
    const o = cached(this.db, `SELECT id, name, created_at, date_updated, updated_by FROM orgs WHERE id = ? AND is_template = 0`)
      .get(id) as { id: string; name: string; created_at: string; date_updated: string | null; updated_by: string | null } | undefined;
    if (!o || o.id !== orgId) throw notFound(`Organization ${id} not found.`);
    const users = cached(this.db, `SELECT ${COLUMNS} FROM close_users WHERE org_id = ? ORDER BY position, id`).all(orgId) as UserRow[];
    const all = { _skip: 0, _limit: 1_000_000 };
    const created = closeFromIso(o.created_at);
    const creator = users[0]?.id ?? null;
    return {
      id: o.id, name: o.name, date_created: created, date_updated: o.date_updated ?? created,
      created_by: creator, updated_by: o.updated_by ?? creator,
      // Real API: the organization's chosen currency; here: always US dollars (PUT refuses `currency`).
      currency: ORG_CURRENCY.code, currency_symbol: ORG_CURRENCY.symbol,
      lead_statuses: this.statuses.listLead(orgId, all).data.map(({ id: sid, label }) => ({ id: sid, label })),
      opportunity_statuses: this.statuses.listOpportunity(orgId, all).data.map(({ id: sid, label, type, pipeline_id }) => ({ id: sid, label, type, pipeline_id })),
      pipelines: this.pipelines.all(orgId),
      memberships: users.filter((u) => u.active).map((u) => this.membership(orgId, u, expandUser.active)),
      inactive_memberships: users.filter((u) => !u.active).map((u) => this.membership(orgId, u, expandUser.inactive)),
      // Real API: not in the OpenAPI's (empty) organization schema, but Close's own scripts read
      // `org['lead_custom_fields']` to find fields by name [U]; here: each kind's fields as /custom_field/{kind}/ lists them.
      lead_custom_fields: this.fields.list(orgId, 'lead'),
      contact_custom_fields: this.fields.list(orgId, 'contact'),
      opportunity_custom_fields: this.fields.list(orgId, 'opportunity'),
    };
  }

  /** Real API: membership ids are their own; here: `mem_` + the user id's suffix, stable across snapshots. */
  private membership(orgId: string, r: UserRow, nested: boolean): MembershipT {
    const user = this.user(orgId, r);
    const base = {
      id: `mem_${r.id.slice('user_'.length)}`, organization_id: orgId, user_id: r.id, role_id: r.role_id,
      date_created: user.date_created, date_updated: user.date_updated,
    };
    if (nested) return { ...base, user };
    const full = [r.first_name, r.last_name].filter(Boolean).join(' ');
    return { ...base, user_email: r.email, user_first_name: r.first_name, user_last_name: r.last_name, user_full_name: full, user_image: user.image };
  }

  /** PUT /organization/{id}/ with a new name, stamped with the caller as `updated_by`. */
  rename(orgId: string, id: string, name: string, userId: string): void {
    this.organization(orgId, id, { active: false, inactive: false });
    if (!name.trim()) throw badField('name', 'This field may not be blank.');
    cached(this.db, `UPDATE orgs SET name = ?, date_updated = ?, updated_by = ? WHERE id = ?`).run(name, this.stamp.now(orgId), userId || null, orgId);
  }

  private orgName(orgId: string): string {
    return (cached(this.db, `SELECT name FROM orgs WHERE id = ?`).pluck().get(orgId) as string | undefined) ?? '';
  }
}
