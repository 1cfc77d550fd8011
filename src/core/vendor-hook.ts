import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { injectFault } from './fault-inject.js';
import type { RateLimitState } from './ratelimit.js';
import type { Org } from './tenants.js';
import type { Vendor } from './match.js';

// The request pipeline every vendor API shares: credential → organization → fault → rate limit →
// rate headers → 429. What differs between vendors (where the credential is, the wording of a 401 and
// a 429, the rate headers, what else a request carries once its organization is known) is the
// vendor's to say; the order and everything between is the same for all.

export interface VendorPipeline {
  /** The vendor's name as the journal and the fault rules give it. */
  name: Vendor;
  /** The request's credential, or undefined when it carries none. */
  credential(request: FastifyRequest): string | undefined;
  /** The 401 of a request without a credential. */
  missingCredential(): ApiError;
  /**
   * The organization of a credential the vendor resolves itself (a session it issued), undefined for
   * any other (the core's credentials then); throws the vendor's 401 for one it refuses (expired).
   */
  resolve?(token: string): Org | undefined;
  /** The error of a credential that reaches no organization (strict auth): by default the core's 401 as is. */
  unknownCredential?(err: ApiError): ApiError;
  /** What the vendor keeps on the request once the organization is known (after `request.orgId`). */
  onOrg(request: FastifyRequest, org: Org): void;
  /** The rate headers of a request counted against a limit, allowed or not. */
  rateHeaders(reply: FastifyReply, rate: RateLimitState): void;
  /** The error of a request over the limit (its `retry_after` becomes the Retry-After header). */
  rateLimited(rate: RateLimitState): ApiError;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route needs no credential: it finds its organization in its body (a sign-in) and calls the
     * `admit` vendorPipeline returned once it knows it, or answers without one (a 404 of its own).
     */
    admitsItself?: boolean;
  }
}

/** The pipeline's steps once a request's organization is known: its context, fault, rate limit. */
export type Admit = (request: FastifyRequest, reply: FastifyReply, org: Org) => Promise<void>;

/**
 * Registers the vendor under the prefix its plugin was registered with (so the journal and the fault
 * rules know its paths; `paths`: exact paths instead, for a vendor's few routes under another's
 * prefix) and adds the pipeline as the plugin's onRequest hook. Called inside the vendor's plugin,
 * before its routes.
 */
export function vendorPipeline(app: FastifyInstance, vendor: VendorPipeline, paths?: { prefix?: string; exact?: string[] }): Admit {
  if (paths === undefined) app.vendors.add(vendor.name, app.prefix);
  if (paths?.prefix !== undefined) app.vendors.add(vendor.name, paths.prefix);
  for (const path of paths?.exact ?? []) app.vendors.addExact(vendor.name, path);
  const admit: Admit = async (request, reply, org) => {
    request.orgId = org.id;
    app.tenants.run(org.id, () => vendor.onOrg(request, org));
    await injectFault(request, reply);
    const rate = app.rateLimiter.hit(vendor.name, org.id);
    if (!rate) return;
    vendor.rateHeaders(reply, rate);
    if (!rate.allowed) throw vendor.rateLimited(rate);
  };
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.admitsItself) return;
    const token = vendor.credential(request);
    if (!token) throw vendor.missingCredential();
    let org: Org;
    try {
      org = vendor.resolve?.(token) ?? app.tenants.resolve(token);
    } catch (err) {
      if (vendor.unknownCredential && err instanceof ApiError && err.status === 401) throw vendor.unknownCredential(err);
      throw err;
    }
    await admit(request, reply, org);
  });
  // The handler (and everything it awaits) works on the organization's own database. Set here, after
  // the body is parsed: a context set in onRequest does not survive the body's stream events.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.orgId === null) done();
    else app.tenants.run(request.orgId, done);
  });
  return admit;
}
