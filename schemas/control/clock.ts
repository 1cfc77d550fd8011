import { Type, type Static } from '@sinclair/typebox';

export const ClockResponse = Type.Object({
  now: Type.String({ format: 'date-time' }),
  frozen: Type.Boolean(),
  source: Type.Union([Type.Literal('default'), Type.Literal('organization')], {
    description: '"organization": its own clock; "default": it follows the process default clock',
  }),
});
export type ClockResponseT = Static<typeof ClockResponse>;

export const ClockUpdate = Type.Object(
  {
    now: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601 instant to jump to' })),
    frozen: Type.Optional(Type.Boolean({ description: 'true: stands still; false: runs from its now' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ClockUpdateT = Static<typeof ClockUpdate>;

export const ClockAdvance = Type.Object(
  {
    by: Type.Union([
      Type.String({ pattern: '^(\\d+(ms|w|d|h|m|s))+$', description: 'e.g. "7d", "90m", "30s", "1h30m", "250ms"' }),
      Type.Integer({ minimum: 0, description: 'milliseconds' }),
    ]),
  },
  { additionalProperties: false },
);
export type ClockAdvanceT = Static<typeof ClockAdvance>;
