import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type {
  ActivityCreateT, ActivityListQueryT, ActivityPageQueryT, ActivityPatchT, ActivityT, ActivityType,
} from '../../../schemas/blueai/activities.js';
import { listRows, publicRow, type Page } from './list.js';
import { Refs } from './refs.js';

/** Notes, calls, emails and meetings on a deal or a contact of the organization. */
export class ActivityStore {
  private readonly refs: Refs;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks) {
    this.refs = new Refs(db);
  }

  /** `GET /activities`: the documented filters, newest first (ties: the larger id first). */
  list(orgId: string, q: ActivityListQueryT): Page<ActivityT> {
    return this.page(orgId, { type: q.type, deal_id: q.deal_id, contact_id: q.contact_id }, q);
  }

  /** `GET /deals/{id}/activities`: the same rows as `GET /activities?deal_id=…`. */
  ofDeal(orgId: string, dealId: string, q: ActivityPageQueryT): Page<ActivityT> {
    if (!this.refs.exists('blueai_deals', orgId, dealId)) throw notFound(`Deal ${dealId} not found`);
    return this.page(orgId, { deal_id: dealId }, q);
  }

  get(orgId: string, id: string): ActivityT {
    const row = cached(this.db, `SELECT * FROM blueai_activities WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    if (!row) throw notFound(`Activity ${id} not found`);
    return publicRow<ActivityT>(row);
  }

  create(orgId: string, input: ActivityCreateT, createdBy: string | null): ActivityT {
    const activity: ActivityT = {
      id: this.ids.hex('act_'),
      type: input.type,
      content: input.content,
      deal_id: input.deal_id ?? null,
      contact_id: input.contact_id ?? null,
      created_by: createdBy,
      created_at: this.clock.iso(orgId),
    };
    this.checkOwner(orgId, activity);
    this.db.transaction(() => this.insert(orgId, activity))();
    return activity;
  }

  update(orgId: string, id: string, patch: ActivityPatchT): ActivityT {
    const current = this.get(orgId, id);
    const next: ActivityT = {
      ...current,
      type: patch.type ?? current.type,
      content: patch.content ?? current.content,
      deal_id: patch.deal_id === undefined ? current.deal_id : patch.deal_id,
      contact_id: patch.contact_id === undefined ? current.contact_id : patch.contact_id,
    };
    this.checkOwner(orgId, next);
    this.db.transaction(() => {
      cached(this.db, `UPDATE blueai_activities SET type = @type, content = @content, deal_id = @deal_id, contact_id = @contact_id
        WHERE org_id = @org_id AND id = @id`).run({ ...next, org_id: orgId });
    })();
    return next;
  }

  delete(orgId: string, id: string): void {
    const gone = this.db.transaction(() => cached(this.db, `DELETE FROM blueai_activities WHERE org_id = ? AND id = ?`).run(orgId, id).changes > 0)();
    if (!gone) throw notFound(`Activity ${id} not found`);
  }

  /** Records a stage change inside the caller's transaction. Real API: how BlueAI keeps a deal's stage
   * history is not documented; here: as a `note` on the deal, created_by null. */
  recordStageChange(orgId: string, dealId: string, from: string, to: string): void {
    this.insert(orgId, {
      id: this.ids.hex('act_'), type: 'note' satisfies ActivityType, content: `ステージ変更: ${from} → ${to}`,
      deal_id: dealId, contact_id: null, created_by: null, created_at: this.clock.iso(orgId),
    });
  }

  /** An activity belongs to a deal or a contact (or both), each of this organization. */
  private checkOwner(orgId: string, a: ActivityT): void {
    if (a.deal_id === null && a.contact_id === null) {
      throw validationError('An activity belongs to a deal or a contact: give deal_id or contact_id', {
        deal_id: 'deal_id or contact_id is required',
      });
    }
    this.refs.require('deal_id', 'blueai_deals', orgId, a.deal_id);
    this.refs.require('contact_id', 'blueai_contacts', orgId, a.contact_id);
  }

  private page(orgId: string, filters: Record<string, string | undefined>, q: ActivityPageQueryT): Page<ActivityT> {
    return listRows(
      this.db,
      { table: 'blueai_activities', orgId, filters, searchColumns: [], sortColumns: { created_at: 'created_at' } },
      { limit: q.limit, offset: q.offset, sort: 'created_at', order: 'desc' },
      (row) => publicRow<ActivityT>(row),
    );
  }

  private insert(orgId: string, a: ActivityT): void {
    cached(this.db, `INSERT INTO blueai_activities (org_id, id, type, content, deal_id, contact_id, created_by, created_at)
      VALUES (@org_id, @id, @type, @content, @deal_id, @contact_id, @created_by, @created_at)`).run({ ...a, org_id: orgId });
  }
}
