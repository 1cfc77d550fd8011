import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode } from '../core/errors.js';

// BlueAI's error envelope: {"error": {"code", "message", "details"}} for every 4xx/5xx.

export function blueaiEnvelope(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

/** Maps anything thrown in the BlueAI plugin (ours, Fastify's, multipart's) to an ApiError. */
export function toApiError(err: FastifyError | Error): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const fields: Record<string, string> = {};
    for (const v of fe.validation) {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const path = (v.instancePath.replace(/^\//, '').replace(/\//g, '.') + (missing ? (v.instancePath ? '.' : '') + missing : '')) || fe.validationContext || 'body';
      const allowed = (v.params as { allowedValues?: unknown[] }).allowedValues;
      fields[path] ??= allowed ? `must be one of: ${allowed.join(', ')}` : (v.message ?? 'is invalid');
    }
    return new ApiError(400, 'VALIDATION_ERROR', `Invalid ${fe.validationContext ?? 'request'}: ${Object.entries(fields).map(([k, m]) => `${k} ${m}`).join('; ')}`, { fields });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'VALIDATION_ERROR', 'Request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError(400, 'VALIDATION_ERROR', 'Request must be multipart/form-data with a "file" part');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode = fe.statusCode === 404 ? 'NOT_FOUND' : fe.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_ERROR';
    return new ApiError(fe.statusCode, code, fe.message);
  }
  return new ApiError(500, 'INTERNAL_ERROR', 'Internal server error');
}

export function blueaiErrorHandler(this: unknown, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const api = toApiError(err);
  // 5xx bodies hide internals; the log keeps them.
  if (api.status >= 500) request.log.error({ err }, 'unhandled error');
  else request.log.info({ code: api.code, message: api.message }, 'request rejected');
  return reply.status(api.status).type('application/json; charset=utf-8').send(blueaiEnvelope(api.code, api.message, api.details));
}
