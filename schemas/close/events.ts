import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { S } from './objects.js';

const NS = Nullable(S);
const AnyObject = Type.Record(Type.String(), Type.Unknown());

/**
 * One event of Close's event log. `date_created` / `date_updated` are Close's naive UTC timestamps
 * (`2019-01-15T12:48:23.395000`); timestamps inside `data` / `previous_data` keep the objects' own format.
 */
const Fields = {
  id: S, object_type: S, object_id: S, lead_id: NS, action: S, changed_fields: Type.Array(S),
  previous_data: Nullable(AnyObject), data: Nullable(AnyObject), meta: AnyObject,
  request_id: NS, user_id: NS, api_key_id: NS, organization_id: S, date_created: S, date_updated: S,
};
export const CloseEvent = Type.Object(Fields);
export type CloseEventT = Static<typeof CloseEvent>;
/** As the API answers it: a non-admin key gets no `data` / `previous_data` on events over 1 hour old. */
export const CloseEventAnswer = Type.Object({ ...Fields, previous_data: Type.Optional(Fields.previous_data), data: Type.Optional(Fields.data) });

/** `{"data": [...], "cursor_next": …, "cursor_previous": …}`: no has_more (Close's own scripts loop on cursor_next). */
export const EventList = Type.Object({ data: Type.Array(CloseEventAnswer), cursor_next: NS, cursor_previous: NS });

const OS = Type.Optional(S);
/** Real API: the OpenAPI shows the generic `_limit` (default 100) and `_skip`; its text says 50 and no `_skip`, which win. */
export const EventListQuery = Type.Object({
  _limit: Type.Optional(Type.Integer({ minimum: 1, default: 50 })),
  _cursor: OS,
  /** Declared so that it is refused by name (a 400), never ignored. */
  _skip: OS,
  object_type: OS, object_id: OS, lead_id: OS, action: OS, user_id: OS, request_id: OS,
  date_updated__gt: OS, date_updated__gte: OS, date_updated__lt: OS, date_updated__lte: OS,
});
