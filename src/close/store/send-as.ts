import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { badField, notFound } from '../../core/errors.js';
import type { SendAsBulkT, SendAsCreateT, SendAsQueryT, SendAsT } from '../../../schemas/close/send-as.js';
import type { Stamper } from './common.js';

interface Row { org_id: string; id: string; allowing_user_id: string; allowed_user_id: string; date_created: string }
const COLUMNS = `org_id, id, allowing_user_id, allowed_user_id, date_created`;

const render = (r: Row): SendAsT => ({
  id: r.id, allowing_user_id: r.allowing_user_id, allowed_user_id: r.allowed_user_id, organization_id: r.org_id, date_created: r.date_created,
});

/**
 * Send-as associations: `allowed_user_id` may send emails as `allowing_user_id`. Close: "A user only has
 * access to associations they are involved in"; here: the same, the caller being the API key's user.
 */
export class SendAsStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  /** Close: one of the filters must be the caller; neither → `allowing_user_id` is the caller. Oldest first. */
  list(orgId: string, me: string, q: SendAsQueryT): SendAsT[] {
    const allowing = q.allowing_user_id ?? (q.allowed_user_id === undefined ? me : undefined);
    const allowed = q.allowed_user_id;
    if (allowing !== me && allowed !== me) {
      throw badField(q.allowing_user_id !== undefined ? 'allowing_user_id' : 'allowed_user_id', 'allowing_user_id or allowed_user_id must be your own user id.');
    }
    const rows = cached(this.db, `SELECT ${COLUMNS} FROM close_send_as WHERE org_id = @org
      AND (@allowing IS NULL OR allowing_user_id = @allowing) AND (@allowed IS NULL OR allowed_user_id = @allowed) ORDER BY date_created, id`)
      .all({ org: orgId, allowing: allowing ?? null, allowed: allowed ?? null }) as Row[];
    return rows.map(render);
  }

  get(orgId: string, me: string, id: string): SendAsT {
    const r = cached(this.db, `SELECT ${COLUMNS} FROM close_send_as WHERE org_id = ? AND id = ?`).get(orgId, id) as Row | undefined;
    // Real API: an association the caller is not part of is not theirs to see; here: the same 404 as a missing one.
    if (!r || (r.allowing_user_id !== me && r.allowed_user_id !== me)) throw notFound(`Send-as association ${id} not found.`);
    return render(r);
  }

  /** Close: `allowing_user_id` must be the caller; here: and `allowed_user_id` another user of the organization, not yet allowed (400s naming them). */
  create(orgId: string, me: string, input: SendAsCreateT): SendAsT {
    if (input.allowing_user_id !== me) throw badField('allowing_user_id', 'allowing_user_id must be your own user id.');
    this.checkAllowed(orgId, me, [input.allowed_user_id], 'allowed_user_id');
    if (this.find(orgId, me, input.allowed_user_id)) throw badField('allowed_user_id', `${input.allowed_user_id} may already send as you.`);
    return this.insert(orgId, me, input.allowed_user_id);
  }

  /** Close: both users given, the allowing one being the caller. */
  deleteByUsers(orgId: string, me: string, q: SendAsQueryT): void {
    if (q.allowing_user_id === undefined) throw badField('allowing_user_id', 'Give both allowing_user_id and allowed_user_id.');
    if (q.allowed_user_id === undefined) throw badField('allowed_user_id', 'Give both allowing_user_id and allowed_user_id.');
    if (q.allowing_user_id !== me) throw badField('allowing_user_id', 'allowing_user_id must be your own user id.');
    const r = this.find(orgId, me, q.allowed_user_id);
    if (!r) throw notFound(`${q.allowed_user_id} may not send as you.`);
    this.remove(orgId, r.id);
  }

  /** Either side may end an association by its id. Real API: the allowing user; here: either user of it. */
  delete(orgId: string, me: string, id: string): void {
    this.get(orgId, me, id);
    this.remove(orgId, id);
  }

  /**
   * Allows and disallows many users at once (one transaction); answers every association where the caller is
   * the allowing user. A user in both lists, or unknown, is a 400 naming the list; allowing one already
   * allowed, or disallowing one not allowed, changes nothing.
   */
  bulk(orgId: string, me: string, input: SendAsBulkT): SendAsT[] {
    const allow = [...new Set(input.allow ?? [])];
    const disallow = [...new Set(input.disallow ?? [])];
    this.checkAllowed(orgId, me, allow, 'allow');
    this.checkAllowed(orgId, me, disallow, 'disallow');
    const both = allow.filter((u) => disallow.includes(u));
    if (both.length) throw badField('disallow', `Both allowed and disallowed: ${both.join(', ')}.`);
    this.db.transaction(() => {
      for (const u of allow) if (!this.find(orgId, me, u)) this.insert(orgId, me, u);
      for (const u of disallow) {
        const r = this.find(orgId, me, u);
        if (r) this.remove(orgId, r.id);
      }
    })();
    return this.list(orgId, me, { allowing_user_id: me });
  }

  private checkAllowed(orgId: string, me: string, users: string[], field: string): void {
    if (users.includes(me)) throw badField(field, 'You can always send as yourself.');
    const unknown = users.filter((u) => cached(this.db, `SELECT 1 FROM close_users WHERE org_id = ? AND id = ?`).get(orgId, u) === undefined);
    if (unknown.length) throw badField(field, `Unknown user: ${unknown.join(', ')}.`);
  }

  private find(orgId: string, allowing: string, allowed: string): Row | undefined {
    return cached(this.db, `SELECT ${COLUMNS} FROM close_send_as WHERE org_id = ? AND allowing_user_id = ? AND allowed_user_id = ?`)
      .get(orgId, allowing, allowed) as Row | undefined;
  }

  private insert(orgId: string, allowing: string, allowed: string): SendAsT {
    const row: Row = { org_id: orgId, id: this.ids.base62('sendas_'), allowing_user_id: allowing, allowed_user_id: allowed, date_created: this.stamp.now(orgId) };
    cached(this.db, `INSERT INTO close_send_as (${COLUMNS}) VALUES (@org_id, @id, @allowing_user_id, @allowed_user_id, @date_created)`).run(row);
    return render(row);
  }

  private remove(orgId: string, id: string): void {
    cached(this.db, `DELETE FROM close_send_as WHERE org_id = ? AND id = ?`).run(orgId, id);
  }
}
