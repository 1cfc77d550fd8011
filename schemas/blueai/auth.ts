import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Nullable } from '../common.js';
import { Member } from './members.js';

// Sign-in (Better Auth, as BlueAI documents it) and the current user. Bodies beyond the documented
// `{email, password}` and "the current user" are our decision [D]. Unknown body keys are ignored, as
// everywhere in BlueAI's API (a Better Auth client may send `rememberMe`, `callbackURL`).

export const SignInBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 320 }),
  // Bounded: the password is scrypt's input.
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type SignInBodyT = Static<typeof SignInBody>;

export const Session = Type.Object({
  id: Type.String({ description: '`sess_` + 32 hex' }),
  user_id: Type.String(),
  created_at: IsoDateTime,
  expires_at: IsoDateTime,
});

export const SignInResponse = Type.Object({
  /** As Better Auth's sign-in answers: the session token (also set as the cookie). */
  token: Type.String(),
  user: Member,
  session: Session,
});
export type SignInResponseT = Static<typeof SignInResponse>;

export const MeResponse = Type.Object({
  /** The session's member; for a plain token, the organization's first admin (null when it has no member). */
  user: Nullable(Member),
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  /** The session the request came with; null for a plain token. */
  session: Nullable(Session),
});
export type MeResponseT = Static<typeof MeResponse>;

/** `GET /api/v1/me` with a Basic credential or none: Close's redirect to `/api/v1/me/`. */
export const MeRedirect = Type.Null({ description: "Close's redirect to /api/v1/me/ (a Basic credential, or none): no body" });
