import { cached, type Db } from '../../core/db.js';
import { notFound, validationError } from '../../core/errors.js';
import {
  MAX_FORECAST_MONTHS, type ForecastT, type OwnerPerformanceT, type PipelineSummaryT,
} from '../../../schemas/blueai/reports.js';
import { Refs } from './refs.js';

const WON = 'closed_won';
const LOST = 'closed_lost';

/** Reports, each one read of the organization's deals (GROUP BY in SQLite). */
export class ReportStore {
  private readonly refs: Refs;

  constructor(private readonly db: Db) {
    this.refs = new Refs(db);
  }

  /** Every stage of the pipeline in stage order, with its deal count and summed amount (zeros included). */
  pipelineSummary(orgId: string, pipelineId?: string): PipelineSummaryT {
    // Real API: whether pipeline_id is required is not shown; here: without it, the default pipeline.
    const id = pipelineId ?? this.refs.defaultPipelineId(orgId);
    if (id === undefined || !this.refs.exists('blueai_pipelines', orgId, id)) throw notFound(`Pipeline ${pipelineId ?? '(default)'} not found`);
    const rows = cached(this.db, `SELECT stage, count(*) AS n, total(amount) AS amount FROM blueai_deals
      WHERE org_id = ? AND pipeline_id = ? GROUP BY stage`).all(orgId, id) as { stage: string; n: number; amount: number }[];
    const byStage = new Map(rows.map((r) => [r.stage, r]));
    return {
      data: this.refs.stagesOf(orgId, id).map((stage) => ({
        stage,
        deal_count: byStage.get(stage)?.n ?? 0,
        // A deal without an amount counts as 0.
        total_amount: byStage.get(stage)?.amount ?? 0,
      })),
    };
  }

  /**
   * One row per month from `from` to `to` (both YYYY-MM, both included): the open deals (every stage
   * but closed_won and closed_lost, in every pipeline) whose expected_close_date falls in that month,
   * and forecast_amount = round(Σ amount × probability / 100); a missing amount or probability counts as 0.
   */
  forecast(orgId: string, from: string, to: string): ForecastT {
    const start = monthIndex(from);
    const end = monthIndex(to);
    if (end < start) throw validationError(`to (${to}) is before from (${from})`, { to: 'must not be before from' });
    if (end - start + 1 > MAX_FORECAST_MONTHS) {
      throw validationError(`A forecast covers at most ${MAX_FORECAST_MONTHS} months; ${from} to ${to} is ${end - start + 1}`, {
        to: `must be at most ${MAX_FORECAST_MONTHS} months from from (both included)`,
      });
    }
    const rows = cached(this.db, `SELECT substr(expected_close_date, 1, 7) AS month, count(*) AS n,
        total(coalesce(amount, 0) * coalesce(probability, 0)) AS weighted
      FROM blueai_deals
      WHERE org_id = @org AND stage NOT IN ('${WON}', '${LOST}')
        AND substr(expected_close_date, 1, 7) BETWEEN @from AND @to
      GROUP BY month`).all({ org: orgId, from, to }) as { month: string; n: number; weighted: number }[];
    const byMonth = new Map(rows.map((r) => [r.month, r]));
    const data: ForecastT['data'] = [];
    for (let m = start; m <= end; m++) {
      const month = monthName(m);
      const row = byMonth.get(month);
      data.push({ month, deal_count: row?.n ?? 0, forecast_amount: Math.round((row?.weighted ?? 0) / 100) });
    }
    return { data };
  }

  /** Per member (created_at order): deals assigned, won, lost, and the amount won. Unassigned deals are in no row. */
  ownerPerformance(orgId: string): OwnerPerformanceT {
    const data = cached(this.db, `SELECT m.id AS member_id, m.name AS member_name, count(d.id) AS deals_owned,
        count(CASE WHEN d.stage = '${WON}' THEN 1 END) AS deals_won, count(CASE WHEN d.stage = '${LOST}' THEN 1 END) AS deals_lost,
        total(CASE WHEN d.stage = '${WON}' THEN d.amount END) AS won_amount
      FROM blueai_members m LEFT JOIN blueai_deals d ON d.org_id = m.org_id AND d.assigned_member_id = m.id
      WHERE m.org_id = ? GROUP BY m.id ORDER BY m.created_at, m.id`).all(orgId) as OwnerPerformanceT['data'];
    return { data };
  }
}

/** Months since year 0: `2026-05` → 2026 × 12 + 4. The schema has checked the format. */
function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

function monthName(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}
