import { Type, type Static } from '@sinclair/typebox';
import { closeList } from './common.js';
import { Required, S } from './objects.js';
import { OpportunityStatus } from './statuses.js';

/** A pipeline: its opportunity statuses, in their order. */
export const Pipeline = Type.Object({ id: S, name: S, organization_id: S, statuses: Type.Array(OpportunityStatus) });
export type PipelineT = Static<typeof Pipeline>;
export const PipelinePartial = Type.Partial(Pipeline);
export const PipelineList = closeList(PipelinePartial);

/** `{"id": …}` of a status of this pipeline (reordered) or of another one (moved into this one). */
const StatusRefs = Type.Array(Type.Object({ id: Required }));
export const PipelineCreate = Type.Object({ name: Required, statuses: Type.Optional(StatusRefs) });
export type PipelineCreateT = Static<typeof PipelineCreate>;
export const PipelineUpdate = Type.Object({ name: Type.Optional(Required), statuses: Type.Optional(StatusRefs) });
export type PipelineUpdateT = Static<typeof PipelineUpdate>;
