import type { Db } from './db.js';
import type { DatasetT } from '../../schemas/seed.js';

/** A vendor's part of a dataset: every key of the dataset schema but the credentials. */
export type VendorKey = Exclude<keyof DatasetT, 'credentials'>;
type Part<K extends VendorKey> = NonNullable<DatasetT[K]>;

/**
 * What a vendor plugin tells the core about its data, so the core can seed, reset, snapshot and
 * restore organizations without knowing any vendor: each vendor registers its hooks at start-up.
 */
export interface VendorDataset<K extends VendorKey = VendorKey> {
  key: K;
  /** Cross-reference checks the JSON schema cannot express: the first problem as "/<key>/path: …", or null. */
  check(part: Part<K>): string | null;
  /** Inserts a checked part into one organization, inside the caller's transaction. */
  insert(db: Db, orgId: string, part: Part<K>): void;
  /** The organization's data as a part, such that insert(export()) gives the same vendor answers. */
  export(db: Db, orgId: string): Part<K>;
  /** The part without records: users, pipelines, statuses and field definitions stay (dataset "empty"). */
  empty(part: Part<K>): Part<K>;
  /** Row counts an operator wants to see (deals, leads, …). */
  counts(db: Db, orgId: string): Record<string, number>;
  /** The organization's name, when the vendor's part carries one. */
  name?(part: Part<K>): string | undefined;
  /** How many background jobs or webhook subscriptions (any state) the organization's data holds: the control API lists across those. */
  jobsOrWebhooks?(db: Db, orgId: string): number;
  /** The scheduler's lanes (src/core/scheduler.ts) with work the data can run from the start (active jobs, pending deliveries). */
  pending?(db: Db, orgId: string): string[];
}

export class Datasets {
  private readonly vendors: VendorDataset[] = [];

  register<K extends VendorKey>(hooks: VendorDataset<K>): void {
    if (this.vendors.some((v) => v.key === hooks.key)) throw new Error(`dataset hooks for ${hooks.key} registered twice`);
    this.vendors.push(hooks as unknown as VendorDataset);
  }

  /** The first cross-reference problem of any vendor's part, or null. */
  check(ds: DatasetT): string | null {
    for (const v of this.vendors) {
      const part = ds[v.key];
      const problem = part ? v.check(part as never) : null;
      if (problem) return problem;
    }
    return null;
  }

  insert(db: Db, orgId: string, ds: DatasetT): void {
    for (const v of this.vendors) {
      const part = ds[v.key];
      if (part) v.insert(db, orgId, part as never);
    }
  }

  export(db: Db, orgId: string): DatasetT {
    const out: DatasetT = {};
    for (const v of this.vendors) (out as Record<string, unknown>)[v.key] = v.export(db, orgId);
    return out;
  }

  empty(ds: DatasetT): DatasetT {
    const out: DatasetT = {};
    for (const v of this.vendors) {
      const part = ds[v.key];
      if (part) (out as Record<string, unknown>)[v.key] = v.empty(part as never);
    }
    return out;
  }

  /** The organization's name from the first vendor part that carries one. */
  name(ds: DatasetT): string | undefined {
    for (const v of this.vendors) {
      const part = ds[v.key];
      const name = part && v.name ? v.name(part as never) : undefined;
      if (name !== undefined) return name;
    }
    return undefined;
  }

  jobsOrWebhooks(db: Db, orgId: string): number {
    return this.vendors.reduce((n, v) => n + (v.jobsOrWebhooks?.(db, orgId) ?? 0), 0);
  }

  pending(db: Db, orgId: string): string[] {
    return this.vendors.flatMap((v) => v.pending?.(db, orgId) ?? []);
  }

  counts(db: Db, orgId: string): Record<string, Record<string, number>> {
    return Object.fromEntries(this.vendors.map((v) => [v.key, v.counts(db, orgId)]));
  }
}
