import { Type, type Static } from '@sinclair/typebox';
import { closeList } from './common.js';
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
export const OpportunityStatusList = closeList(Type.Partial(OpportunityStatus));
