import { cached, type Db } from './db.js';
import type { Clocks } from './clock.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Which organizations have background work pending and when it is next due (src/core/scheduler.ts). */
    scheduler: Scheduler;
  }
}

/**
 * Which organizations have background work pending, per kind of work (a *lane*: a vendor's bulk
 * actions, its webhook deliveries), and when the earliest of it is due on that organization's clock.
 * Vendor-neutral: it knows organization ids and instants, not what the work is. Background workers ask
 * `due(lane)` each tick and visit only those organizations, so an idle organization (subscriptions
 * without pending deliveries, only finished bulk actions) costs nothing per tick and its database is
 * never opened; then they report what they found with `settle`.
 *
 * Kept in memory and mirrored in `control_pending_work` of the process-wide database, so a restart
 * rebuilds it without opening any organization's database. That table cannot share a transaction
 * with an organization's own database, so it errs on one side only: `note` runs *before* the write
 * that makes work pending (a failed write leaves an extra row: one visit that finds nothing and
 * settles it away), and a row leaves only when a visit found nothing pending in the database. The
 * due instant stored is never later than the real one. Comparing with each organization's clock at
 * every tick is what makes a clock move (`/_mock/clock/advance`, `PUT …/clock`) make work due.
 */
export class Scheduler {
  /** lane → organization → due (ms of its clock) as the workers see it. */
  private readonly lanes = new Map<string, Map<string, number>>();
  /** Test hook: how many organizations `due` returned, per lane, since the start. */
  readonly visits = new Map<string, number>();

  constructor(private readonly main: Db, private readonly clock: Clocks) {
    this.load(null);
  }

  /**
   * Work of `lane` may be due at `dueMs` (0: runnable now) in the organization: call before the
   * write that stores it. Only an earlier instant than the one known is written.
   */
  note(lane: string, orgId: string, dueMs: number): void {
    const orgs = this.lane(lane);
    const known = orgs.get(orgId);
    if (known !== undefined && known <= dueMs) return;
    orgs.set(orgId, dueMs);
    cached(this.main, `INSERT INTO control_pending_work (lane, org_id, due_ms) VALUES (?, ?, ?)
      ON CONFLICT (lane, org_id) DO UPDATE SET due_ms = min(due_ms, excluded.due_ms)`).run(lane, orgId, dueMs);
  }

  /**
   * What a visit found in the organization's database: the earliest pending work of the lane (null:
   * none, the organization leaves the lane and its row goes). `inMemory` lets a worker look later
   * than that while some of the work is in its hands (attempts in flight); a `note` brings it back.
   */
  settle(lane: string, orgId: string, stored: number | null, inMemory: number | null = stored): void {
    const orgs = this.lane(lane);
    if (inMemory === null) orgs.delete(orgId);
    else orgs.set(orgId, inMemory);
    if (stored === null) cached(this.main, `DELETE FROM control_pending_work WHERE lane = ? AND org_id = ?`).run(lane, orgId);
    else {
      cached(this.main, `INSERT INTO control_pending_work (lane, org_id, due_ms) VALUES (?, ?, ?)
        ON CONFLICT (lane, org_id) DO UPDATE SET due_ms = excluded.due_ms WHERE due_ms <> excluded.due_ms`).run(lane, orgId, stored);
    }
  }

  /** The organizations (only `orgId`, when given) whose work of `lane` is due on their own clock now, oldest due first. */
  due(lane: string, orgId?: string): string[] {
    const orgs = this.lanes.get(lane);
    if (!orgs) return [];
    const hits: [string, number][] = [];
    const look = orgId === undefined ? orgs : new Map(orgs.has(orgId) ? [[orgId, orgs.get(orgId)!]] : []);
    for (const [org, dueMs] of look) if (dueMs <= this.clock.nowMs(org)) hits.push([org, dueMs]);
    hits.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.visits.set(lane, (this.visits.get(lane) ?? 0) + hits.length);
    return hits.map(([org]) => org);
  }

  /** The organizations with work of `lane` pending (due or not) and when, as the workers see it. */
  pending(lane: string): Map<string, number> {
    return new Map(this.lanes.get(lane));
  }

  /**
   * Inside the transaction that replaces an organization's data (a reset, a restore): its rows become
   * the new data's pending work (lanes with work runnable from the start; none leaves it lazy).
   * `reload` after the commit brings memory in step.
   */
  replaceStored(orgId: string, lanes: readonly string[]): void {
    cached(this.main, `DELETE FROM control_pending_work WHERE org_id = ?`).run(orgId);
    for (const lane of lanes) cached(this.main, `INSERT INTO control_pending_work (lane, org_id, due_ms) VALUES (?, ?, 0)`).run(lane, orgId);
  }

  /** Memory from the stored rows again: of one organization (after its data was replaced or deleted), or all (null). */
  load(orgId: string | null): void {
    if (orgId === null) this.lanes.clear();
    else for (const orgs of this.lanes.values()) orgs.delete(orgId);
    const rows = (orgId === null
      ? cached(this.main, `SELECT lane, org_id, due_ms FROM control_pending_work`).all()
      : cached(this.main, `SELECT lane, org_id, due_ms FROM control_pending_work WHERE org_id = ?`).all(orgId)) as { lane: string; org_id: string; due_ms: number }[];
    for (const r of rows) this.lane(r.lane).set(r.org_id, r.due_ms);
  }

  private lane(name: string): Map<string, number> {
    let orgs = this.lanes.get(name);
    if (!orgs) this.lanes.set(name, (orgs = new Map()));
    return orgs;
  }
}
