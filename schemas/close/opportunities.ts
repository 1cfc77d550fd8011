import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';
import { closeList } from './common.js';
import { listQuery, Required, S, withCustom, type CustomKeys } from './objects.js';

const NS = Nullable(Type.String());
export const VALUE_PERIODS = ['one_time', 'monthly', 'annual'] as const;

export const Opportunity = withCustom({
  id: S, lead_id: S, status_id: S, status_label: S, status_type: S, value: Nullable(Type.Integer()), value_period: S,
  user_id: NS, note: NS, organization_id: S, created_by: NS, updated_by: NS, date_created: S, date_updated: S,
});
export type OpportunityT = Static<typeof Opportunity> & CustomKeys;

const OpportunityFields = {
  status_id: Type.Optional(Required),
  value: Type.Optional(Nullable(Type.Integer())),
  value_period: Type.Optional(stringEnum(VALUE_PERIODS)),
  user_id: Type.Optional(NS),
  note: Type.Optional(NS),
};
export const OpportunityCreate = withCustom({ lead_id: Required, ...OpportunityFields });
export type OpportunityCreateT = Static<typeof OpportunityCreate> & CustomKeys;
export const OpportunityUpdate = withCustom(OpportunityFields);
export type OpportunityUpdateT = Static<typeof OpportunityUpdate> & CustomKeys;

export const OpportunityPartial = Type.Partial(Opportunity);
export const OpportunityList = closeList(OpportunityPartial);
export const OpportunityListQuery = listQuery({ lead_id: Type.Optional(Type.String()) });
