import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { badField, notFound, validationError } from '../../core/errors.js';
import type { RoleCreateT, RoleT, RoleUpdateT } from '../../../schemas/close/roles.js';
import type { Stamper } from './common.js';

interface Row {
  org_id: string; id: string; name: string; permissions: string; visibility_user_lcf_ids: string;
  visibility_user_lcf_behavior: string | null; date_created: string; date_updated: string;
}
const COLUMNS = `org_id, id, name, permissions, visibility_user_lcf_ids, visibility_user_lcf_behavior, date_created, date_updated`;

/**
 * The predefined roles memberships name by these ids (Close's membership docs: 'admin', 'superuser',
 * 'user', 'restricteduser'). Real API: their permission lists are not published; here: a short likely one.
 */
const BUILTIN: ReadonlyArray<{ id: string; name: string; permissions: string[] }> = [
  { id: 'admin', name: 'Admin', permissions: ['manage_organization', 'manage_users', 'manage_roles', 'view_all_leads', 'edit_all_leads', 'delete_leads', 'export_data', 'bulk_actions'] },
  { id: 'superuser', name: 'Super User', permissions: ['view_all_leads', 'edit_all_leads', 'delete_leads', 'export_data', 'bulk_actions'] },
  { id: 'user', name: 'User', permissions: ['view_all_leads', 'edit_all_leads'] },
  { id: 'restricteduser', name: 'Restricted User', permissions: ['view_all_leads'] },
];
const BUILTIN_IDS = new Set(BUILTIN.map((r) => r.id));
export const isBuiltinRole = (id: string): boolean => BUILTIN_IDS.has(id);
const VIEW_ALL = 'view_all_leads';

/** Roles: the predefined ones (read-only) and the organization's own. */
export class RoleStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  /** The predefined roles first, then the organization's own, oldest first. Real API: not paginated (no parameters documented). */
  list(orgId: string): RoleT[] {
    const own = cached(this.db, `SELECT ${COLUMNS} FROM close_roles WHERE org_id = ? ORDER BY date_created, id`).all(orgId) as Row[];
    return [...BUILTIN.map((r) => builtin(orgId, r)), ...own.map(render)];
  }

  get(orgId: string, id: string): RoleT {
    const b = BUILTIN.find((r) => r.id === id);
    if (b) return builtin(orgId, b);
    const r = cached(this.db, `SELECT ${COLUMNS} FROM close_roles WHERE org_id = ? AND id = ?`).get(orgId, id) as Row | undefined;
    if (!r) throw notFound(`Role ${id} not found.`);
    return render(r);
  }

  create(orgId: string, input: RoleCreateT): RoleT {
    const v = this.checked(orgId, checkName(input.name), input.permissions ?? [], input.visibility_user_lcf_ids ?? [], input.visibility_user_lcf_behavior ?? null);
    const id = this.ids.base62('role_');
    const now = this.stamp.now(orgId);
    cached(this.db, `INSERT INTO close_roles (${COLUMNS}) VALUES (@org_id, @id, @name, @permissions, @visibility_user_lcf_ids,
      @visibility_user_lcf_behavior, @date_created, @date_updated)`).run({ org_id: orgId, id, ...v, date_created: now, date_updated: now });
    return this.get(orgId, id);
  }

  /** Only the fields sent change. Real API: "Some roles, like "Admin" role, are maintained by the system and you cannot edit them"; here: no predefined role can be (400). */
  update(orgId: string, id: string, input: RoleUpdateT): RoleT {
    const before = this.get(orgId, id);
    if (before.is_builtin) throw validationError(`The ${before.name} role is maintained by the system and cannot be edited.`);
    const v = this.checked(orgId, input.name === undefined ? before.name : checkName(input.name), input.permissions ?? before.permissions,
      input.visibility_user_lcf_ids !== undefined ? input.visibility_user_lcf_ids ?? [] : before.visibility_user_lcf_ids,
      input.visibility_user_lcf_behavior !== undefined ? input.visibility_user_lcf_behavior : before.visibility_user_lcf_behavior);
    cached(this.db, `UPDATE close_roles SET name = @name, permissions = @permissions, visibility_user_lcf_ids = @visibility_user_lcf_ids,
      visibility_user_lcf_behavior = @visibility_user_lcf_behavior, date_updated = @now WHERE org_id = @org AND id = @id`)
      .run({ ...v, now: this.stamp.now(orgId), org: orgId, id });
    return this.get(orgId, id);
  }

  /** Real API: "You must first move all users off this role by reassigning them to another role"; here: a 400 while any membership (active or not) has it. */
  delete(orgId: string, id: string): void {
    const role = this.get(orgId, id);
    if (role.is_builtin) throw validationError(`The ${role.name} role is maintained by the system and cannot be deleted.`);
    const n = cached(this.db, `SELECT count(*) FROM close_users WHERE org_id = ? AND role_id = ?`).pluck().get(orgId, id) as number;
    if (n > 0) throw validationError(`${n} membership${n === 1 ? ' has' : 's have'} this role; move ${n === 1 ? 'it' : 'them'} to another role first.`);
    cached(this.db, `DELETE FROM close_roles WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  /**
   * Close: lead visibility fields "should be empty if the role has view_all_leads permission, and should
   * be set otherwise"; here: set ones with view_all_leads are a 400, and the ids must be lead custom fields.
   */
  private checked(orgId: string, name: string, permissions: string[], lcfIds: string[], behavior: string | null) {
    if (permissions.includes(VIEW_ALL) && (lcfIds.length > 0 || behavior !== null)) {
      throw badField('visibility_user_lcf_ids', 'Lead visibility fields must be empty for a role with the view_all_leads permission.');
    }
    const unknown = lcfIds.filter((f) => cached(this.db, `SELECT 1 FROM close_custom_fields WHERE org_id = ? AND id = ? AND object_type = 'lead'`).get(orgId, f) === undefined);
    if (unknown.length) throw badField('visibility_user_lcf_ids', `Not a lead custom field: ${unknown.join(', ')}.`);
    return {
      name, permissions: JSON.stringify([...new Set(permissions)]), visibility_user_lcf_ids: JSON.stringify([...new Set(lcfIds)]), visibility_user_lcf_behavior: behavior,
    };
  }
}

function checkName(name: string): string {
  if (!name.trim()) throw badField('name', 'This field may not be blank.');
  return name;
}

const builtin = (orgId: string, r: (typeof BUILTIN)[number]): RoleT => ({
  id: r.id, name: r.name, organization_id: orgId, is_builtin: true, permissions: [...r.permissions],
  visibility_user_lcf_ids: [], visibility_user_lcf_behavior: null, date_created: null, date_updated: null,
});

const render = (r: Row): RoleT => ({
  id: r.id, name: r.name, organization_id: r.org_id, is_builtin: false, permissions: JSON.parse(r.permissions) as string[],
  visibility_user_lcf_ids: JSON.parse(r.visibility_user_lcf_ids) as string[],
  visibility_user_lcf_behavior: r.visibility_user_lcf_behavior as RoleT['visibility_user_lcf_behavior'], date_created: r.date_created, date_updated: r.date_updated,
});
