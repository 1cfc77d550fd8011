import { Type, type Static } from '@sinclair/typebox';

// Shared pieces of the control API (/_mock/): one error envelope, consistent snake_case JSON.

export const ControlError = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'VALIDATION_ERROR, UNAUTHORIZED, NOT_FOUND, CONFLICT, TIMEOUT, …' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'The bad field, or the path inside a dataset' })),
      state: Type.Optional(Type.Unknown({ description: "A job's current state, on a wait that timed out" })),
    }),
  },
);
export type ControlErrorT = Static<typeof ControlError>;

/** `{org}`: an organization's credential (URL-encoded) or its `orga_` id. */
export const OrgParams = Type.Object({ org: Type.String({ minLength: 1 }) });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });

/** The error answers every control route may give, for its schema's `response`. */
export const controlErrors = { 400: ControlError, 401: ControlError, 404: ControlError, 408: ControlError, 409: ControlError, '4xx': ControlError, '5xx': ControlError } as const;

/** 204: no body. */
export const NoContent = Type.Null({ description: 'No content' });
