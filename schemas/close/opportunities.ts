import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';
import { countedList, PAGE_LIMITS } from './common.js';
import { Email, Empty, Phone } from './contacts.js';
import { countedListQuery, CustomFieldsInput, GivenDate, optionalStrings, Required, S, withCustom, type CustomKeys } from './objects.js';

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
  // Computed when the opportunity is read (src/close/store/opportunities.ts, docs/close.md "Opportunity properties").
  /** The pipeline of its status, and that pipeline's name. */
  pipeline_id: NS, pipeline_name: NS,
  /** The status's label. */
  status_display_name: S,
  /** Its lead's name; its contact's name (null without one). */
  lead_name: NS, contact_name: NS,
  /** Full names of user_id, created_by and updated_by (null without one). */
  user_name: NS, created_by_name: NS, updated_by_name: NS,
  /** The organization's currency, and the value in it as Close writes it ("$1,500", "$500 monthly"); null without a value. */
  value_currency: NS, value_formatted: NS,
  /** The first email and phone of the lead's contacts (in creation order); the phone as a list of one, as Close's schema types it. */
  lead_primary_email: Nullable(Email), lead_primary_phone: Nullable(Type.Array(Phone)),
  /** Always empty here: files and integrations are not emulated. */
  attachments: Empty, integration_links: Empty,
  /** Always null here: comments are not emulated, so there is nothing to summarise. */
  comment_summary: Type.Null(),
});
export type OpportunityT = Static<typeof Opportunity> & CustomKeys;

const OpportunityFields = {
  status_id: Type.Optional(Required),
  /** A status label, as Close's import scripts send it (`status_id` wins when both are given). */
  status: Type.Optional(Required),
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
  /** Without status_id: the pipeline's first status; with it: the status must be the pipeline's. Null = not sent. */
  pipeline_id: Type.Optional(Nullable(Required)),
  /** As given (an import of history); the clock's now when omitted or null. */
  date_created: GivenDate,
  /** One of the organization's users; the key's user when omitted or null. */
  created_by: Type.Optional(NS),
});
export type OpportunityCreateT = Static<typeof OpportunityCreate> & CustomKeys;
/** `lead_id` only as the opportunity's own (a GET sent back); another → 400 naming it (src/close/store/opportunities.ts). */
export const OpportunityUpdate = withCustom({ ...OpportunityFields, lead_id: Type.Optional(S) });
export type OpportunityUpdateT = Static<typeof OpportunityUpdate> & CustomKeys;

export const OpportunityPartial = Type.Partial(Opportunity);
const I = Type.Integer();
/**
 * Close's list answer: the page plus aggregates over every match, whatever the page (its list
 * operation's description names them).
 */
export const OpportunityList = Type.Object({
  ...countedList(OpportunityPartial).properties,
  count_by_value_period: Type.Object({ one_time: I, monthly: I, annual: I }),
  total_value_one_time: I, total_value_monthly: I, total_value_annual: I, total_value_annualized: I,
  expected_value_one_time: I, expected_value_monthly: I, expected_value_annual: I, expected_value_annualized: I,
});
export type OpportunityListT = Static<typeof OpportunityList>;

/** The filters Close documents for GET /opportunity/ that the emulator applies. */
export const OPPORTUNITY_FILTERS = [
  'lead_id', 'organization_id', 'user_id', 'user_id__in', 'status_id', 'status_id__in', 'status_type', 'status_type__in',
  'status_label', 'status_label__in', 'value_period', 'value_period__in', '_order_by', 'lead_saved_search_id',
  'date_won', 'date_won__gt', 'date_won__gte', 'date_won__lt', 'date_won__lte',
  'date_created', 'date_created__gt', 'date_created__gte', 'date_created__lt', 'date_created__lte',
  'date_updated', 'date_updated__gt', 'date_updated__gte', 'date_updated__lt', 'date_updated__lte',
] as const;
/** The ones it documents and the emulator refuses with a 400 naming them. */
export const OPPORTUNITY_REFUSED = ['status', 'status__in', 'is_stalled', '_group_by'] as const;
/** `query` / `lead_query`: the legacy lead search string (docs/close.md "Legacy search string"): opportunities whose lead matches. */
export const OpportunityListQuery = countedListQuery(optionalStrings([...OPPORTUNITY_FILTERS, ...OPPORTUNITY_REFUSED, 'query', 'lead_query'] as const), PAGE_LIMITS.opportunity);
