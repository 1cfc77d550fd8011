import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { controlErrors, OrgParams } from '../../schemas/control/common.js';
import { RateLimitResponse, RateLimitUpdate, type RateLimitResponseT } from '../../schemas/control/rate-limit.js';

export function orgRateLimit(app: FastifyInstance, orgId: string): RateLimitResponseT {
  const s = app.rateLimiter.setting(orgId);
  return { limit: s.limit, window_seconds: s.windowSeconds, source: s.source };
}

/** One organization's rate limit, on or off at run time (stored, so it survives a restart). PUT
 * starts fresh windows; DELETE returns it to the process setting (RATE_LIMIT, off by default). */
export default async function rateLimitRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const schema = { params: OrgParams, response: { 200: RateLimitResponse, ...controlErrors } };

  app.get('/orgs/:org/rate-limit', { schema }, async (req) => orgRateLimit(app, app.tenants.get(req.params.org).id));
  app.put('/orgs/:org/rate-limit', { schema: { ...schema, body: RateLimitUpdate } }, async (req) => {
    const { id } = app.tenants.get(req.params.org);
    const setting = { limit: req.body.limit, windowSeconds: req.body.window_seconds ?? 60 };
    app.rateLimiter.setOrg(id, setting);
    app.tenants.saveRateLimit(id, setting);
    return orgRateLimit(app, id);
  });
  app.delete('/orgs/:org/rate-limit', { schema }, async (req) => {
    const { id } = app.tenants.get(req.params.org);
    app.rateLimiter.setOrg(id, null);
    app.tenants.saveRateLimit(id, null);
    return orgRateLimit(app, id);
  });
}
