import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { countedList } from './common.js';
import { countedListQuery, GivenDate, Required, S, withCustom, type CustomKeys } from './objects.js';
import { Contact, Email, Empty, NestedContact, Phone } from './contacts.js';
import { Opportunity } from './opportunities.js';

const NS = Nullable(Type.String());

/** One of a lead's addresses, as answered (src/close/store/addresses.ts; Close's `tz_ids` is not computed here). */
export const LeadAddress = Type.Object({ label: NS, address_1: NS, address_2: NS, city: NS, state: NS, zipcode: NS, country: NS });
export type LeadAddressT = Static<typeof LeadAddress>;

export const Lead = withCustom({
  id: S, name: NS, display_name: S, status_id: S, status_label: S, description: NS, url: NS, organization_id: S,
  contacts: Type.Array(Contact), contact_ids: Type.Array(S), html_url: S, opportunities: Type.Array(Opportunity),
  created_by: NS, updated_by: NS, date_created: S, date_updated: S,
  // Computed when the lead is read (src/close/store/leads.ts, docs/close.md "Lead properties").
  /** Full names of created_by and updated_by (null without one). */
  created_by_name: NS, updated_by_name: NS,
  /** The first email and the first phone of its contacts, in creation order; null without any. */
  primary_email: Nullable(Email), primary_phone: Nullable(Phone),
  addresses: Type.Array(LeadAddress),
  /** Always empty here: calls and integrations are not emulated. */
  recent_calls: Empty, integration_links: Empty,
  /** The first address's city, state and country (src/close/store/addresses.ts); null without any. */
  primary_address_summary: NS,
});
export type LeadT = Static<typeof Lead> & CustomKeys;

const LeadFields = {
  name: Type.Optional(NS),
  status_id: Type.Optional(Required),
  /** A status label, as older clients send it; `status_id` wins when both are given. */
  status: Type.Optional(Required),
  description: Type.Optional(NS),
  url: Type.Optional(NS),
  /**
   * The lead's addresses (a PUT replaces the list; null = none). Each element is checked by
   * src/close/store/addresses.ts, which names the bad key (`addresses.0.country`) in Close's envelope.
   */
  addresses: Type.Optional(Nullable(Type.Array(Type.Unknown()))),
};
export const LeadCreate = withCustom({
  ...LeadFields, contacts: Type.Optional(Type.Array(NestedContact)),
  /** Stored as given (imports of history); the creator is then also the last editor. */
  date_created: GivenDate,
  created_by: Type.Optional(NS),
});
export type LeadCreateT = Static<typeof LeadCreate> & CustomKeys;
export const LeadUpdate = withCustom(LeadFields);
export type LeadUpdateT = Static<typeof LeadUpdate> & CustomKeys;

/** GET responses may be trimmed by `_fields`, so no key is required there. */
export const LeadPartial = Type.Partial(Lead);
/** Real API: the spec lists only data and has_more, but Close answers total_results (its scripts read it from `_limit=0`); here: always present. */
export const LeadList = countedList(LeadPartial);
export const LeadListQuery = countedListQuery({
  /** The legacy search string (docs/close.md "Legacy search string"); absent or blank = every lead. */
  query: Type.Optional(Type.String()),
});
