// One constructor for every error the emulator raises on purpose. Each vendor plugin renders an
// ApiError in that vendor's own envelope; stores and the core only ever throw these.

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'PRECONDITION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'INTERNAL_ERROR'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE'
  | 'GATEWAY_TIMEOUT';

export interface ErrorDetails {
  /** Field path → message, for validation errors (BlueAI `details.fields`, Close `field-errors`). */
  fields?: Record<string, string>;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** An error answer made on purpose by a control fault rule (src/core/fault-inject.ts): `rule` is its id. */
export class InjectedFault extends ApiError {
  constructor(readonly rule: string, status: number, code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(status, code, message, details);
  }
}

/**
 * What an error answer logs besides the request's own line (src/request-log.ts): a real 5xx at
 * error with its stack; a 4xx at debug; an injected fault nothing (injectFault logged it at info).
 */
export function logErrorAnswer(log: { error(o: object, m: string): void; debug(o: object, m: string): void }, err: Error, api: ApiError): void {
  if (api instanceof InjectedFault) return;
  if (api.status >= 500) log.error({ err }, 'unhandled error');
  else log.debug({ code: api.code, message: api.message, details: api.details }, 'request rejected');
}

export const validationError = (message: string, fields?: Record<string, string>): ApiError =>
  new ApiError(400, 'VALIDATION_ERROR', message, fields ? { fields } : {});

export const notFound = (message: string): ApiError => new ApiError(404, 'NOT_FOUND', message);

/**
 * An organization that is not there (any more): deleted through the control API while a request of
 * its own was still arriving or running. Each vendor renders it as its own 404.
 */
export class OrgGone extends ApiError {
  constructor(readonly orgId: string) {
    super(404, 'NOT_FOUND', `Organization ${orgId} does not exist (it was deleted).`);
  }
}

export const conflict = (message: string, details?: ErrorDetails): ApiError =>
  new ApiError(409, 'CONFLICT', message, details);

/** A control-API 400 naming the bad field (or the path inside a dataset). */
export const badField = (field: string, message: string): ApiError =>
  new ApiError(400, 'VALIDATION_ERROR', `${field}: ${message}`, { fields: { [field]: message } });

export const unauthorized = (message = 'Authentication required'): ApiError =>
  new ApiError(401, 'UNAUTHORIZED', message);

/** A vendor's wording for the errors Fastify and its plugins raise; the mapping itself is shared. */
export interface ErrorWording {
  invalidJson: string;
  required: string;
  oneOf: (allowed: unknown[]) => string;
  other: (ajvMessage: string) => string;
  unsupportedMediaType: string;
  internal: string;
  /** The message of a validation error, given its field messages. */
  summary: (context: string, fields: Record<string, string>) => string;
}

/** The Retry-After header of an error that says when to retry (a rate limit, an injected 429, a busy database). */
export function retryAfter(reply: { header(name: string, value: string): unknown }, api: ApiError): void {
  if (typeof api.details.retry_after === 'number') reply.header('Retry-After', String(api.details.retry_after));
}

/** The code a client error of a plugin's own (a static file's 403, say) is given by its status. */
export const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 408: 'TIMEOUT', 409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED',
};

interface FastifyLikeError extends Error {
  code?: string;
  statusCode?: number;
  validation?: { instancePath: string; params: Record<string, unknown>; message?: string }[];
  validationContext?: string;
}

/**
 * Maps anything thrown while serving a request (our ApiErrors, Fastify's schema validation and body
 * parsing errors, @fastify/multipart's limits) to an ApiError. Validation problems become one message
 * per field path (`ids`, `custom_field_id`, `queries.0.type`), so each vendor can render them.
 */
export function toApiError(err: Error, w: ErrorWording): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyLikeError;
  if (fe.validation) {
    // A Map: a body key named `constructor` is a field like any other, not Object.prototype's.
    const fields = new Map<string, string>();
    for (const v of fe.validation) {
      // A missing key, or a key the schema does not allow, is named as the field itself.
      const missing = (v.params.missingProperty ?? v.params.additionalProperty) as string | undefined;
      const allowed = v.params.allowedValues as unknown[] | undefined;
      const path = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing].filter(Boolean).join('.') || fe.validationContext || 'body';
      if (!fields.has(path)) fields.set(path, v.params.missingProperty ? w.required : v.params.additionalProperty ? w.other('is not an accepted field') : allowed ? w.oneOf(allowed) : w.other(v.message ?? 'is invalid'));
    }
    // fromEntries defines own keys, `__proto__` included.
    const byField = Object.fromEntries(fields);
    return new ApiError(400, 'VALIDATION_ERROR', w.summary(fe.validationContext ?? 'request', byField), { fields: byField });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'VALIDATION_ERROR', w.invalidJson);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', w.unsupportedMediaType);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError(400, 'VALIDATION_ERROR', 'Request must be multipart/form-data with a "file" part', { fields: { file: w.required } });
  }
  // Another process holds the database file's write lock past the busy timeout: retryable, and
  // SQLite's own error text stays in the log.
  if (fe.code === 'SQLITE_BUSY' || fe.code?.startsWith('SQLITE_BUSY_')) {
    return new ApiError(503, 'SERVICE_UNAVAILABLE', 'The database is busy: another process holds its write lock; retry shortly', { retry_after: 1 });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(fe.statusCode, CODE_OF_STATUS[fe.statusCode] ?? 'VALIDATION_ERROR', fe.message);
  }
  return new ApiError(500, 'INTERNAL_ERROR', w.internal);
}
