import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import { openDatabase, type Db } from './core/db.js';
import { MIGRATIONS } from './migrations.js';
import { Clocks } from './core/clock.js';
import { Datasets } from './core/datasets.js';
import type { JobDriver, OutboxDriver, WebhookDriver } from './core/jobs.js';
import { Ids } from './core/ids.js';
import { Tenants, type AuthMode } from './core/tenants.js';
import { Scheduler } from './core/scheduler.js';
import { OrgDatabases } from './core/org-dbs.js';
import { RateLimiter } from './core/ratelimit.js';
import { CrashHook } from './core/faults.js';
import { FaultRules } from './core/fault-rules.js';
import { installJournal } from './core/capture.js';
import { installRequestLog } from './request-log.js';
import { AnswerCache } from './core/answer-cache.js';
import { VendorPaths } from './core/match.js';
import { loadSeedFile, SeedError } from './core/seed.js';
import { DEFAULT_DATASET_MAX_BYTES, DEFAULT_SEED } from './config.js';
import type { SeedFileT } from '../schemas/seed.js';
import blueaiPlugin, { blueaiAuthPlugin, decorateBlueAI } from './blueai/plugin.js';
import controlPlugin from './control/plugin.js';
import { rootRoutes } from './control/home.js';
import { ChangeFeed, isWrite } from './core/events.js';
import { registerOpenapi, surfaceOf } from './control/openapi.js';
import { controlErrorHandler } from './control/errors.js';
import { blueaiErrorHandler } from './blueai/errors.js';
import { closeErrorHandler } from './close/errors.js';
import closePlugin, { decorateClose } from './close/plugin.js';
import type { StepProbe } from './close/jobs/runner.js';
import type { Timers } from './core/timers.js';
import { OutboundPolicy, type Resolver } from './core/outbound.js';

export interface AppOptions {
  db?: string;
  /** A seed file path, or an already-loaded seed (tests share one parse). */
  seed?: string | SeedFileT;
  auth?: AuthMode;
  uploadLimit?: number;
  /** Largest JSON body of a dataset on the control API (organization create, snapshot restore). */
  datasetMaxBytes?: number;
  maxOrgs?: number;
  /** Bytes the organizations' in-memory databases may hold before idle ones move out (ORG_MEMORY, default 512 MiB). */
  orgMemory?: number;
  corsOrigins?: string[];
  /** Requests per window per organization and vendor; 0 (default) = no rate limiting. */
  rateLimit?: number;
  rateLimitWindowSeconds?: number;
  /** Close bulk edit ticker interval in ms; 0 = no background ticker (tests drive ticks). */
  tickMs?: number;
  /** Items a bulk edit applies per tick. */
  batchSize?: number;
  /** Close's event consolidation window in ms (default 5000; 0 = never consolidate). */
  eventWindowMs?: number;
  /** WEBHOOK_HOSTS: when not empty, the only hosts webhooks may reach (loopback included); see src/core/outbound.ts. */
  webhookHosts?: string[];
  /** Test-only: resolves host names for the outbound policy instead of dns.lookup. */
  outboundResolver?: Resolver;
  /** How long one webhook delivery may take before it counts as failed (WEBHOOK_TIMEOUT_MS, default 10000). */
  webhookTimeoutMs?: number;
  /** Wall time one Close query's evaluation may take before it is stopped with a 400 (QUERY_TIMEOUT_MS, default 2000). */
  queryTimeoutMs?: number;
  /** Wall time one background tick may spend stepping bulk edits (default TICK_BUDGET_MS, 50). */
  tickBudgetMs?: number;
  logLevel?: string;
  logger?: boolean;
  /** Where log lines go (default stdout): the pretty printer (LOG_FORMAT=pretty), or a test's capture. */
  logStream?: { write(line: string): void };
  /** Bearer token every /_mock/ route but health requires; unset = the control API is open. */
  controlToken?: string;
  /** ALLOWED_HOSTS: Host names the control API answers to besides loopback and this machine's own. */
  allowedHosts?: string[];
  /** HOST as configured (a name or address there is one of the control API's own names). */
  listenHost?: string;
  /** Seeds id generation so two runs with the same requests give byte-identical answers. */
  idSeed?: string;
  /** Starts the default clock frozen at this instant (ms since epoch). */
  freezeAt?: number | null;
  /** Journal ring size (entries; 0 = no journal) and the bytes of each body it keeps. */
  journalSize?: number;
  journalBodyLimit?: number;
  /** Test-only crash point (see src/core/faults.ts). */
  crashAt?: string;
  /** Test-only: called at each phase of a bulk edit step, inside its transaction; a throw there is the step failing. */
  jobProbe?: StepProbe;
  /** Test-only: the timers of the bulk edit ticker and the change feed (tests fire them by hand). */
  timers?: Timers;
  /** Called with every route as it is registered, before any plugin (tests collect the route list). */
  onRoute?: (route: RouteOptions) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The process-wide database: organizations, credentials, the control plane's tables. */
    db: Db;
    /** Serialized answers of single-object reads, per organization database until its next write. */
    answers: AnswerCache;
    /** Each organization's own database (`orgDbs.routed`: the one of the organization in context). */
    orgDbs: OrgDatabases;
    /** The process default clock and each organization's own. */
    clock: Clocks;
    /** Where this app's ids come from (seeded by ID_SEED). */
    ids: Ids;
    /** The vendors' dataset hooks (seed, reset, snapshot, restore). */
    datasets: Datasets;
    /** Background jobs and outbox as the control API drives them (registered by the Close half). */
    jobs: JobDriver;
    outbox: OutboxDriver;
    /** Webhook deliveries as the control API drives them (registered by the Close half). */
    webhooks: WebhookDriver;
    /** Change notifications for the dashboard's live updates (GET /_mock/events). */
    changes: ChangeFeed;
    /** What every request the emulator sends may reach (webhook deliveries): src/core/outbound.ts. */
    outbound: OutboundPolicy;
    emulator: { ready: boolean; crash: CrashHook; options: Required<Pick<AppOptions, 'auth' | 'uploadLimit' | 'datasetMaxBytes' | 'maxOrgs' | 'tickMs' | 'batchSize' | 'eventWindowMs'>> };
  }
}

/**
 * Builds the emulator: opens and migrates the database, loads the seed template, registers both
 * vendors' plugins and the control API. Never listens: src/server.ts does that. Throws SeedError for a
 * broken seed file, before any request is served.
 */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const settings = {
    auth: options.auth ?? 'open',
    uploadLimit: options.uploadLimit ?? 20 * 1024 * 1024,
    datasetMaxBytes: options.datasetMaxBytes ?? DEFAULT_DATASET_MAX_BYTES,
    maxOrgs: options.maxOrgs ?? 1000,
    tickMs: options.tickMs ?? 100,
    batchSize: options.batchSize ?? 100,
    eventWindowMs: options.eventWindowMs ?? 5000,
  } as const;
  const seedName = typeof options.seed === 'object' ? 'given to buildApp' : options.seed ?? DEFAULT_SEED;
  const seed = typeof options.seed === 'object' ? options.seed : loadSeedFile(seedName, { check: seedName !== DEFAULT_SEED });
  const clock = new Clocks();
  const startClock = () => {
    if (options.freezeAt != null) clock.set(new Date(options.freezeAt), true);
    else clock.default.restore({ offsetMs: 0, frozenAt: null });
  };
  startClock();

  const app = Fastify({
    logger: options.logger === false ? false : { level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) },
    // One line per request instead of Fastify's two (src/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    // The official Close client produces `//` inside paths; collapse them everywhere.
    // Real API: an unknown id of any length is a 404; here too up to 2,048 characters (Fastify's
    // default stops at 100, as a 414 before any route), beyond that a 414 in the vendor's envelope.
    routerOptions: { ignoreTrailingSlash: false, ignoreDuplicateSlashes: true, maxParamLength: 2048 },
    frameworkErrors,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  // Query strings and path params are text, so they are coerced ("limit=10" → 10, one value → array);
  // JSON bodies are not: `"ids": "deal_…"` or `"amount": "5"` is a 400, as a typed API answers.
  const coercing = validator('array');
  const strict = validator(false);
  // Compiled on a route's first request, not at start-up: most routes of a test run are never called,
  // and compiling all of them (the dataset schema above all) cost most of the time to ready.
  app.setValidatorCompiler(({ schema, httpPart }) => {
    let validate: ValidateFunction | undefined;
    // Fastify reads the errors from the function it was given, so they are copied onto it.
    const lazy = (data: unknown): boolean => {
      validate ??= (httpPart === 'body' ? strict : coercing).compile(schema);
      const ok = validate(data) as boolean;
      lazy.errors = validate.errors;
      return ok;
    };
    lazy.errors = null as ValidateFunction['errors'];
    return lazy;
  });

  const db = openDatabase(options.db ?? ':memory:', MIGRATIONS);
  app.decorate('db', db);
  app.decorate('answers', new AnswerCache());
  app.decorate('clock', clock);
  // This app's ids: its own stream, so two emulators in one process never draw from each other's.
  const ids = new Ids(options.idSeed);
  app.decorate('ids', ids);
  const datasets = new Datasets();
  app.decorate('datasets', datasets);
  // Each organization's vendor data: its own database, next to `db` with a file or in memory.
  const orgDbs = new OrgDatabases(db, {
    migrations: MIGRATIONS,
    file: options.db && options.db !== ':memory:' ? options.db : null,
    memory: options.orgMemory,
    warn: (message) => app.log.warn(message),
  });
  app.decorate('orgDbs', orgDbs);
  // Which organizations have background work due, rebuilt from `db` alone (no organization's database opened).
  const scheduler = new Scheduler(db, clock);
  app.decorate('scheduler', scheduler);
  const tenants = new Tenants(db, ids, clock, datasets, seed, { auth: settings.auth, maxOrgs: settings.maxOrgs }, orgDbs, scheduler);
  app.decorate('tenants', tenants);
  // Open mode: a mistyped key silently gets a new organization of its own (the seed's data), not the
  // one meant; the first time, the log says so and how to refuse it.
  let hinted = false;
  tenants.onUnknownCredential = (org) => {
    if (hinted) return app.log.debug({ organization: org.id }, 'unknown key opened a new organization');
    hinted = true;
    app.log.info({ organization: org.id }, 'unknown key opened a new organization; use --auth strict to refuse');
  };
  const rateLimiter = new RateLimiter(clock, { limit: options.rateLimit ?? 0, windowSeconds: options.rateLimitWindowSeconds ?? 60 });
  app.decorate('rateLimiter', rateLimiter);
  // A reset or deleted organization loses its own clock and rate limit (Tenants clears them in `orgs`
  // in the same transaction); a full reset restarts time too.
  tenants.onForget({
    memory: (orgId) => {
      if (orgId === null) {
        clock.clearAll();
        rateLimiter.clearAll();
        startClock();
      } else {
        clock.clearOwn(orgId);
        rateLimiter.clearOrg(orgId);
      }
    },
  });
  app.decorate('emulator', { ready: false, crash: new CrashHook(options.crashAt), options: settings });
  app.decorate('faults', new FaultRules(db, ids));
  // Filled by the vendor plugins as they register (each under its prefix below).
  app.decorate('vendors', new VendorPaths());
  installRequestLog(app);
  installJournal(app, { size: options.journalSize ?? 1000, bodyLimit: options.journalBodyLimit ?? 4096 });
  // ... and its journal entries and fault rules; a full reset clears them all.
  tenants.onForget({
    stored: (orgId) => app.faults.deleteStored(orgId),
    memory: (orgId) => {
      app.faults.forget(orgId);
      if (orgId === null) app.journal.clear();
      else app.journal.clearOrg(orgId);
    },
  });
  // Live updates: what a finished vendor request may have changed, heard from the journal (which
  // already sees every one), so serving costs nothing more than one size check while nobody watches.
  // Control calls are announced by the control plugin.
  const changes = new ChangeFeed(100, options.timers);
  app.decorate('changes', changes);
  const announce = (method: string, fault: string | null) => {
    if (changes.size === 0) return;
    changes.notify('requests');
    if (isWrite(method)) changes.notify('data');
    if (fault !== null) changes.notify('faults');
  };
  if (app.journal.enabled) {
    app.journal.onAdd = (entry) => announce(entry.method, entry.fault);
  } else {
    // Without a journal a fired fault is not known here: its counters show on the next control call.
    app.addHook('onResponse', (request, _reply, done) => {
      if (!request.url.startsWith('/_mock/')) announce(request.method, null);
      done();
    });
  }
  app.addHook('onReady', async () => {
    app.emulator.ready = true;
  });
  app.addHook('preClose', async () => {
    app.emulator.ready = false;
  });
  app.addHook('onClose', async () => {
    changes.cancel();
    orgDbs.closeAll();
    db.close();
  });

  const outbound = new OutboundPolicy({ allow: options.webhookHosts, resolver: options.outboundResolver });
  app.decorate('outbound', outbound);
  // Once listening, this server's own addresses on its port are refused to every outbound request.
  app.addHook('onListen', async () => {
    outbound.listening(app.addresses().filter((a) => typeof a === 'object'));
  });
  decorateClose(app, { tickBudgetMs: options.tickBudgetMs, probe: options.jobProbe, timers: options.timers },
    { timeoutMs: options.webhookTimeoutMs ?? 10_000 },
    { timeoutMs: options.queryTimeoutMs });
  decorateBlueAI(app);
  await registerOpenapi(app);
  if (options.corsOrigins?.length) {
    // Browser front ends in local development call BlueAI with its session cookie.
    await app.register(cors, { origin: options.corsOrigins, credentials: true });
  }
  await app.register(controlPlugin, { prefix: '/_mock', controlToken: options.controlToken, allowedHosts: options.allowedHosts, listenHost: options.listenHost });
  await app.register(rootRoutes, { allowedHosts: options.allowedHosts, listenHost: options.listenHost });
  await app.register(blueaiPlugin, { prefix: '/api/v1/crm' });
  // BlueAI's sign-in and /me, under Close's prefix (the rule is on blueaiAuthPlugin).
  await app.register(blueaiAuthPlugin, { prefix: '/api/v1' });
  await app.register(closePlugin, { prefix: '/api/v1' });

  // The vendors have registered their dataset hooks: check and load the seed, then restore the
  // organizations' own clocks and rate limits (a file database keeps them across restarts).
  const problem = tenants.loadTemplate();
  if (problem) throw new SeedError(seedName, problem);
  for (const s of tenants.settings()) {
    if (s.clock) clock.restoreOwn(s.id, s.clock);
    if (s.rateLimit) rateLimiter.setOrg(s.id, s.rateLimit);
  }
  return app;
}

const fastJsonStringify = SerializerSelector();

/**
 * Fastify's own response serializers, each built on its first response instead of at ready: building
 * all of them (fast-json-stringify, every status of every route) was ~40% of the time to ready.
 */
const lazySerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = fastJsonStringify(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined;
    return (doc: unknown) => (serialize ??= compile(route))(doc);
  };
};

/**
 * What Fastify refuses before any route or plugin sees the request (a path with bad percent-encoding,
 * a path segment over maxParamLength), in the envelope of the surface the URL names.
 */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const surface = surfaceOf(request.url);
  if (surface) void { blueai: blueaiErrorHandler, close: closeErrorHandler, control: controlErrorHandler }[surface](error, request, reply);
  else void reply.status(error.statusCode ?? 400).send(error);
}

// Validation stops at a body's first problem (allErrors: false): collecting every error of a hostile
// 20 MB body took seconds and a 6 MB answer. A union still reports one problem per form it may take.
// Real API: Close's `field-errors` object may name several fields; here: the first invalid one.
function validator(coerceTypes: 'array' | false): Ajv {
  const ajv = new Ajv({ allErrors: false, coerceTypes, useDefaults: true, removeAdditional: false, strict: false });
  addFormats.default(ajv);
  return ajv;
}
