import { cached, type Db } from '../../core/db.js';
import { ApiError, conflict, notFound } from '../../core/errors.js';
import type { JobDriver, OutboxDriver } from '../../core/jobs.js';
import type { ControlJobT, OutboxMessageT, TickerT, TickerUpdateT } from '../../../schemas/control/jobs.js';
import type { BulkActionRow, BulkActionStore } from '../store/bulk-actions.js';
import { ACTIVE_STATUSES } from './machine.js';
import type { BulkActionRunner, JobOrgs } from './runner.js';

/** Close bulk actions of every kind as the control API drives them: across organizations, one job at a time. */
export class CloseJobDriver implements JobDriver {
  constructor(
    private readonly db: Db, private readonly orgs: JobOrgs, private readonly runner: BulkActionRunner, private readonly store: BulkActionStore,
  ) {}

  list(filter: { orgId?: string; status?: string; kind?: string }): ControlJobT[] {
    const rows = this.orgs.forOrgsWithJobsOrWebhooks(filter.orgId, () => cached(this.db, `SELECT * FROM close_bulk_actions WHERE (@status IS NULL OR status = @status)
      AND (@kind IS NULL OR kind = @kind) ORDER BY date_created, seq`).all({ status: filter.status ?? null, kind: filter.kind ?? null }) as BulkActionRow[]).flat();
    rows.sort((a, b) => cmp(a.date_created, b.date_created) || a.seq - b.seq || cmp(a.org_id, b.org_id));
    return rows.map((r) => this.toJob(r));
  }

  get(id: string, orgId?: string): ControlJobT {
    return this.toJob(this.row(id, orgId));
  }

  async step(id: string, orgId: string | undefined, ticks: number): Promise<ControlJobT> {
    const row = this.row(id, orgId);
    if (!ACTIVE_STATUSES.includes(row.status)) {
      throw conflict(`${this.noun(row)} ${id} is ${row.status} and does not progress${row.status === 'paused' ? '; resume it first' : ''}`);
    }
    return this.toJob(await this.advance(row, ticks));
  }

  async run(id: string, orgId: string | undefined): Promise<ControlJobT> {
    // Each step either loads, applies a batch or changes state, so this ends after
    // items / batch_size + a few steps; the bound only guards against a bug looping forever.
    return this.toJob(await this.advance(this.row(id, orgId), 10_000_000));
  }

  /**
   * Steps a job until it stops progressing or `steps` are taken, yielding to the event loop after each
   * step, so a long run does not hold other requests (and the ticker) until it ends.
   */
  private async advance(row: BulkActionRow, steps: number): Promise<BulkActionRow> {
    for (let i = 0; i < steps && ACTIVE_STATUSES.includes(row.status); i++) {
      this.runner.stepOne(row.org_id, row.id);
      await new Promise<void>((resolve) => setImmediate(resolve));
      row = this.row(row.id, row.org_id);
    }
    return row;
  }

  pause(id: string, orgId: string | undefined): ControlJobT {
    return this.setStatus(id, orgId, 'paused');
  }

  resume(id: string, orgId: string | undefined): ControlJobT {
    return this.setStatus(id, orgId, 'resuming');
  }

  /** The same transition as Close's PUT /bulk_action/{kind}/{id}/ (its 400 is a 409 here: the state, not the input, is wrong). */
  private setStatus(id: string, orgId: string | undefined, status: 'paused' | 'resuming'): ControlJobT {
    const row = this.row(id, orgId);
    try {
      this.orgs.run(row.org_id, () => this.store.setStatus(row.kind, row.org_id, '', id, status));
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) throw conflict(`${this.noun(row)} ${id}: ${err.message}`);
      throw err;
    }
    this.runner.changed();
    return this.get(id, row.org_id);
  }

  fail(id: string, orgId: string | undefined, reason: string): ControlJobT {
    const row = this.row(id, orgId);
    if (!this.runner.forceFail(row.org_id, id, reason)) throw conflict(`${this.noun(row)} ${id} is ${row.status} and cannot fail`);
    return this.get(id, row.org_id);
  }

  ticker(): TickerT {
    const t = this.runner.ticker;
    return { running: t.running, tick_ms: t.tickMs, batch_size: t.batchSize };
  }

  setTicker(patch: TickerUpdateT): TickerT {
    this.runner.configure({ running: patch.running, tickMs: patch.tick_ms, batchSize: patch.batch_size });
    return this.ticker();
  }

  private row(id: string, orgId?: string): BulkActionRow {
    const rows = this.orgs.forOrgsWithJobsOrWebhooks(orgId, () => cached(this.db, `SELECT * FROM close_bulk_actions WHERE id = ?`).all(id) as BulkActionRow[]).flat();
    if (rows.length === 0) throw notFound(`No bulk action ${id}${orgId ? ' in that organization' : ''}`);
    if (rows.length > 1) {
      throw new ApiError(409, 'CONFLICT', `${this.noun(rows[0]!)} ${id} exists in several organizations; add ?org=<id or credential>`, { field: 'org' });
    }
    return rows[0]!;
  }

  private toJob(row: BulkActionRow): ControlJobT {
    const items = this.orgs.run(row.org_id, () => cached(this.db, `SELECT count(*) AS total, coalesce(sum(done), 0) AS done FROM close_bulk_action_items
      WHERE org_id = ? AND bulk_action_id = ?`).get(row.org_id, row.id) as { total: number; done: number });
    return {
      id: row.id, org_id: row.org_id, vendor: 'close', kind: row.kind, type: row.type, status: row.status, paused_from: row.paused_from,
      date_paused: row.date_paused, error_reason: row.error_reason, n_leads: row.n_leads, n_objects: row.n_objects,
      n_leads_processed: row.n_leads_processed, n_objects_processed: row.n_objects_processed,
      items_total: items.total, items_done: items.done, date_created: row.date_created, date_updated: row.date_updated,
      action: this.store.action(row),
    };
  }

  /** "Bulk edit", "Bulk delete", … */
  private noun(row: BulkActionRow): string {
    const noun = this.store.kinds.get(row.kind).noun;
    return noun.charAt(0).toUpperCase() + noun.slice(1);
  }
}

/** Close's emails (close_outbox): the "bulk action done" emails, and the messages bulk emails send. */
export class CloseOutbox implements OutboxDriver {
  constructor(private readonly db: Db, private readonly orgs: JobOrgs) {}

  // Messages come only from bulk actions, so only organizations with jobs can have any.
  list(orgId?: string): OutboxMessageT[] {
    return this.orgs.forOrgsWithJobsOrWebhooks(orgId, () => cached(this.db, `SELECT org_id, id, kind, recipient, subject, body, ref_id, date_created FROM close_outbox
      ORDER BY date_created, id`).all() as OutboxMessageT[]).flat().sort((a, b) => cmp(a.date_created, b.date_created) || cmp(a.id, b.id));
  }

  clear(orgId?: string): void {
    this.orgs.forOrgsWithJobsOrWebhooks(orgId, () => cached(this.db, `DELETE FROM close_outbox`).run());
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
