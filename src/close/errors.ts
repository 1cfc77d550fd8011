import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logErrorAnswer, retryAfter, toApiError, type ApiError, type ErrorWording } from '../core/errors.js';

// Close's error shapes: validation → {"errors": [...], "field-errors": {...}}; anything else →
// {"error": "<message>"}; rate limiting → {"error": {"rate_reset", "message"}}.

export const INVALID_JSON = 'The request contains invalid JSON.';

export function closeFieldErrors(fields: Record<string, string>, errors: string[] = []) {
  return { errors, 'field-errors': fields };
}

const WORDING: ErrorWording = {
  invalidJson: INVALID_JSON,
  required: 'This field is required.',
  oneOf: (allowed) => `Must be one of: ${allowed.join(', ')}.`,
  other: (message) => `${message[0]!.toUpperCase()}${message.slice(1)}.`,
  unsupportedMediaType: 'Unsupported Content-Type; send application/json.',
  internal: 'Internal server error.',
  summary: () => 'Invalid request',
};

export function closeBody(api: ApiError): unknown {
  if (api.status === 400 && api.details.fields) return closeFieldErrors(api.details.fields, (api.details.errors as string[]) ?? []);
  if (api.status === 429) return { error: { rate_reset: api.details.retry_after, message: api.message } };
  if (api.status === 401) return { error: 'Unauthorized' };
  return { error: api.message };
}

export function closeErrorHandler(this: unknown, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err, WORDING);
  retryAfter(reply, api);
  logErrorAnswer(request.log, err, api);
  return reply.status(api.status).type('application/json; charset=utf-8').send(closeBody(api));
}
