import type { Ids } from './ids.js';
import { cached, tenantTables, type Db } from './db.js';
import { checkImage } from './org-binary.js';
import type { OrgDatabases } from './org-dbs.js';
import { imageId, type Image } from './org-images.js';
import type { Clocks, StoredClock } from './clock.js';
import type { Datasets } from './datasets.js';
import type { Scheduler } from './scheduler.js';
import { ApiError, conflict, notFound, unauthorized } from './errors.js';
import type { DatasetT, SeedFileT } from '../../schemas/seed.js';

declare module 'fastify' {
  interface FastifyInstance {
    tenants: Tenants;
  }
}

export type AuthMode = 'open' | 'strict';

export interface Org {
  id: string;
  name: string;
  created_at: string;
}

export interface OrgRecord extends Org {
  credentials: string[];
  /** What a reset returns it to. */
  dataset: 'seed' | 'empty' | 'custom';
}

/** Where an organization starts and what a reset returns it to. */
export type Baseline = 'seed' | 'empty' | DatasetT;

/** Per-organization settings kept in `orgs`, restored at start-up (own clock, own rate limit). */
export interface OrgSettings {
  id: string;
  clock: StoredClock | null;
  rateLimit: { limit: number; windowSeconds: number } | null;
}

/**
 * What an organization's reset or deletion (`orgId` null: the global reset, every organization) makes
 * another part forget. `stored` runs inside the transaction that replaces or deletes the data, so what
 * is stored goes with it or not at all; `memory` runs after that transaction committed.
 */
export interface ForgetHook {
  stored?: (orgId: string | null) => void;
  memory?: (orgId: string | null) => void;
}

/**
 * Credential → organization namespace. An organization is created on a credential's first use (or by
 * the control API); its vendor data lives in its own database (OrgDatabases), made on first use from
 * the image of its dataset (the seed unless it was created with another). In strict mode only the
 * seed's credentials are accepted. The vendors' data is inserted, checked and exported through their
 * registered dataset hooks. Organizations, credentials, clocks, rate limits and the data's generation
 * live in the process-wide database (`main`).
 */
export class Tenants {
  private readonly seedTokens: Set<string>;
  private readonly forgetHooks: ForgetHook[] = [];
  /** Row counts of each organization's baseline (they never change), so an untouched custom one is not hashed again per call. */
  private readonly baselineCounts = new Map<string, Record<string, Record<string, number>>>();

  constructor(
    private readonly main: Db,
    private readonly ids: Ids,
    private readonly clock: Clocks,
    private readonly datasets: Datasets,
    private readonly seed: SeedFileT,
    private readonly opts: { auth: AuthMode; maxOrgs: number },
    private readonly dbs: OrgDatabases,
    private readonly scheduler: Scheduler,
  ) {
    this.seedTokens = new Set(seed.credentials.map((c) => c.token));
    dbs.baseline = (text) => this.image(text);
    dbs.remember = (orgId, db) => this.datasets.counts(db, orgId);
  }

  /**
   * Builds the seed's image (at every start, after the vendors registered their hooks), so the first
   * organization costs a copy. Returns the seed's first cross-reference problem instead of loading it.
   */
  loadTemplate(): string | null {
    const problem = this.datasets.check(this.seed);
    if (problem) return problem;
    this.image(null);
    return null;
  }

  /** Runs `fn` with the organization's database as the one the vendors' stores work on. */
  run<T>(orgId: string, fn: () => T): T {
    return this.dbs.run(orgId, fn);
  }

  /**
   * Marks the organization as one whose data holds bulk actions or webhook subscriptions (before they
   * are stored): the control API lists jobs, deliveries and outbox mail across these. Background work
   * does not look here: it visits what the scheduler says is due (src/core/scheduler.ts).
   */
  noteJobsOrWebhooks(orgId: string): void {
    cached(this.main, `INSERT OR IGNORE INTO control_orgs_with_jobs_or_webhooks (org_id) VALUES (?)`).run(orgId);
  }

  /** The organizations whose data holds (or held, since their last reset) bulk actions or webhook subscriptions, oldest first. */
  orgsWithJobsOrWebhooks(): string[] {
    return cached(this.main, `SELECT j.org_id FROM control_orgs_with_jobs_or_webhooks j JOIN orgs o ON o.id = j.org_id ORDER BY o.created_at, o.id`)
      .pluck().all() as string[];
  }

  /**
   * `fn` in the database of each organization whose data holds bulk actions or subscriptions (only
   * `orgId`'s when given), its results in that order: how the control API lists across organizations.
   */
  forOrgsWithJobsOrWebhooks<T>(orgId: string | undefined, fn: (org: string) => T): T[] {
    return this.orgsWithJobsOrWebhooks().filter((org) => orgId === undefined || org === orgId).map((org) => this.run(org, () => fn(org)));
  }

  /** Registers what journal, faults, clocks and rate limits forget when an organization is reset or
   * deleted (null: everything). Its own clock and rate limit in `orgs` are cleared here. */
  onForget(hook: ForgetHook): void {
    this.forgetHooks.push(hook);
  }

  /** Told when a credential the seed does not list opens a new organization (open mode only). */
  onUnknownCredential: ((org: Org) => void) | null = null;

  /** The seed's credentials, in its order: the only ones that open an organization in strict mode. */
  seedCredentials(): string[] {
    return [...this.seedTokens];
  }

  /** The organization a credential belongs to, creating it in open mode. Missing → 401. */
  resolve(token: string | undefined): Org {
    if (!token) throw unauthorized();
    const existing = this.byToken(token);
    if (existing) return existing;
    const known = this.seedTokens.has(token);
    if (this.opts.auth === 'strict' && !known) throw unauthorized('Invalid credentials');
    const org = this.create(token, 'seed');
    if (!known) this.onUnknownCredential?.(org);
    return org;
  }

  /**
   * The seed's default organization: the one of the seed's first credential (made on first use, as
   * that credential's first request would); undefined when the seed declares none.
   */
  defaultOrg(): Org | undefined {
    const token = this.seed.credentials[0]?.token;
    return token === undefined ? undefined : this.resolve(token);
  }

  /** An organization by `orga_` id or by one of its credentials; undefined if none. */
  find(ref: string): Org | undefined {
    return (cached(this.main, `SELECT id, name, created_at FROM orgs WHERE id = ? AND is_template = 0`).get(ref) as Org | undefined)
      ?? this.byToken(ref);
  }

  /** As find(), or 404. */
  get(ref: string): Org {
    const org = this.find(ref);
    if (!org) throw notFound(`No organization has the id or credential "${ref}"`);
    return org;
  }

  private byToken(token: string): Org | undefined {
    return cached(this.main, `SELECT o.id, o.name, o.created_at FROM credentials c JOIN orgs o ON o.id = c.org_id WHERE c.token = ?`)
      .get(token) as Org | undefined;
  }

  /**
   * A new organization for a credential: 409 if the credential is taken, 403 past MAX_ORGS, 503 when
   * the organizations' memory budget cannot hold one more (the others busy).
   */
  create(token: string, baseline: Baseline): Org {
    this.assertValid(baseline);
    const text = baselineText(baseline);
    const image = this.image(text);
    return this.main.transaction(() => {
      if (this.byToken(token)) throw conflict(`The credential "${token}" already belongs to an organization`, { field: 'credential' });
      if (this.orgCount() >= this.opts.maxOrgs) {
        // Real API: organizations are created by signing up; here every new credential creates one,
        // so a bound keeps a runaway test suite from filling memory.
        throw new ApiError(
          403,
          'FORBIDDEN',
          `Organization limit reached (MAX_ORGS=${this.opts.maxOrgs}); reuse a credential or reset the emulator`,
        );
      }
      if (!this.dbs.reserve(image.bytes.length)) {
        // Real API: no such limit; here the organizations' databases share ORG_MEMORY, and one that is
        // in use cannot move out of memory, so a new organization waits until one is idle.
        throw new ApiError(503, 'SERVICE_UNAVAILABLE',
          'The organizations\' memory budget (ORG_MEMORY) is full of organizations in use; retry shortly', { retry_after: 1 });
      }
      const org: Org = { id: this.ids.base62('orga_'), name: this.nameOf(baseline), created_at: this.clock.iso(null) };
      cached(this.main, `INSERT INTO orgs (id, name, is_template, created_at, dataset) VALUES (?, ?, 0, ?, ?)`)
        .run(org.id, org.name, org.created_at, text);
      cached(this.main, `INSERT INTO credentials (token, org_id, created_at) VALUES (?, ?, ?)`).run(token, org.id, org.created_at);
      // Its data is made on first use; the image is built already (once per dataset), so a dataset
      // that cannot be loaded fails here.
      if (image.facts.jobsOrWebhooks > 0) this.noteJobsOrWebhooks(org.id);
      for (const lane of image.facts.pending) this.scheduler.note(lane, org.id, 0);
      return org;
    })();
  }

  /**
   * Back to the data it started with (the seed, empty, or its creation dataset), same id and
   * credentials; its own clock, rate limit, fault rules and journal go too. One commit in `main`
   * decides it (the data's generation moves on); the old data is dropped after, and the new one is
   * made from the image on the organization's next use.
   */
  reset(orgId: string): void {
    const text = cached(this.main, `SELECT dataset FROM orgs WHERE id = ?`).pluck().get(orgId) as string | null;
    const image = this.image(text);
    this.main.transaction(() => {
      this.nextGeneration(orgId, image);
      this.saveClock(orgId, null);
      this.saveRateLimit(orgId, null);
      this.forgetStored(orgId);
    })();
    this.dbs.drop(orgId);
    this.scheduler.load(orgId);
    this.forgetInMemory(orgId);
  }

  /**
   * Replaces the organization's data with a dataset (already schema-checked; cross-references are
   * checked here): its image (cached, so restoring the same snapshot again is one copy) is written as
   * the next generation, which one commit in `main` makes the organization's.
   */
  restore(orgId: string, ds: DatasetT, etag?: string): void {
    // With the ETag of a snapshot whose image is held, the body is taken as that snapshot: no
    // cross-reference check, serialization or hash of it again (an image is held once built).
    let image = etag === undefined ? undefined : this.dbs.held(etag);
    if (!image) {
      this.assertValid(ds);
      const text = JSON.stringify(ds);
      if (etag !== undefined && imageId(text) !== etag) {
        throw new ApiError(412, 'PRECONDITION_FAILED', 'If-Match: the body is not the snapshot this ETag names.', { field: 'If-Match' });
      }
      image = this.image(text);
    }
    const { gen, createdAt } = this.nextGen(orgId);
    this.swapIn(orgId, gen, this.dbs.materialize(orgId, gen, image, createdAt), image);
  }

  /** The generation a restore writes, and the organization's creation instant its database keeps. */
  private nextGen(orgId: string): { gen: number; createdAt: string } {
    const row = cached(this.main, `SELECT data_gen, created_at FROM orgs WHERE id = ?`).get(orgId) as { data_gen: number; created_at: string };
    return { gen: row.data_gen + 1, createdAt: row.created_at };
  }

  /**
   * Makes a restored database current: `check` first (it may throw), then one commit in `main`; on
   * any failure the new database is discarded and the organization keeps its data.
   */
  private swapIn(orgId: string, gen: number, db: Db, image: Image, check?: () => void): void {
    try {
      check?.();
      this.main.transaction(() => this.nextGeneration(orgId, image))();
    } catch (err) {
      db.close();
      this.dbs.discard(orgId, gen);
      throw err;
    }
    this.dbs.drop(orgId, gen);
    this.dbs.install(orgId, db);
    this.scheduler.load(orgId);
  }

  /**
   * Replaces the organization's data with a binary snapshot (src/core/org-binary.ts), checked first
   * (400, nothing changed); the image is patched to the organization's id as a dataset's image is, and
   * every organization-keyed row is checked to carry it before one commit in `main` makes it current.
   */
  restoreImage(orgId: string, bytes: Buffer, format: string | undefined): void {
    const { key, image } = checkImage(bytes, this.dbs.migrations, format, orgId.length, (db, k) => ({
      counts: this.datasets.counts(db, k), jobsOrWebhooks: this.datasets.jobsOrWebhooks(db, k), pending: this.datasets.pending(db, k),
      name: (db.prepare(`SELECT name FROM orgs WHERE id = ?`).pluck().get(k) as string | undefined) ?? 'Emulated organization',
    }));
    const { gen, createdAt } = this.nextGen(orgId);
    let db = this.dbs.materialize(orgId, gen, image, createdAt);
    if (image.offsets && !ownsEveryRow(db, orgId)) {
      // The id's bytes also sat where patching them broke something: rewrite the rows instead.
      db.close();
      this.dbs.discard(orgId, gen);
      // From the upload again: the first try patched the image's bytes in place.
      const copy = Buffer.concat([bytes, Buffer.alloc(image.bytes.length - bytes.length)]);
      db = this.dbs.materialize(orgId, gen, { ...image, bytes: copy, scratch: copy, offsets: null }, createdAt);
    }
    const restored = db;
    this.swapIn(orgId, gen, restored, image, () => {
      if (!ownsEveryRow(restored, orgId)) throw new ApiError(400, 'VALIDATION_ERROR', `The SQLite image's rows do not all belong to its organization ${key}.`, { field: 'body' });
    });
  }

  /** The organization's database image as `serialize()` gives it (its data made first if it was not yet). */
  serialize(orgId: string): Buffer {
    return this.db(orgId).serialize();
  }

  /** Deletes the organization and everything it owns (every table of `main` cascades from `orgs`; its database goes after). */
  delete(orgId: string): void {
    this.main.transaction(() => {
      cached(this.main, `DELETE FROM orgs WHERE id = ? AND is_template = 0`).run(orgId);
      this.forgetStored(orgId);
    })();
    this.dbs.drop(orgId);
    this.baselineCounts.delete(orgId);
    this.scheduler.load(orgId);
    this.forgetInMemory(orgId);
  }

  /** Everything back to a fresh start: no organization until a credential or the control API makes one. */
  deleteAll(): void {
    const ids = cached(this.main, `SELECT id FROM orgs WHERE is_template = 0`).pluck().all() as string[];
    this.main.transaction(() => {
      cached(this.main, `DELETE FROM orgs WHERE is_template = 0`).run();
      this.forgetStored(null);
    })();
    for (const id of ids) this.dbs.drop(id);
    this.baselineCounts.clear();
    this.scheduler.load(null);
    this.forgetInMemory(null);
  }

  /**
   * The database that holds this organization's vendor data (every table `tenantTables` lists).
   * Process-wide state (organizations, credentials, the control plane's tables) stays in `app.db`.
   */
  db(orgId: string): Db {
    return this.dbs.open(orgId);
  }

  /** The organization as a dataset in the seed file's format. */
  snapshot(orgId: string): DatasetT {
    const credentials = this.credentials(orgId).map((token) => ({ token }));
    return { credentials, ...this.datasets.export(this.db(orgId), orgId) };
  }

  list(): OrgRecord[] {
    const rows = cached(this.main, `SELECT id, name, created_at, dataset FROM orgs WHERE is_template = 0 ORDER BY created_at, id`)
      .all() as (Org & { dataset: string | null })[];
    return rows.map((r) => this.record(r, r.dataset));
  }

  /** The organization with its credentials and baseline (`dataset`: its stored text, when the caller has it). */
  record(org: Org, dataset?: string | null): OrgRecord {
    const text = dataset !== undefined ? dataset : cached(this.main, `SELECT dataset FROM orgs WHERE id = ?`).pluck().get(org.id) as string | null;
    // The vendor may have renamed it (Close's PUT /organization/): its own database has the name then.
    const own = this.dbs.peek(org.id);
    const name = own ? (cached(own, `SELECT name FROM orgs WHERE id = ?`).pluck().get(org.id) as string | undefined) ?? org.name : org.name;
    return {
      id: org.id, name, created_at: org.created_at, credentials: this.credentials(org.id),
      dataset: text === null ? 'seed' : text === 'empty' ? 'empty' : 'custom',
    };
  }

  /** Row counts; an organization without data of its own answers its image's, without a copy. */
  counts(orgId: string): Record<string, Record<string, number>> {
    // A spilled organization's counts were kept when it moved out: reading it back for them would
    // make a list of every organization read (and spill) each one in turn.
    const spilled = this.dbs.spilledFacts(orgId) as Record<string, Record<string, number>> | undefined;
    if (spilled) return spilled;
    if (this.dbs.materialized(orgId)) return this.datasets.counts(this.db(orgId), orgId);
    let counts = this.baselineCounts.get(orgId);
    if (!counts) {
      counts = this.image(cached(this.main, `SELECT dataset FROM orgs WHERE id = ?`).pluck().get(orgId) as string | null).facts.counts;
      this.baselineCounts.set(orgId, counts);
    }
    return counts;
  }

  /** The organization's credentials with when each was added, oldest first. */
  credentialRecords(orgId: string): Array<{ token: string; created_at: string }> {
    return cached(this.main, `SELECT token, created_at FROM credentials WHERE org_id = ? ORDER BY created_at, token`).all(orgId) as Array<{ token: string; created_at: string }>;
  }

  credentials(orgId: string): string[] {
    return cached(this.main, `SELECT token FROM credentials WHERE org_id = ? ORDER BY created_at, token`).pluck().all(orgId) as string[];
  }

  orgCount(): number {
    return cached(this.main, `SELECT count(*) FROM orgs WHERE is_template = 0`).pluck().get() as number;
  }

  /** Every organization's own clock and rate limit, to restore at start-up. */
  settings(): OrgSettings[] {
    const rows = cached(this.main, `SELECT id, clock_offset_ms, clock_frozen_at, rate_limit, rate_limit_window_seconds FROM orgs
      WHERE is_template = 0 AND (clock_offset_ms IS NOT NULL OR clock_frozen_at IS NOT NULL OR rate_limit IS NOT NULL)`).all() as {
      id: string; clock_offset_ms: number | null; clock_frozen_at: number | null; rate_limit: number | null; rate_limit_window_seconds: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      clock: r.clock_offset_ms !== null || r.clock_frozen_at !== null ? { offsetMs: r.clock_offset_ms, frozenAt: r.clock_frozen_at } : null,
      rateLimit: r.rate_limit !== null ? { limit: r.rate_limit, windowSeconds: r.rate_limit_window_seconds ?? 60 } : null,
    }));
  }

  saveClock(orgId: string, clock: StoredClock | null): void {
    cached(this.main, `UPDATE orgs SET clock_offset_ms = ?, clock_frozen_at = ? WHERE id = ?`)
      .run(clock?.offsetMs ?? null, clock?.frozenAt ?? null, orgId);
  }

  saveRateLimit(orgId: string, setting: { limit: number; windowSeconds: number } | null): void {
    cached(this.main, `UPDATE orgs SET rate_limit = ?, rate_limit_window_seconds = ? WHERE id = ?`)
      .run(setting?.limit ?? null, setting?.windowSeconds ?? null, orgId);
  }

  private forgetStored(orgId: string | null): void {
    for (const hook of this.forgetHooks) hook.stored?.(orgId);
  }

  private forgetInMemory(orgId: string | null): void {
    for (const hook of this.forgetHooks) hook.memory?.(orgId);
  }

  /** A dataset's cross-reference problem → 400 naming the path inside it. */
  private assertValid(baseline: Baseline): void {
    if (typeof baseline !== 'object') return;
    const problem = this.datasets.check(baseline);
    if (!problem) return;
    const at = /^(\/[^:]*):/.exec(problem)?.[1];
    throw new ApiError(400, 'VALIDATION_ERROR', `Invalid dataset: ${problem}`, { field: at ? `dataset${at}` : 'dataset' });
  }

  /** Inside a transaction of `main`: the organization's data becomes the next generation, from `image`. */
  private nextGeneration(orgId: string, image: Image): void {
    cached(this.main, `UPDATE orgs SET name = ?, data_gen = data_gen + 1 WHERE id = ?`).run(image.facts.name, orgId);
    cached(this.main, `DELETE FROM control_orgs_with_jobs_or_webhooks WHERE org_id = ?`).run(orgId);
    if (image.facts.jobsOrWebhooks > 0) this.noteJobsOrWebhooks(orgId);
    // Only work the new data can run from the start schedules it: a reset to a dataset that holds
    // finished bulk actions or idle subscriptions leaves the organization lazy (its data not made).
    this.scheduler.replaceStored(orgId, image.facts.pending);
  }

  /**
   * The image of a stored dataset (null: the seed, 'empty', or a dataset's JSON), built once: the
   * dataset inserted under the image's organization key into a fresh database.
   */
  private image(text: string | null): Image {
    return this.dbs.image(text, (db, key) => {
      const ds = text === null ? this.seed : text === 'empty' ? this.datasets.empty(this.seed) : (JSON.parse(text) as DatasetT);
      const name = this.nameOf(text === null ? 'seed' : text === 'empty' ? 'empty' : ds);
      cached(db, `INSERT INTO orgs (id, name, is_template, created_at) VALUES (?, ?, 0, ?)`).run(key, name, this.clock.iso(null));
      this.datasets.insert(db, key, ds);
      return {
        counts: this.datasets.counts(db, key), jobsOrWebhooks: this.datasets.jobsOrWebhooks(db, key), pending: this.datasets.pending(db, key), name,
      };
    });
  }

  private nameOf(baseline: Baseline): string {
    return (typeof baseline === 'object' ? this.datasets.name(baseline) : undefined) ?? this.datasets.name(this.seed) ?? 'Emulated organization';
  }
}

function baselineText(b: Baseline): string | null {
  return b === 'seed' ? null : b === 'empty' ? 'empty' : JSON.stringify(b);
}

/** Whether every organization-keyed row of an organization's database (and its own row) carries its id. */
function ownsEveryRow(db: Db, orgId: string): boolean {
  if (db.prepare(`SELECT count(*) FROM orgs WHERE id = ?`).pluck().get(orgId) !== 1) return false;
  return tenantTables(db).every((t) => db.prepare(`SELECT 1 FROM ${t} WHERE org_id IS NOT ? LIMIT 1`).get(orgId) === undefined);
}
