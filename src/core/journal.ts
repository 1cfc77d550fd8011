import type { PathGlob, Vendor } from './match.js';

// The request journal: a fixed-size ring of the last N vendor requests, newest first on read. Bodies
// are truncated when captured, so memory stays flat however large the requests are.

export interface JournalEntry {
  id: number;
  /** Real wall time the request arrived (ISO), not the emulator clock: it says when *you* called. */
  time: string;
  org: string | null;
  vendor: Vendor | null;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** null = no answer was sent (a fault dropped the connection). */
  status: number | null;
  duration_ms: number;
  /** null = never read (the request was rejected before its body was parsed, or was multipart). */
  request_body: string | null;
  request_body_truncated: boolean;
  response_body: string | null;
  response_body_truncated: boolean;
  /** For a request that hit no route: the vendor's nearest route (`GET /api/v1/crm/deals`). */
  nearest_route: string | null;
  /** The fault rule that changed the answer, if any. */
  fault: string | null;
}

export interface JournalFilter {
  vendor?: Vendor;
  method?: string;
  path?: PathGlob;
  /** An exact status (404) or a class: 4 for `4xx`. */
  status?: { exact: number } | { class: number };
  org?: string;
  /** Entries at or after this instant (ms since epoch, wall time). */
  sinceMs?: number;
  /** Entries with a larger id (a tail: ids grow with every entry and are never reused). */
  afterId?: number;
}

export class Journal {
  private readonly ring: (JournalEntry | undefined)[];
  /** Index the next entry is written to; `length` entries end just before it. */
  private head = 0;
  private length = 0;
  private nextId = 1;

  /** Called with each stored entry (the dashboard's live feed hears of vendor calls this way). */
  onAdd: ((entry: JournalEntry) => void) | null = null;

  constructor(readonly size: number, readonly bodyLimit: number) {
    this.ring = new Array(size);
  }

  get enabled(): boolean {
    return this.size > 0;
  }

  /** Stores an entry (its id assigned here), evicting the oldest when full. */
  add(entry: Omit<JournalEntry, 'id'>): void {
    if (!this.enabled) return;
    const stored = { id: this.nextId++, ...entry };
    this.ring[this.head] = stored;
    this.head = (this.head + 1) % this.size;
    this.length = Math.min(this.length + 1, this.size);
    this.onAdd?.(stored);
  }

  /** Matching entries, newest first; `total` counts all of them, `data` the first `limit`. */
  list(filter: JournalFilter, limit: number): { data: JournalEntry[]; total: number } {
    const data: JournalEntry[] = [];
    let total = 0;
    for (const e of this.newestFirst(filter.afterId)) {
      if (!matches(e, filter)) continue;
      total++;
      if (data.length < limit) data.push(e);
    }
    return { data, total };
  }

  count(filter: JournalFilter): number {
    let n = 0;
    for (const e of this.newestFirst(filter.afterId)) if (matches(e, filter)) n++;
    return n;
  }

  /** Removes the matching entries (all, with an empty filter); ids are never reused. */
  clear(filter: JournalFilter = {}): number {
    const keep = [...this.newestFirst()].filter((e) => !matches(e, filter)).reverse();
    const removed = this.length - keep.length;
    this.ring.fill(undefined);
    keep.forEach((e, i) => (this.ring[i] = e));
    this.length = keep.length;
    this.head = keep.length % Math.max(this.size, 1);
    return removed;
  }

  /** Forgets an organization's requests (its reset or deletion calls this). */
  clearOrg(orgId: string): number {
    return this.clear({ org: orgId });
  }

  /** Newest first; with `afterId`, stops at the first entry not newer (ids grow in ring order). */
  private *newestFirst(afterId = 0): Generator<JournalEntry> {
    for (let i = 1; i <= this.length; i++) {
      const e = this.ring[(this.head - i + this.size) % this.size]!;
      if (e.id <= afterId) return;
      yield e;
    }
  }
}

function matches(e: JournalEntry, f: JournalFilter): boolean {
  if (f.vendor !== undefined && e.vendor !== f.vendor) return false;
  if (f.method !== undefined && e.method !== f.method) return false;
  if (f.org !== undefined && e.org !== f.org) return false;
  if (f.path !== undefined && !f.path.test(e.path)) return false;
  if (f.sinceMs !== undefined && Date.parse(e.time) < f.sinceMs) return false;
  if (f.afterId !== undefined && e.id <= f.afterId) return false;
  if (f.status !== undefined) {
    if (e.status === null) return false;
    if ('exact' in f.status ? e.status !== f.status.exact : Math.floor(e.status / 100) !== f.status.class) return false;
  }
  return true;
}

/**
 * The first `limit` bytes of a body as text, cut at a character boundary, and whether anything was
 * cut. Reads at most `limit` characters of a string, so a large payload is never copied whole.
 */
export function truncateBody(body: string | Buffer, limit: number): { text: string; truncated: boolean } {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bytes <= limit) return { text: typeof body === 'string' ? body : body.toString('utf8'), truncated: false };
  const head = typeof body === 'string' ? Buffer.from(body.slice(0, limit)) : body;
  return { text: utf8Prefix(head.subarray(0, limit)), truncated: true };
}

/** Decodes a byte prefix, dropping a character the cut split in two. */
export function utf8Prefix(bytes: Uint8Array): string {
  // ignoreBOM keeps a leading BOM (CSV exports start with one) instead of swallowing it.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true });
}
