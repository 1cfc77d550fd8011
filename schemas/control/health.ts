import { Type } from '@sinclair/typebox';

export const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  version: Type.String(),
  database: Type.Union([Type.Literal('memory'), Type.Literal('file')]),
  organizations: Type.Integer(),
  uptime_seconds: Type.Integer(),
});
