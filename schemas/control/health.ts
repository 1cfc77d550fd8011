import { Type } from '@sinclair/typebox';

export const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  organizations: Type.Integer(),
  uptime_seconds: Type.Integer(),
});
