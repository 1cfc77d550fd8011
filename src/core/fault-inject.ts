import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectedFault, type ErrorCode } from './errors.js';
import { finish, noteFault } from './capture.js';
import type { FaultRules } from './fault-rules.js';

declare module 'fastify' {
  interface FastifyInstance {
    faults: FaultRules;
  }
}

const CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** Seconds an injected 429 asks the caller to wait. */
const FAULT_RETRY_AFTER = 1;

/**
 * Applies the first fault rule that fires for this call. Each vendor's auth hook calls it once the
 * organization is known (so rules can name one); a status is thrown as an ApiError, so the vendor's
 * own error handler renders it in that vendor's envelope.
 */
export async function injectFault(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const faults = request.server.faults;
  if (faults.empty) return;
  const path = request.url.split('?')[0]!;
  const hit = faults.pick({ vendor: request.server.vendors.of(path), method: request.method, path, orgId: request.orgId });
  if (!hit) return;
  noteFault(request, hit.id);
  // Info, no stack: the answer is what the test asked for, not a problem of the emulator.
  request.log.info({ fault: hit.id, status: hit.status, latencyMs: hit.latencyMs, drop: hit.drop }, `injected fault (rule ${hit.id})`);
  if (hit.latencyMs > 0) await sleep(hit.latencyMs);
  if (hit.drop) {
    reply.hijack();
    finish(request, reply, null);
    // Destroying the response closes a real socket; under app.inject (no socket) it makes inject()
    // reject with "response destroyed before completion", the nearest thing to a dropped connection.
    reply.raw.destroy();
    request.raw.socket?.destroy?.();
    return;
  }
  if (hit.status === null) return;
  const code = CODES[hit.status] ?? (hit.status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
  const details: Record<string, unknown> = {};
  if (hit.status === 429) {
    // Real API: Retry-After counts down to the end of the real window; here: an injected 429 always says 1 s.
    details.retry_after = FAULT_RETRY_AFTER;
  }
  throw new InjectedFault(hit.id, hit.status, code, `Injected fault (rule ${hit.id})`, details);
}
