import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logErrorAnswer, retryAfter, toApiError, type ErrorWording } from '../core/errors.js';

// The control API's own envelope: {"error": {"code", "message", "field"?}}. Consistent, not a vendor's.

const WORDING: ErrorWording = {
  invalidJson: 'Request body is not valid JSON',
  required: 'is required',
  oneOf: (allowed) => `must be one of: ${allowed.join(', ')}`,
  other: (message) => message,
  unsupportedMediaType: 'Unsupported Content-Type; send application/json',
  internal: 'Internal server error',
  summary: (_context, fields) => Object.entries(fields).map(([k, m]) => `${k} ${m}`).join('; '),
};

export function controlErrorHandler(this: unknown, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err, WORDING);
  retryAfter(reply, api);
  logErrorAnswer(request.log, err, api);
  const field = api.details.fields ? Object.keys(api.details.fields)[0] : (api.details.field as string | undefined);
  const body: Record<string, unknown> = { code: api.code, message: api.message };
  if (field) body.field = field;
  if (api.details.state !== undefined) body.state = api.details.state;
  return reply.status(api.status).type('application/json; charset=utf-8').send({ error: body });
}
