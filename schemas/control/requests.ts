import { Type, type Static } from '@sinclair/typebox';
import { Nullable, VENDORS, stringEnum } from '../common.js';

// GET/DELETE /_mock/requests: the request journal.

const filters = {
  vendor: Type.Optional(stringEnum(VENDORS)),
  method: Type.Optional(Type.String({ description: 'GET, POST, …; any case' })),
  path: Type.Optional(Type.String({ description: 'A path glob: `*` matches within one segment, `**` across segments' })),
  status: Type.Optional(Type.String({ description: 'An exact status (404) or a class (4xx)' })),
  org: Type.Optional(Type.String({ description: "An organization's credential or orga_ id" })),
  since: Type.Optional(Type.String({ description: 'ISO 8601 instant: entries at or after it (wall time)' })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'Only entries with a larger id: pass the newest id you have to tail the journal' })),
};

export const RequestFilterQuery = Type.Object(filters);
export type RequestFilterQueryT = Static<typeof RequestFilterQuery>;

export const RequestListQuery = Type.Object({ ...filters, limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) });
export type RequestListQueryT = Static<typeof RequestListQuery>;

export const JournalEntry = Type.Object({
  id: Type.Integer(),
  time: Type.String({ format: 'date-time', description: 'When the request arrived, real wall time' }),
  org: Nullable(Type.String()),
  vendor: Nullable(Type.String()),
  method: Type.String(),
  path: Type.String(),
  query: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
  status: Nullable(Type.Integer({ description: 'null: no answer (a fault dropped the connection)' })),
  duration_ms: Type.Number(),
  request_body: Nullable(Type.String({ description: 'null: not read (rejected before parsing, or multipart)' })),
  request_body_truncated: Type.Boolean(),
  response_body: Nullable(Type.String()),
  response_body_truncated: Type.Boolean(),
  nearest_route: Nullable(Type.String({ description: 'For a request that hit no route: the nearest one' })),
  fault: Nullable(Type.String({ description: 'The fault rule that changed the answer' })),
});

export const RequestList = Type.Object({ data: Type.Array(JournalEntry), total: Type.Integer() });
export const RequestCount = Type.Object({ count: Type.Integer() });
