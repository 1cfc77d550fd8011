import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { countedList } from './common.js';
import { countedListQuery, Required, S, withCustom, type CustomKeys } from './objects.js';

const NS = Nullable(Type.String());

/** A list that is always empty here (a feature the emulator does not keep). */
export const Empty = Type.Array(Type.Unknown(), { maxItems: 0 });

export const Email = Type.Object({ email: S, type: S, is_unsubscribed: Type.Boolean() });
export const Phone = Type.Object({ phone: S, type: S });

export const Contact = withCustom({
  id: S, lead_id: S, name: NS, display_name: S, title: NS, emails: Type.Array(Email), phones: Type.Array(Phone),
  organization_id: S, created_by: NS, updated_by: NS, date_created: S, date_updated: S,
  /**
   * Always empty here (docs/close.md "Contact properties"): contact URLs are refused on write, calls, sequence
   * subscriptions and integrations are not emulated, so a contact has none.
   */
  urls: Empty, recent_calls: Empty, subscriptions: Empty, integration_links: Empty,
});
export type ContactT = Static<typeof Contact> & CustomKeys;

/** Writable contact fields; `type` defaults to "office". */
const ContactFields = {
  name: Type.Optional(NS),
  title: Type.Optional(NS),
  emails: Type.Optional(Type.Array(Type.Object({ email: Required, type: Type.Optional(Required) }))),
  phones: Type.Optional(Type.Array(Type.Object({ phone: Required, type: Type.Optional(Required) }))),
};
/** A contact nested in a lead create: no lead_id, it belongs to the new lead. */
export const NestedContact = withCustom(ContactFields);
export type NestedContactT = Static<typeof NestedContact> & CustomKeys;
export const ContactCreate = withCustom({ lead_id: Required, ...ContactFields });
export type ContactCreateT = Static<typeof ContactCreate> & CustomKeys;
/** `lead_id` only as the contact's own (a GET sent back); another → 400 naming it (src/close/store/contacts.ts). */
export const ContactUpdate = withCustom({ ...ContactFields, lead_id: Type.Optional(S) });
export type ContactUpdateT = Static<typeof ContactUpdate> & CustomKeys;

export const ContactPartial = Type.Partial(Contact);
/** Real API: the spec lists only data and has_more, but Close answers total_results (as on leads); here: always present. */
export const ContactList = countedList(ContactPartial);
export const ContactListQuery = countedListQuery({ lead_id: Type.Optional(Type.String()) });
