import { Type, type Static } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';
import { closeList } from './common.js';
import { listQuery, Required, S } from './objects.js';

/** Close's SavedSearchType. */
export const SAVED_SEARCH_TYPES = [
  'lead', 'contact', 'opportunity', 'call', 'email', 'sms', 'meeting', 'note', 'whatsapp_message', 'custom_activity', 'form_submission',
] as const;
/** The types whose query the emulator's search compiles (src/close/query/fields.ts); the others are a 400 naming `type`. */
export const EMULATED_SAVED_SEARCH_TYPES = ['lead', 'contact', 'opportunity'] as const;

const NS = Nullable(S);
const Obj = Type.Object({}, { additionalProperties: true });
const Fields = Nullable(Type.Array(Obj));

/** Close's SavedSearch (a smart view). `shared_with` and `sharing_settings` are always null here. */
export const SavedSearch = Type.Object({
  id: S, name: S, type: stringEnum(SAVED_SEARCH_TYPES), description: NS, is_shared: Type.Boolean(), is_user_dependent: Nullable(Type.Boolean()),
  query: NS, s_query: Nullable(Obj), selected_fields: Fields, shared_with: Nullable(Type.Array(S)), sharing_settings: Type.Null(),
  user_id: NS, organization_id: S, date_created: S, date_updated: S,
});
export type SavedSearchT = Static<typeof SavedSearch>;
export const SavedSearchPartial = Type.Partial(SavedSearch);
export const SavedSearchList = closeList(SavedSearchPartial);

/** `type` (default lead) or `type__in` (comma-separated). */
export const SavedSearchListQuery = listQuery({ type: Type.Optional(S), type__in: Type.Optional(S) });

const Writable = {
  description: Type.Optional(NS),
  is_shared: Type.Optional(Type.Boolean()),
  is_user_dependent: Type.Optional(Nullable(Type.Boolean())),
  /** The legacy search string (lead smart views). */
  query: Type.Optional(NS),
  /** A query tree, or the search body `{"query": tree, "sort": [...]}` that Close's UI saves. */
  s_query: Type.Optional(Nullable(Obj)),
  selected_fields: Type.Optional(Fields),
};
export const SavedSearchCreate = Type.Object({ name: Required, type: Type.Optional(stringEnum(SAVED_SEARCH_TYPES)), ...Writable }, { additionalProperties: false });
export type SavedSearchCreateT = Static<typeof SavedSearchCreate>;
export const SavedSearchUpdate = Type.Object({ name: Type.Optional(Required), type: Type.Optional(stringEnum(SAVED_SEARCH_TYPES)), ...Writable }, { additionalProperties: false });
export type SavedSearchUpdateT = Static<typeof SavedSearchUpdate>;
