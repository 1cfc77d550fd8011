import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, notFound } from '../../core/errors.js';
import type { Admit } from '../../core/vendor-hook.js';
import { ErrorEnvelope, SESSION_COOKIE, anyError } from '../../../schemas/blueai/common.js';
import { MeRedirect, MeResponse, SignInBody, SignInResponse } from '../../../schemas/blueai/auth.js';
import { sessionView } from '../auth.js';
import { SESSION_TTL_MS } from '../store/sessions.js';
import { blueaiCredential } from '../plugin.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, ...anyError };

/**
 * `POST /api/v1/auth/sign-in/email` and `GET /api/v1/me` (registered under /api/v1). Sign-out is not
 * in BlueAI's reference, so it is not emulated: every other `/api/v1/auth/…` path is a 404 in
 * BlueAI's envelope.
 */
export default async function authRoutes(fastify: FastifyInstance, opts: { admit: Admit }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const auth = app.blueaiAuth;

  app.post('/auth/sign-in/email', {
    // The journal keeps neither the password nor the session token.
    config: { admitsItself: true, journalRedact: ['password', 'token'] },
    schema: { body: SignInBody, response: { 200: SignInResponse, ...errors } },
    // The organization comes from the e-mail (src/blueai/auth.ts); once known, the request is
    // counted, faulted and journaled as that organization's like any other.
    preHandler: async (req, reply) => {
      const org = auth.orgForSignIn(req.body.email);
      if (!org) throw new ApiError(401, 'UNAUTHORIZED', 'Invalid email or password');
      await opts.admit(req, reply, org);
    },
  }, async (req, reply) => {
    const { token, user, session } = await auth.signIn(req.org, req.body.email, req.body.password);
    // Real API: Better Auth signs the cookie's value (`<token>.<signature>`); here: the token as is [D].
    // Written by hand (no cookie plugin: its hooks would run on every request); the token is [0-9a-z_.] only.
    reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Max-Age=${SESSION_TTL_MS / 1000}; Path=/; HttpOnly; SameSite=Lax`);
    return { token, user, session: sessionView(session) };
  });

  app.get('/me', { schema: { response: { 200: MeResponse, 301: MeRedirect, ...errors } } }, async (req) => {
    const { user, session } = auth.me(req.org, blueaiCredential(req)!);
    return { user, organization: { id: req.org.id, name: req.org.name }, session: session && sessionView(session) };
  });

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/auth/*',
    config: { admitsItself: true },
    schema: { hide: true, response: { 404: ErrorEnvelope, ...anyError } },
    handler: async (req) => {
      throw notFound(`Route ${req.method} ${req.url.split('?')[0]} not found; BlueAI's auth API emulates POST /api/v1/auth/sign-in/email only`);
    },
  });
}
