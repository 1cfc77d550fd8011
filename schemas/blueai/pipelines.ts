import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime } from '../common.js';

export const Stage = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$' }),
  name: Type.String({ minLength: 1 }),
});

export const Pipeline = Type.Object({
  id: Type.String(),
  name: Type.String(),
  is_default: Type.Boolean(),
  sort_order: Type.Integer(),
  stages: Type.Array(Stage),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type PipelineT = Static<typeof Pipeline>;

export const PipelineCreate = Type.Object({
  name: Type.String({ minLength: 1 }),
  is_default: Type.Optional(Type.Boolean()),
  sort_order: Type.Optional(Type.Integer()),
  stages: Type.Array(Stage, { minItems: 1, maxItems: 50 }),
});
export type PipelineCreateT = Static<typeof PipelineCreate>;
export const PipelinePatch = Type.Partial(PipelineCreate, { minProperties: 1 });
export type PipelinePatchT = Static<typeof PipelinePatch>;

export const PipelineList = Type.Object({ pipelines: Type.Array(Pipeline) });
