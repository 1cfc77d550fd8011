import { Type, type Static } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';
import { closeList, FieldsQuery } from './common.js';
import { listQuery, optionalStrings, S } from './objects.js';

/** Close's DialerGetParametersSourceTypeSchema. */
export const DIALER_SOURCE_TYPES = ['saved-search', 'shared-entry'] as const;
export const DIALER_TYPES = ['power', 'predictive'] as const;
/** Real API: the statuses are not listed; here: these. */
export const DIALER_STATUSES = ['active', 'paused', 'ended'] as const;

/**
 * A dialer session. Real API: the response shape is undocumented beyond "the source_value and source_type
 * used in the dialer session, the type of the dialer sessions, the users included in the session";
 * here: those, who started it, its status and dates.
 */
export const Dialer = Type.Object({
  id: S, organization_id: S, source_type: stringEnum(DIALER_SOURCE_TYPES), source_value: S, type: stringEnum(DIALER_TYPES),
  status: stringEnum(DIALER_STATUSES), user_id: Nullable(S), user_ids: Type.Array(S), date_created: S, date_updated: S,
});
export type DialerT = Static<typeof Dialer>;
export const DialerPartial = Type.Partial(Dialer);
export const DialerList = closeList(DialerPartial);

export const DIALER_FILTERS = ['organization_id', 'source_type', 'source_value', 'status', 'status__in', 'user_id'] as const;
export const DialerListQuery = listQuery(optionalStrings(DIALER_FILTERS));
export const DialerOneQuery = Type.Object({ ...FieldsQuery.properties, organization_id: Type.Optional(S) });
