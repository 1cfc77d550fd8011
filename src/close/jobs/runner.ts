import type { FastifyBaseLogger } from 'fastify';
import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { CrashHook } from '../../core/faults.js';
import { realTimers, type Timers } from '../../core/timers.js';
import { closeDate } from '../dates.js';
import { matchLeadIds } from '../query/index.js';
import type { CustomFieldReader } from '../store/custom-fields.js';
import type { CustomValues } from '../store/values.js';
import type { BulkEditRow } from '../store/bulk-edits.js';
import { ACTIVE_STATUSES, transition, type JobState } from './machine.js';
import { recheckPlan, type Plan } from './plan.js';
import { objectsOf, OBJECT_TABLES, type ObjectKind } from './scope.js';
import { byTickOrder, rotate, TICK_BUDGET_MS, TICK_ORDER, type JobKey } from './rotation.js';

/** How the runner works on one organization's database, and on each one's that holds jobs (Tenants). */
export interface JobOrgs {
  run<T>(orgId: string, fn: () => T): T;
  forJobOrgs<T>(orgId: string | undefined, fn: (org: string) => T): T[];
}

/** `legacy`: the edit came with only the legacy `query` (its translation is the stored s_query). */
type StoredPlan = Plan & { tz_offset_minutes: number; legacy?: { slice: { index: number; count: number } | null; sort: unknown[] } };

/** Where a step is; the reason of a step that throws names it. */
export type StepPhase = 'check' | 'load' | 'batch' | 'finish';
/** Test-only: called as a step enters each phase, inside its transaction; a throw there is the step failing. */
export type StepProbe = (phase: StepPhase, job: { org_id: string; id: string; status: string }) => void;

const REASON: Record<StepPhase, string> = {
  check: 'internal error while checking the bulk edit',
  load: 'the query could not be evaluated',
  batch: 'internal error while applying a batch',
  finish: 'internal error while finishing a step',
};

/** The database cannot be written now (another process holds its lock, or the app is closing): retry, do not fail the job. */
const isTransient = (err: unknown, db: Db): boolean => {
  const code = (err as { code?: unknown })?.code;
  return !db.open || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
};

/**
 * The only code that moves bulk edits forward. One tick advances the active bulk edits of every
 * organization by one step each, within a time budget, each step in one transaction (a batch and
 * its counters commit together, and every item is marked done with its edit), so a restart never
 * applies an item twice. A step that throws moves its own job to error and the tick goes on.
 */
export class BulkEditRunner {
  private cancelTicker: (() => void) | null = null;
  private running = false;
  private intervalMs = 0;
  /** The last job a tick stepped: the next tick starts after it (round-robin). */
  private cursor: JobKey | null = null;
  private phase: StepPhase = 'check';
  private readonly timers: Timers;

  constructor(
    private readonly db: Db, private readonly orgs: JobOrgs, private readonly ids: Ids,
    private readonly clock: Clocks,
    private readonly fields: CustomFieldReader,
    private readonly values: CustomValues,
    private readonly opts: {
      batchSize: number; log?: FastifyBaseLogger; crash?: CrashHook; changed?: () => void;
      tickBudgetMs?: number; probe?: StepProbe; timers?: Timers;
    },
  ) {
    this.timers = opts.timers ?? realTimers;
  }

  /** Starts the background ticker (tickMs 0 = none: tests and the control API drive ticks). */
  start(tickMs: number): void {
    if (tickMs > 0) this.intervalMs = tickMs;
    if (tickMs <= 0 || this.cancelTicker) return;
    this.cancelTicker = this.timers.every(tickMs, () => {
      if (this.running || !this.db.open) return;
      this.running = true;
      try {
        this.tick(undefined, this.opts.tickBudgetMs ?? TICK_BUDGET_MS);
      } catch (err) {
        this.opts.log?.error({ err }, 'bulk edit tick stopped; the next tick retries');
      } finally {
        this.running = false;
      }
    });
  }

  stop(): void {
    this.cancelTicker?.();
    this.cancelTicker = null;
  }

  /** The ticker's state; tickMs is the last interval it ran (or will run) with. */
  get ticker(): { running: boolean; tickMs: number; batchSize: number } {
    return { running: this.cancelTicker !== null, tickMs: this.intervalMs, batchSize: this.opts.batchSize };
  }

  /** Retunes the ticker while serving: a new interval restarts it; a batch size applies from the next step. */
  configure(patch: { running?: boolean; tickMs?: number; batchSize?: number }): void {
    if (patch.batchSize !== undefined) this.opts.batchSize = patch.batchSize;
    const wasRunning = this.cancelTicker !== null;
    const running = patch.running ?? wasRunning;
    if (patch.tickMs !== undefined) this.intervalMs = patch.tickMs;
    if (wasRunning && (!running || patch.tickMs !== undefined)) this.stop();
    if (running && this.cancelTicker === null) this.start(this.intervalMs || 100);
  }

  /** Tells watchers a job changed outside a step (paused or resumed through the control API). */
  changed(): void {
    this.opts.changed?.();
  }

  /** One step of one job (the control API's step and run); a step that throws puts the job in error. */
  stepOne(orgId: string, id: string): void {
    this.orgs.run(orgId, () => this.guardedStep(orgId, id));
  }

  /** Forces a job into error (the control API's fail); false when the state machine refuses. */
  forceFail(orgId: string, id: string, reason: string): boolean {
    return this.orgs.run(orgId, () => this.db.transaction(() => {
      const row = cached(this.db, `SELECT * FROM close_bulk_edits WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkEditRow | undefined;
      if (!row || !transition(row as JobState, { type: 'fail' }).ok) return false;
      this.fail(row, reason);
      return true;
    })());
  }

  /**
   * Advances active bulk edits by one step each, starting after the job the last tick stepped, until
   * `budgetMs` of wall time is spent (at least one step; the background ticker passes TICK_BUDGET_MS,
   * a direct call steps every job); returns how many were stepped.
   */
  tick(orgId?: string, budgetMs = Infinity): number {
    // Only organizations whose data holds jobs are looked at, each in its own database.
    const active = this.orgs.forJobOrgs(orgId, (org) => cached(this.db, `SELECT date_created, seq, org_id, id FROM close_bulk_edits
      WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')}) AND org_id = ? ORDER BY ${TICK_ORDER}`).all(...ACTIVE_STATUSES, org) as JobKey[])
      .flat().sort(byTickOrder);
    const began = performance.now();
    let stepped = 0;
    for (const job of rotate(active, this.cursor)) {
      if (stepped > 0 && performance.now() - began >= budgetMs) break;
      // Moved first: a job whose failure cannot even be recorded does not go first again next tick.
      this.cursor = job;
      this.orgs.run(job.org_id, () => this.guardedStep(job.org_id, job.id));
      stepped++;
      this.opts.crash?.reach('bulk-edit-after-batch');
    }
    return stepped;
  }

  /**
   * One step in its own transaction. If it throws, the transaction rolls back and the job goes to
   * error with the phase and message as its reason (logged), so it cannot hold up the others; a busy
   * or closed database is rethrown instead (the job is fine, the next tick retries).
   */
  private guardedStep(orgId: string, id: string): void {
    this.phase = 'check';
    try {
      this.db.transaction(() => this.step(orgId, id))();
    } catch (err) {
      if (isTransient(err, this.db)) throw err;
      const phase = this.phase;
      this.opts.log?.error({ err, bulk_edit: id, org: orgId, phase }, 'bulk edit step threw; the bulk edit goes to error');
      this.db.transaction(() => {
        const row = cached(this.db, `SELECT * FROM close_bulk_edits WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkEditRow | undefined;
        if (row) this.fail(row, `${REASON[phase]}: ${(err as Error)?.message ?? String(err)}`);
      })();
    }
  }

  private enter(phase: StepPhase, row: BulkEditRow): void {
    this.phase = phase;
    this.opts.probe?.(phase, row);
  }

  private step(orgId: string, id: string): void {
    const row = cached(this.db, `SELECT * FROM close_bulk_edits WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkEditRow | undefined;
    if (!row || !ACTIVE_STATUSES.includes(row.status)) return;
    this.enter('check', row);
    const plan = JSON.parse(row.params) as StoredPlan;
    const problem = row.status === 'created' || row.status === 'resuming' ? null : recheckPlan(this.db, this.fields, orgId, plan);
    if (problem) return this.fail(row, problem);
    if (row.status === 'loading') {
      this.enter('load', row);
      this.load(row, plan);
    }
    let remaining: number | undefined;
    if (row.status === 'processing') {
      this.enter('batch', row);
      remaining = this.applyBatch(row, plan);
    }
    this.enter('finish', row);
    const t = transition(row as JobState, { type: 'tick', remaining });
    if (!t.ok) return;
    cached(this.db, `UPDATE close_bulk_edits SET status = ?, paused_from = ?, date_updated = ? WHERE org_id = ? AND id = ?`)
      .run(t.next.status, t.next.paused_from, closeDate(this.clock.now(row.org_id)), orgId, id);
    if (t.next.status === 'done' && row.send_done_email === 1) this.sendDoneEmail(row);
    this.opts.changed?.();
  }

  /** loading: evaluates the query once and freezes the matched set as items, in lead order. */
  private load(row: BulkEditRow, plan: StoredPlan): void {
    const sort = JSON.parse(row.sort) as unknown[];
    const leadIds = matchLeadIds(this.db, row.org_id, JSON.parse(row.s_query), {
      sort: sort.length > 0 || !plan.legacy ? sort : plan.legacy.sort, legacy: plan.legacy ? { slice: plan.legacy.slice } : undefined, resultsLimit: row.results_limit, now: this.clock.now(row.org_id), tzOffsetMinutes: plan.tz_offset_minutes,
    });
    const insert = cached(this.db, `INSERT INTO close_bulk_edit_items (org_id, bulk_edit_id, seq, lead_id, object_type, object_id) VALUES (?, ?, ?, ?, ?, ?)`);
    let seq = 0;
    let objects = 0;
    const byLead = objectsOf(this.db, this.fields, row.org_id, row.type, plan.field_id, leadIds);
    for (const leadId of leadIds) {
      const list = byLead.get(leadId) ?? [];
      // A lead without objects to edit still gets a marker item, so it counts as processed in order.
      if (list.length === 0) insert.run(row.org_id, row.id, seq++, leadId, 'none', leadId);
      for (const o of list) insert.run(row.org_id, row.id, seq++, leadId, o.kind, o.id);
      objects += list.length;
    }
    cached(this.db, `UPDATE close_bulk_edits SET n_leads = ?, n_objects = ? WHERE org_id = ? AND id = ?`).run(leadIds.length, objects, row.org_id, row.id);
  }

  /** processing: applies the next batch; returns 1 while items are left to do, else 0. */
  private applyBatch(row: BulkEditRow, plan: StoredPlan): number {
    // The pending index, or SQLite walks the primary key past every item already done (quadratic).
    const items = cached(this.db, `SELECT seq, lead_id, object_type, object_id FROM close_bulk_edit_items INDEXED BY close_bulk_edit_items_pending
      WHERE org_id = ? AND bulk_edit_id = ? AND done = 0 ORDER BY seq LIMIT ?`)
      .all(row.org_id, row.id, this.opts.batchSize) as { seq: number; lead_id: string; object_type: ObjectKind | 'none'; object_id: string }[];
    const now = closeDate(this.clock.now(row.org_id));
    let objects = 0;
    if (plan.operation === 'status') {
      // A status edit writes the same three columns on every lead: one statement for the batch.
      const leadIds = items.filter((item) => item.object_type !== 'none').map((item) => item.object_id);
      cached(this.db, `UPDATE close_leads SET status_id = ?, updated_by = ?, date_updated = ? WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
        .run(plan.lead_status_id, row.created_by, now, row.org_id, JSON.stringify(leadIds));
      objects = leadIds.length;
      // Inside the batch's transaction, before its items are marked done: a crash rolls it all back.
      if (items.length > 0) this.opts.crash?.reach('bulk-edit-mid-batch');
    } else {
      for (const [i, item] of items.entries()) {
        // Halfway through a batch, inside its transaction: a crash here must roll the whole batch back.
        if (i === Math.floor(items.length / 2)) this.opts.crash?.reach('bulk-edit-mid-batch');
        if (item.object_type !== 'none') {
          this.apply(row, plan, item.object_type, item.object_id, now);
          objects++;
        }
      }
    }
    const seqs = JSON.stringify(items.map((item) => item.seq));
    cached(this.db, `UPDATE close_bulk_edit_items SET done = 1 WHERE org_id = ? AND bulk_edit_id = ? AND seq IN (SELECT value FROM json_each(?))`)
      .run(row.org_id, row.id, seqs);
    const left = cached(this.db, `SELECT 1 FROM close_bulk_edit_items WHERE org_id = ? AND bulk_edit_id = ? AND done = 0 LIMIT 1`)
      .get(row.org_id, row.id) !== undefined;
    cached(this.db, `UPDATE close_bulk_edits SET n_objects_processed = n_objects_processed + ?, n_leads_processed = n_leads_processed + ? WHERE org_id = ? AND id = ?`)
      .run(objects, this.leadsFinished(row, items), row.org_id, row.id);
    return left ? 1 : 0;
  }

  /**
   * The leads this batch finished: those of its items' leads with nothing left to do. A lead is
   * counted once, in the batch that marks its last item done (done only goes 0 → 1), so the counter
   * grows by this in the batch's own transaction; counting every pending lead on each batch made a
   * bulk edit quadratic in its size.
   */
  private leadsFinished(row: BulkEditRow, items: { lead_id: string }[]): number {
    const leads = [...new Set(items.map((item) => item.lead_id))];
    if (leads.length === 0) return 0;
    const stillPending = cached(this.db, `SELECT count(DISTINCT lead_id) FROM close_bulk_edit_items
      WHERE org_id = ? AND bulk_edit_id = ? AND done = 0 AND lead_id IN (SELECT value FROM json_each(?))`)
      .pluck().get(row.org_id, row.id, JSON.stringify(leads)) as number;
    return leads.length - stillPending;
  }

  private apply(row: BulkEditRow, plan: StoredPlan, kind: ObjectKind, objectId: string, now: string): void {
    const table = OBJECT_TABLES[kind];
    if (plan.operation === 'status') {
      cached(this.db, `UPDATE close_leads SET status_id = ?, updated_by = ?, date_updated = ? WHERE org_id = ? AND id = ?`)
        .run(plan.lead_status_id, row.created_by, now, row.org_id, objectId);
      return;
    }
    // An object deleted while the edit runs is skipped (its item still counts as processed).
    const touched = cached(this.db, `UPDATE ${table.name} SET date_updated = @now${table.hasUpdatedBy ? ', updated_by = @user' : ''} WHERE org_id = @org AND id = @id`)
      .run({ now, org: row.org_id, id: objectId, ...(table.hasUpdatedBy ? { user: row.created_by } : {}) });
    if (touched.changes === 0) return;
    const fieldId = plan.field_id!;
    const current = this.values.get(row.org_id, objectId, fieldId);
    const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
    let next: unknown;
    switch (plan.operation) {
      case 'clear': next = null; break;
      case 'replace': next = plan.value; break;
      case 'add': next = [...list(current), ...list(plan.value).filter((v) => !list(current).includes(v))]; break;
      case 'remove': next = list(current).filter((v) => !list(plan.value).includes(v)); break;
    }
    this.values.set(row.org_id, objectId, fieldId, next);
  }

  private fail(row: BulkEditRow, reason: string): void {
    const t = transition(row as JobState, { type: 'fail' });
    if (!t.ok) return;
    // Real API: the failure reason is not part of the object; here: kept in error_reason, logged.
    this.opts.log?.warn({ bulk_edit: row.id, org: row.org_id, reason }, 'bulk edit failed');
    cached(this.db, `UPDATE close_bulk_edits SET status = 'error', error_reason = ?, date_updated = ? WHERE org_id = ? AND id = ?`)
      .run(reason, closeDate(this.clock.now(row.org_id)), row.org_id, row.id);
    this.opts.changed?.();
  }

  private sendDoneEmail(row: BulkEditRow): void {
    const user = cached(this.db, `SELECT email FROM close_users WHERE org_id = ? AND id = ?`).pluck().get(row.org_id, row.created_by) as string | undefined;
    const done = cached(this.db, `SELECT n_leads, n_objects FROM close_bulk_edits WHERE org_id = ? AND id = ?`).get(row.org_id, row.id) as { n_leads: number; n_objects: number };
    cached(this.db, `INSERT INTO close_outbox (org_id, id, kind, recipient, subject, body, ref_id, date_created) VALUES (?, ?, 'bulk_edit_done', ?, ?, ?, ?, ?)`).run(
      row.org_id, this.ids.base62('email_'), user ?? 'unknown', 'Your bulk edit is complete',
      `Bulk edit ${row.id} (${row.type}) finished: ${done.n_leads} leads, ${done.n_objects} objects updated.`, row.id, closeDate(this.clock.now(row.org_id)),
    );
  }
}
