import { Type, type Static } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';

// BlueAI sign-in as a test sets it up: members who sign in with a password in a given organization,
// and the organization's sessions (listed, revoked).

export const BlueAIMemberCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ format: 'email', maxLength: 320, description: 'Unique across the organizations members sign in to (409 otherwise)' }),
    // Better Auth's default bounds.
    password: Type.String({ minLength: 8, maxLength: 128, description: 'Stored only as a scrypt hash (Better Auth\'s format)' }),
    role: stringEnum(['admin', 'manager', 'member'] as const, 'member'),
  },
  { additionalProperties: false },
);
export type BlueAIMemberCreateT = Static<typeof BlueAIMemberCreate>;

export const BlueAIMember = Type.Object({
  id: Type.String(), name: Type.String(), email: Type.String(), role: Type.String(), created_at: Type.String({ format: 'date-time' }),
});

export const BlueAISession = Type.Object({
  id: Type.String({ description: '`sess_` + 32 hex' }),
  user_id: Type.String({ description: 'The member the session is for' }),
  email: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time', description: '7 days after sign-in, on the organization\'s clock' }),
  expired: Type.Boolean({ description: 'Whether expires_at has passed on the organization\'s clock' }),
});
export type BlueAISessionT = Static<typeof BlueAISession>;

export const BlueAISessionList = Type.Object({ data: Type.Array(BlueAISession) });

export const SessionParams = Type.Object({ org: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1 }) });
