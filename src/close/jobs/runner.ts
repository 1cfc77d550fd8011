import type { FastifyBaseLogger } from 'fastify';
import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { Scheduler } from '../../core/scheduler.js';
import { BULK_LANE } from '../schedule.js';
import type { CrashHook } from '../../core/faults.js';
import { realTimers, type Timers } from '../../core/timers.js';
import { closeDate } from '../dates.js';
import { matchLeadIds } from '../query/index.js';
import type { BulkActionRow } from '../store/bulk-actions.js';
import { ACTIVE_STATUSES, transition, type JobState } from './machine.js';
import type { BatchItem, BulkKinds } from './kinds.js';
import type { EventLog } from '../store/events.js';
import { byTickOrder, rotate, TICK_BUDGET_MS, TICK_ORDER, type JobKey } from './rotation.js';

/** How background work runs in one organization's database (Tenants). */
export interface OrgRunner {
  run<T>(orgId: string, fn: () => T): T;
}

/** …and how the control API looks across the organizations whose data holds bulk actions or webhook subscriptions (Tenants). */
export interface JobOrgs extends OrgRunner {
  forOrgsWithJobsOrWebhooks<T>(orgId: string | undefined, fn: (org: string) => T): T[];
}

/** What the runner and the deliverer ask of the scheduler (src/core/scheduler.ts). */
export type DueOrgs = Pick<Scheduler, 'due' | 'settle' | 'note'>;

/** What every kind's params carry besides its own; `legacy`: the action came with only the legacy `query` (its translation is the stored s_query). */
type StoredParams = Record<string, unknown> & { tz_offset_minutes: number; legacy?: { slice: { index: number; count: number } | null; sort: unknown[] } };

/** Where a step is; the reason of a step that throws names it. */
export type StepPhase = 'check' | 'load' | 'batch' | 'finish';
/** Test-only: called as a step enters each phase, inside its transaction; a throw there is the step failing. */
export type StepProbe = (phase: StepPhase, job: { org_id: string; id: string; status: string }) => void;

const REASON: Record<StepPhase, (noun: string) => string> = {
  check: (noun) => `internal error while checking the ${noun}`,
  load: () => 'the query could not be evaluated',
  batch: () => 'internal error while applying a batch',
  finish: () => 'internal error while finishing a step',
};

/** The database cannot be written now (another process holds its lock, or the app is closing): retry, do not fail the job. */
const isTransient = (err: unknown, db: Db): boolean => {
  const code = (err as { code?: unknown })?.code;
  return !db.open || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
};

/**
 * The only code that moves bulk actions (every kind) forward. One tick advances the active ones of every
 * organization by one step each, within a time budget, each step in one transaction (a batch and
 * its counters commit together, and every item is marked done with its edit), so a restart never
 * applies an item twice. A step that throws moves its own job to error and the tick goes on.
 */
export class BulkActionRunner {
  private cancelTicker: (() => void) | null = null;
  private running = false;
  private intervalMs = 0;
  /** The last job a tick stepped: the next tick starts after it (round-robin). */
  private cursor: JobKey | null = null;
  private phase: StepPhase = 'check';
  private readonly timers: Timers;

  constructor(
    private readonly db: Db, private readonly orgs: OrgRunner, private readonly scheduler: DueOrgs, private readonly ids: Ids,
    private readonly clock: Clocks,
    private readonly kinds: BulkKinds,
    /** The event log (items' events carry meta.bulk_action_id) and the bulk action's own events. */
    private readonly events: { log: EventLog; lifecycle: (row: BulkActionRow, action: string, before: Record<string, unknown> | null) => void },
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
      const row = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkActionRow | undefined;
      if (!row || !transition(row as JobState, { type: 'fail' }, this.kinds.get(row.kind).noun).ok) return false;
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
    // Only organizations the scheduler has with an active bulk action are looked at, each in its own
    // database; one where none is active any more leaves the lane.
    const active = this.scheduler.due(BULK_LANE, orgId).flatMap((org) => this.orgs.run(org, () => {
      const jobs = cached(this.db, `SELECT date_created, seq, org_id, id FROM close_bulk_actions
        WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')}) AND org_id = ? ORDER BY ${TICK_ORDER}`).all(...ACTIVE_STATUSES, org) as JobKey[];
      if (jobs.length === 0) this.scheduler.settle(BULK_LANE, org, null);
      return jobs;
    })).sort(byTickOrder);
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
        const row = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkActionRow | undefined;
        if (row) this.fail(row, `${REASON[phase](this.kinds.get(row.kind).noun)}: ${(err as Error)?.message ?? String(err)}`);
      })();
    }
  }

  private enter(phase: StepPhase, row: BulkActionRow): void {
    this.phase = phase;
    this.opts.probe?.(phase, row);
  }

  private step(orgId: string, id: string): void {
    const row = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkActionRow | undefined;
    if (!row || !ACTIVE_STATUSES.includes(row.status)) return;
    // What the step records is the bulk action's doing: its creator, no request, meta.bulk_action_id.
    this.events.log.withContext({ request_id: null, api_key_id: null, user_id: row.created_by, meta: { bulk_action_id: row.id } }, () => this.stepRow(row));
  }

  private stepRow(row: BulkActionRow): void {
    const { org_id: orgId, id } = row;
    const kind = this.kinds.get(row.kind);
    const before = kind.action(row);
    this.enter('check', row);
    const params = JSON.parse(row.params) as StoredParams;
    const problem = row.status === 'created' || row.status === 'resuming' ? null : kind.recheck(orgId, row, params);
    if (problem) return this.fail(row, problem);
    if (row.status === 'loading') {
      this.enter('load', row);
      this.load(row, params);
    }
    let remaining: number | undefined;
    if (row.status === 'processing') {
      this.enter('batch', row);
      remaining = this.applyBatch(row, params);
    }
    this.enter('finish', row);
    const t = transition(row as JobState, { type: 'tick', remaining }, kind.noun);
    if (!t.ok) return;
    cached(this.db, `UPDATE close_bulk_actions SET status = ?, paused_from = ?, date_updated = ? WHERE org_id = ? AND id = ?`)
      .run(t.next.status, t.next.paused_from, closeDate(this.clock.now(row.org_id)), orgId, id);
    const now = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkActionRow;
    this.events.lifecycle(now, t.next.status === 'done' ? 'completed' : 'updated', before);
    if (t.next.status === 'done' && row.send_done_email === 1) this.sendDoneEmail(row);
    this.opts.changed?.();
  }

  /** loading: evaluates the query once and freezes the matched set as items, in lead order. */
  private load(row: BulkActionRow, params: StoredParams): void {
    const sort = JSON.parse(row.sort) as unknown[];
    const leadIds = matchLeadIds(this.db, row.org_id, JSON.parse(row.s_query), {
      sort: sort.length > 0 || !params.legacy ? sort : params.legacy.sort, legacy: params.legacy ? { slice: params.legacy.slice } : undefined,
      resultsLimit: row.results_limit, now: this.clock.now(row.org_id), tzOffsetMinutes: params.tz_offset_minutes,
    });
    const insert = cached(this.db, `INSERT INTO close_bulk_action_items (org_id, bulk_action_id, seq, lead_id, object_type, object_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    let seq = 0;
    let objects = 0;
    const byLead = this.kinds.get(row.kind).items(row.org_id, row, params, leadIds);
    for (const leadId of leadIds) {
      const list = byLead.get(leadId) ?? [];
      // A lead without objects to act on still gets a marker item, so it counts as processed in order.
      if (list.length === 0) insert.run(row.org_id, row.id, seq++, leadId, 'none', leadId, null);
      for (const o of list) insert.run(row.org_id, row.id, seq++, leadId, o.object_type, o.object_id, o.detail ?? null);
      objects += list.length;
    }
    cached(this.db, `UPDATE close_bulk_actions SET n_leads = ?, n_objects = ? WHERE org_id = ? AND id = ?`).run(leadIds.length, objects, row.org_id, row.id);
  }

  /** processing: applies the next batch; returns 1 while items are left to do, else 0. */
  private applyBatch(row: BulkActionRow, params: StoredParams): number {
    // The pending index, or SQLite walks the primary key past every item already done (quadratic).
    let items = cached(this.db, `SELECT seq, lead_id, object_type, object_id, detail FROM close_bulk_action_items INDEXED BY close_bulk_action_items_pending
      WHERE org_id = ? AND bulk_action_id = ? AND done = 0 ORDER BY seq LIMIT ?`)
      .all(row.org_id, row.id, this.opts.batchSize) as BatchItem[];
    const now = closeDate(this.clock.now(row.org_id));
    // Halfway through a batch, inside its transaction: a crash there must roll the whole batch back.
    const result = this.kinds.get(row.kind).apply(row, params, items, now, () => this.opts.crash?.reach('bulk-edit-mid-batch'));
    // A kind may stop a batch early (a bulk email past its step budget): only what it did is done.
    const objects = typeof result === 'number' ? result : result.changed;
    if (typeof result !== 'number') items = items.slice(0, result.processed);
    const seqs = JSON.stringify(items.map((item) => item.seq));
    cached(this.db, `UPDATE close_bulk_action_items SET done = 1 WHERE org_id = ? AND bulk_action_id = ? AND seq IN (SELECT value FROM json_each(?))`)
      .run(row.org_id, row.id, seqs);
    const left = cached(this.db, `SELECT 1 FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ? AND done = 0 LIMIT 1`)
      .get(row.org_id, row.id) !== undefined;
    cached(this.db, `UPDATE close_bulk_actions SET n_objects_processed = n_objects_processed + ?, n_leads_processed = n_leads_processed + ? WHERE org_id = ? AND id = ?`)
      .run(objects, this.leadsFinished(row, items), row.org_id, row.id);
    return left ? 1 : 0;
  }

  /**
   * The leads this batch finished: those of its items' leads with nothing left to do. A lead is
   * counted once, in the batch that marks its last item done (done only goes 0 → 1), so the counter
   * grows by this in the batch's own transaction; counting every pending lead on each batch made a
   * bulk action quadratic in its size.
   */
  private leadsFinished(row: BulkActionRow, items: { lead_id: string }[]): number {
    const leads = [...new Set(items.map((item) => item.lead_id))];
    if (leads.length === 0) return 0;
    const stillPending = cached(this.db, `SELECT count(DISTINCT lead_id) FROM close_bulk_action_items
      WHERE org_id = ? AND bulk_action_id = ? AND done = 0 AND lead_id IN (SELECT value FROM json_each(?))`)
      .pluck().get(row.org_id, row.id, JSON.stringify(leads)) as number;
    return leads.length - stillPending;
  }

  private fail(row: BulkActionRow, reason: string): void {
    const kind = this.kinds.get(row.kind);
    const t = transition(row as JobState, { type: 'fail' }, kind.noun);
    if (!t.ok) return;
    // Real API: the failure reason is not part of the object; here: kept in error_reason, logged.
    this.opts.log?.warn({ bulk_action: row.id, kind: row.kind, org: row.org_id, reason }, `${kind.noun} failed`);
    cached(this.db, `UPDATE close_bulk_actions SET status = 'error', error_reason = ?, date_updated = ? WHERE org_id = ? AND id = ?`)
      .run(reason, closeDate(this.clock.now(row.org_id)), row.org_id, row.id);
    const now = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(row.org_id, row.id) as BulkActionRow;
    this.events.lifecycle(now, 'updated', kind.action(row));
    this.opts.changed?.();
  }

  private sendDoneEmail(row: BulkActionRow): void {
    const user = cached(this.db, `SELECT email FROM close_users WHERE org_id = ? AND id = ?`).pluck().get(row.org_id, row.created_by) as string | undefined;
    const done = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(row.org_id, row.id) as BulkActionRow;
    const mail = this.kinds.get(row.kind).doneEmail(done);
    cached(this.db, `INSERT INTO close_outbox (org_id, id, kind, recipient, subject, body, ref_id, date_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
      row.org_id, this.ids.base62('email_'), `bulk_${row.kind}_done`, user ?? 'unknown', mail.subject, mail.body, row.id, closeDate(this.clock.now(row.org_id)),
    );
  }
}
