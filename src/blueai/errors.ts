import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logErrorAnswer, retryAfter, toApiError, type ErrorCode, type ErrorWording } from '../core/errors.js';

// BlueAI's error envelope: {"error": {"code", "message", "details"}} for every 4xx/5xx.

export function blueaiEnvelope(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

const WORDING: ErrorWording = {
  invalidJson: 'Request body is not valid JSON',
  required: 'is required',
  oneOf: (allowed) => `must be one of: ${allowed.join(', ')}`,
  other: (message) => message,
  unsupportedMediaType: 'Unsupported Content-Type',
  internal: 'Internal server error',
  summary: (context, fields) => `Invalid ${context}: ${Object.entries(fields).map(([k, m]) => `${k} ${m}`).join('; ')}`,
};

export function blueaiErrorHandler(this: unknown, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err, WORDING);
  retryAfter(reply, api);
  // 5xx bodies hide internals; the log keeps them.
  logErrorAnswer(request.log, err, api);
  return reply.status(api.status).type('application/json; charset=utf-8').send(blueaiEnvelope(api.code, api.message, api.details));
}
