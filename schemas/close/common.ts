import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_COUNT } from '../common.js';

/**
 * The largest `_limit` each Close list takes (a 400 "Must be <= N." past it). Real API: Close documents a
 * per-resource maximum but not its values; here: at least what a connector in production use sends
 * successfully (an Airbyte-style Close source: 1,000 on users, custom fields, tasks and sequences, 250 on
 * opportunities, 200 on leads, 100 elsewhere), 200 where nothing says more, 100 on bulk action lists; the
 * event log answers at most 50 (schemas/close/events.ts). docs/close.md "Page sizes".
 */
export const PAGE_LIMITS = {
  lead: 200, opportunity: 250, user: 1000, custom_field: 1000, task: 1000, sequence: 1000, bulk_action: 100, default: 200,
} as const;

/**
 * `_skip` / `_limit` / `_fields` on every Close list; `_limit` above the resource's max is a 400. Lists
 * that report `total_results` take `_limit=0` (a count alone, as Close's own scripts ask for it).
 */
export const pageQuery = (maxLimit: number = PAGE_LIMITS.default, defaultLimit = 100, minLimit = 1) =>
  Type.Object({
    _skip: Type.Integer({ minimum: 0, maximum: MAX_COUNT, default: 0 }),
    _limit: Type.Integer({ minimum: minLimit, maximum: maxLimit, default: defaultLimit }),
    _fields: Type.Optional(Type.String()),
  });

/** `_fields` alone, for single-object GETs. */
export const FieldsQuery = Type.Object({ _fields: Type.Optional(Type.String()) });

export const IdParams = Type.Object({ id: Type.String() });

/** `{"data": [...], "has_more": bool, "total_results": n}`, for the lists that count. */
export const countedList = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), has_more: Type.Boolean(), total_results: Type.Integer() });

/** `{"data": [...], "has_more": bool}`. */
export const closeList = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), has_more: Type.Boolean() });

/** The response of DELETE on any Close object. */
export const Empty = Type.Object({}, { additionalProperties: false });

/** `custom.cf_…` keys survive serialisation only if the schema names them by pattern. */
export const CUSTOM_KEYS = { '^custom\\.cf_[0-9A-Za-z]+$': Type.Unknown() };

/**
 * Close's error answers: validation `{"errors": [...], "field-errors": {"<field>": "<message>"}}`,
 * rate limiting `{"error": {"rate_reset", "message"}}`, anything else `{"error": "<message>"}`.
 */
export const CloseError = Type.Union(
  [
    Type.Object({ errors: Type.Array(Type.String()), 'field-errors': Type.Record(Type.String(), Type.String()) }, { additionalProperties: false }),
    Type.Object({ error: Type.Object({ rate_reset: Type.Number(), message: Type.String() }, { additionalProperties: false }) }, { additionalProperties: false }),
    Type.Object({ error: Type.String() }, { additionalProperties: false }),
  ],
  { $id: 'CloseError' },
);

/** The error answers every Close route may give (any 4xx or 5xx, injected faults included), for its schema's `response`. */
export const closeErrors = { '4xx': CloseError, '5xx': CloseError } as const;
