import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';
import { closeList } from './common.js';
import { CustomFieldsInput, GivenDate, listQuery, Required, S, withCustom, type CustomKeys } from './objects.js';

const NS = Nullable(Type.String());
export const VALUE_PERIODS = ['one_time', 'monthly', 'annual'] as const;

const NI = Nullable(Type.Integer());

export const Opportunity = withCustom({
  id: S, lead_id: S, status_id: S, status_label: S, status_type: S, value: NI, value_period: S,
  /** Derived from value, value_period and confidence (see src/close/store/opportunities.ts). */
  annualized_value: NI, expected_value: NI, annualized_expected_value: NI,
  confidence: Type.Integer(), contact_id: NS,
  /** A date (YYYY-MM-DD) while the status is won; a timestamp while it is lost. */
  date_won: NS, date_lost: NS,
  user_id: NS, note: NS, organization_id: S, created_by: NS, updated_by: NS, date_created: S, date_updated: S,
});
export type OpportunityT = Static<typeof Opportunity> & CustomKeys;

const OpportunityFields = {
  status_id: Type.Optional(Required),
  value: Type.Optional(Nullable(Type.Integer())),
  value_period: Type.Optional(stringEnum(VALUE_PERIODS)),
  /** Percent; null → 0. Real API: an integer, its range not stated; here: 0–100. */
  confidence: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
  /** One of the opportunity's lead's contacts, or null. */
  contact_id: Type.Optional(NS),
  user_id: Type.Optional(NS),
  note: Type.Optional(NS),
  /** The won date as given (its UTC date), whatever the status; null clears it. */
  date_won: GivenDate,
  custom_fields: CustomFieldsInput,
};
export const OpportunityCreate = withCustom({
  lead_id: Required, ...OpportunityFields,
  /** As given (an import of history); the clock's now when omitted or null. */
  date_created: GivenDate,
  /** One of the organization's users; the key's user when omitted or null. */
  created_by: Type.Optional(NS),
});
export type OpportunityCreateT = Static<typeof OpportunityCreate> & CustomKeys;
export const OpportunityUpdate = withCustom(OpportunityFields);
export type OpportunityUpdateT = Static<typeof OpportunityUpdate> & CustomKeys;

export const OpportunityPartial = Type.Partial(Opportunity);
export const OpportunityList = closeList(OpportunityPartial);
export const OpportunityListQuery = listQuery({ lead_id: Type.Optional(Type.String()) });
