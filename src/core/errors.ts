// One constructor for every error the emulator raises on purpose. Each vendor plugin renders an
// ApiError in that vendor's own envelope; stores and the core only ever throw these.

export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL_ERROR';

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

export const validationError = (message: string, fields?: Record<string, string>): ApiError =>
  new ApiError(400, 'VALIDATION_ERROR', message, fields ? { fields } : {});

export const notFound = (message: string): ApiError => new ApiError(404, 'NOT_FOUND', message);

export const conflict = (message: string, details?: ErrorDetails): ApiError =>
  new ApiError(409, 'CONFLICT', message, details);

export const unauthorized = (message = 'Authentication required'): ApiError =>
  new ApiError(401, 'UNAUTHORIZED', message);
