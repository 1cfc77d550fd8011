import { Type, type Static } from '@sinclair/typebox';

/** `YYYY-MM`, month 01–12 (anchored, no repetition that can backtrack). */
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'A month, YYYY-MM' });

/** The widest forecast range, in months, both ends included. */
export const MAX_FORECAST_MONTHS = 24;

export const PipelineSummaryQuery = Type.Object({
  pipeline_id: Type.Optional(Type.String({ minLength: 1, description: 'Default: the default pipeline' })),
});
export type PipelineSummaryQueryT = Static<typeof PipelineSummaryQuery>;

export const PipelineSummary = Type.Object({
  data: Type.Array(Type.Object({
    stage: Type.String(),
    deal_count: Type.Integer(),
    total_amount: Type.Integer(),
  })),
});
export type PipelineSummaryT = Static<typeof PipelineSummary>;

export const ForecastQuery = Type.Object({ from: Month, to: Month });
export type ForecastQueryT = Static<typeof ForecastQuery>;

export const Forecast = Type.Object({
  data: Type.Array(Type.Object({
    month: Type.String(),
    deal_count: Type.Integer(),
    forecast_amount: Type.Integer({ description: 'round(Σ amount × probability / 100) over the open deals closing that month' }),
  })),
});
export type ForecastT = Static<typeof Forecast>;

export const OwnerPerformance = Type.Object({
  data: Type.Array(Type.Object({
    member_id: Type.String(),
    member_name: Type.String(),
    deals_owned: Type.Integer(),
    deals_won: Type.Integer(),
    deals_lost: Type.Integer(),
    won_amount: Type.Integer(),
  })),
});
export type OwnerPerformanceT = Static<typeof OwnerPerformance>;
