import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';

// Close's error shapes: validation → {"errors": [...], "field-errors": {...}}; anything else →
// {"error": "<message>"}; rate limiting → {"error": {"rate_reset", "message"}}.

export const INVALID_JSON = 'The request contains invalid JSON.';

export function closeFieldErrors(fields: Record<string, string>, errors: string[] = []) {
  return { errors, 'field-errors': fields };
}

/** Maps anything thrown inside the Close plugin to an ApiError. */
export function toCloseError(err: FastifyError | Error): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const fields: Record<string, string> = {};
    for (const v of fe.validation) {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const allowed = (v.params as { allowedValues?: unknown[] }).allowedValues;
      const path = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing].filter(Boolean).join('.') || (fe.validationContext ?? 'body');
      fields[path] ??= missing ? 'This field is required.' : allowed ? `Must be one of: ${allowed.join(', ')}.` : `${v.message ?? 'Invalid value'}.`;
    }
    return new ApiError(400, 'VALIDATION_ERROR', 'Invalid request', { fields });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'VALIDATION_ERROR', INVALID_JSON);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type; send application/json.');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(fe.statusCode, fe.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_ERROR', fe.message);
  }
  return new ApiError(500, 'INTERNAL_ERROR', 'Internal server error.');
}

export function closeBody(api: ApiError): unknown {
  if (api.status === 400 && api.details.fields) return closeFieldErrors(api.details.fields, (api.details.errors as string[]) ?? []);
  if (api.status === 429) return { error: { rate_reset: api.details.retry_after, message: api.message } };
  if (api.status === 401) return { error: 'Unauthorized' };
  return { error: api.message };
}

export function closeErrorHandler(this: unknown, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const api = toCloseError(err);
  if (api.status >= 500) request.log.error({ err }, 'unhandled error');
  else request.log.info({ status: api.status, message: api.message, details: api.details }, 'request rejected');
  return reply.status(api.status).type('application/json; charset=utf-8').send(closeBody(api));
}
