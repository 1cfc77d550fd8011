import { Type, type Static } from '@sinclair/typebox';
import { closeList } from './common.js';
import { stringEnum } from '../common.js';
import { Required, S } from './objects.js';

export const LeadStatus = Type.Object({ id: S, label: S, organization_id: S });
export type LeadStatusT = Static<typeof LeadStatus>;
export const LeadStatusInput = Type.Object({ label: Required });
export const LeadStatusPartial = Type.Partial(LeadStatus);
export const LeadStatusList = closeList(LeadStatusPartial);

export const OPPORTUNITY_STATUS_TYPES = ['active', 'won', 'lost'] as const;
/** Each belongs to one pipeline (`pipeline_id`). */
export const OpportunityStatus = Type.Object({ id: S, label: S, type: S, organization_id: S, pipeline_id: S });
export type OpportunityStatusT = Static<typeof OpportunityStatus>;
export const OpportunityStatusPartial = Type.Partial(OpportunityStatus);
export const OpportunityStatusList = closeList(OpportunityStatusPartial);

/** Real API: "must belong to a pipeline (specified by `pipeline_id`) and have a `type` of `active`, `won`, or `lost`". */
export const OpportunityStatusInput = Type.Object({ label: Required, type: stringEnum(OPPORTUNITY_STATUS_TYPES), pipeline_id: Required });
export type OpportunityStatusInputT = Static<typeof OpportunityStatusInput>;
/**
 * Real API: "Rename an opportunity status"; here: `label`, and `type` / `pipeline_id` only as they
 * already are (a client sending the object back); another value of either is a 400 naming it.
 */
export const OpportunityStatusUpdate = Type.Object({ label: Required, type: Type.Optional(S), pipeline_id: Type.Optional(S) });
export type OpportunityStatusUpdateT = Static<typeof OpportunityStatusUpdate>;
