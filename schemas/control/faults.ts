import { Type, type Static } from '@sinclair/typebox';
import { Nullable, VENDORS, stringEnum } from '../common.js';

// /_mock/faults: fault injection rules.

const MAX_LATENCY = 600_000;
export const FAULT_TARGETS = ['request', 'webhook'] as const;
const Latency = Type.Union([
  Type.Number({ minimum: 0, maximum: MAX_LATENCY }),
  Type.Tuple([Type.Number({ minimum: 0, maximum: MAX_LATENCY }), Type.Number({ minimum: 0, maximum: MAX_LATENCY })]),
], { description: 'Milliseconds, or [min, max] drawn uniformly per call' });

export const FaultRuleInput = Type.Object(
  {
    vendor: Type.Optional(stringEnum(VENDORS)),
    method: Type.Optional(Type.String({ minLength: 1 })),
    path: Type.Optional(Type.String({ minLength: 1, description: 'A path glob: `*` within a segment, `**` across' })),
    org: Type.Optional(Type.String({ minLength: 1, description: "An organization's credential or orga_ id" })),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    latency_ms: Type.Optional(Latency),
    drop: Type.Optional(Type.Boolean({ description: 'Close the connection without an answer' })),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    times: Type.Optional(Type.Integer({ minimum: 1, description: 'Only the next N matching calls fire' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295 })),
    target: Type.Optional(Type.Union(FAULT_TARGETS.map((x) => Type.Literal(x)), {
      description: '`request` (default): calls to the emulator; `webhook`: Close webhook deliveries the emulator sends (`path` then globs the receiver URL\'s path)',
    })),
    duplicate: Type.Optional(Type.Boolean({ description: 'webhook rules only: the delivery is POSTed twice' })),
    reorder: Type.Optional(Type.Boolean({ description: 'webhook rules only: the delivery is held back until the others sent with it (one flush or tick) are over, so it arrives after later ones' })),
  },
  { additionalProperties: false },
);
export type FaultRuleInputT = Static<typeof FaultRuleInput>;

export const FaultRule = Type.Object({
  id: Type.String(),
  vendor: Nullable(Type.String()),
  method: Nullable(Type.String()),
  path: Nullable(Type.String()),
  org: Nullable(Type.String({ description: 'The organization id' })),
  status: Nullable(Type.Integer()),
  latency_ms: Type.Union([Type.Number(), Type.Array(Type.Number()), Type.Null()]),
  drop: Type.Boolean(),
  probability: Type.Number(),
  times: Nullable(Type.Integer()),
  seed: Type.Integer(),
  remaining: Nullable(Type.Integer({ description: 'Calls left that may fire; null = unlimited' })),
  hits: Type.Integer({ description: 'Calls the rule fired on' }),
  draws: Type.Integer({ description: "Numbers the rule's seeded generator has given" }),
  created_at: Type.String({ format: 'date-time' }),
  /** Only on webhook rules. */
  target: Type.Optional(Type.Literal('webhook')),
  duplicate: Type.Optional(Type.Boolean()),
  reorder: Type.Optional(Type.Boolean()),
});
export type FaultRuleT = Static<typeof FaultRule>;

export const FaultList = Type.Object({ data: Type.Array(FaultRule) });
