import { randomInt } from 'node:crypto';
import { cached, type Db } from './db.js';
import { badField } from './errors.js';
import type { Ids } from './ids.js';
import { globMatcher, normalizeMethod, type PathGlob, type Vendor } from './match.js';
import type { FaultRuleInputT, FaultRuleT } from '../../schemas/control/faults.js';

// Fault injection rules: which vendor calls fail, slow down or lose their connection. Rules live in
// `control_faults` so they survive a restart; each has its own seeded generator, and the number of
// values it has drawn is stored, so after a restart the same seed continues the same sequence.

/** The rule as stored (JSON in `rule`); the organization is an id by now. */
type StoredRule = Omit<FaultRuleInputT, 'org'> & { org_id?: string; probability: number; seed: number };

/** What a firing rule does to one call. */
export interface FaultHit {
  id: string;
  status: number | null;
  latencyMs: number;
  drop: boolean;
  /** Webhook rules: the delivery is sent twice. */
  duplicate: boolean;
  /** Webhook rules: the delivery waits until the others sent with it are over (it arrives after later ones). */
  reorder: boolean;
}

export interface CallInfo {
  vendor: Vendor | null;
  method: string;
  path: string;
  orgId: string | null;
  /** What is being faulted: a call to the emulator (default) or a webhook delivery it sends. */
  target?: 'request' | 'webhook';
}

interface LiveRule {
  id: string;
  seq: number;
  rule: StoredRule;
  path: PathGlob | null;
  remaining: number | null;
  hits: number;
  draws: number;
  createdAt: string;
  random: Mulberry32;
}

/** mulberry32: a tiny, well-mixed 32-bit generator; enough to replay a hit/miss sequence exactly. */
class Mulberry32 {
  private state: number;

  constructor(seed: number, skip = 0) {
    this.state = seed >>> 0;
    for (let i = 0; i < skip; i++) this.next();
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}

interface Row {
  id: string;
  seq: number;
  rule: string;
  remaining: number | null;
  hits: number;
  draws: number;
  created_at: string;
}

export class FaultRules {
  private rules: LiveRule[];

  /** `now` gives created_at: real wall time, like the journal, so the two can be compared. */
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly now: () => string = () => new Date().toISOString()) {
    const rows = db.prepare(`SELECT id, seq, rule, remaining, hits, draws, created_at FROM control_faults ORDER BY seq`).all() as Row[];
    this.rules = rows.map((r) => live(r));
  }

  get empty(): boolean {
    return this.rules.length === 0;
  }

  list(): FaultRuleT[] {
    return this.rules.map(view);
  }

  /**
   * Validates and stores a rule (org already resolved to an id). Throws a 400 naming the field and
   * stores nothing when the rule cannot work.
   */
  create(input: Omit<FaultRuleInputT, 'org'> & { orgId?: string }): FaultRuleT {
    const { orgId, ...rest } = input;
    const webhook = rest.target === 'webhook';
    if (rest.duplicate !== undefined && !webhook) throw badField('duplicate', 'only webhook rules (target "webhook") duplicate');
    if (rest.reorder !== undefined && !webhook) throw badField('reorder', 'only webhook rules (target "webhook") reorder');
    if (webhook && rest.vendor !== undefined && rest.vendor !== 'close') throw badField('vendor', 'webhook deliveries are Close\'s; leave vendor out or send "close"');
    if (rest.status === undefined && rest.latency_ms === undefined && !rest.drop && !(webhook && (rest.duplicate || rest.reorder))) {
      throw badField('status', `a rule needs at least one effect: status, latency_ms${webhook ? ', drop, duplicate or reorder' : ' or drop'}`);
    }
    if (rest.drop && rest.status !== undefined) throw badField('drop', 'a dropped connection has no status; send drop or status, not both');
    if (Array.isArray(rest.latency_ms) && rest.latency_ms[0] > rest.latency_ms[1]) throw badField('latency_ms', '[min, max] needs min ≤ max');
    const method = rest.method === undefined ? undefined : normalizeMethod(rest.method);
    if (method === null) throw badField('method', 'must be an HTTP method such as GET or POST');
    if (rest.path !== undefined) compile(rest.path);
    const rule: StoredRule = {
      ...rest,
      ...(method ? { method } : {}),
      ...(orgId ? { org_id: orgId } : {}),
      probability: rest.probability ?? 1,
      seed: rest.seed ?? randomInt(0, 2 ** 32),
    };
    const row: Row = {
      id: this.ids.hex('fault_'),
      seq: ((this.db.prepare(`SELECT max(seq) FROM control_faults`).pluck().get() as number | null) ?? 0) + 1,
      rule: JSON.stringify(rule),
      remaining: rule.times ?? null,
      hits: 0,
      draws: 0,
      created_at: this.now(),
    };
    this.db
      .prepare(`INSERT INTO control_faults (id, seq, org_id, rule, remaining, hits, draws, created_at) VALUES (@id, @seq, @org_id, @rule, @remaining, @hits, @draws, @created_at)`)
      .run({ ...row, org_id: orgId ?? null });
    const created = live(row);
    this.rules.push(created);
    return view(created);
  }

  /** Deletes one rule; false if there is none with that id. */
  delete(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.db.prepare(`DELETE FROM control_faults WHERE id = ?`).run(id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
    this.db.prepare(`DELETE FROM control_faults`).run();
  }

  /**
   * An organization's reset or deletion (null: the global reset, every rule): deleteStored inside its
   * transaction, forget once it committed.
   */
  deleteStored(orgId: string | null): void {
    if (orgId === null) cached(this.db, `DELETE FROM control_faults`).run();
    else cached(this.db, `DELETE FROM control_faults WHERE org_id = ?`).run(orgId);
  }

  forget(orgId: string | null): void {
    this.rules = orgId === null ? [] : this.rules.filter((r) => r.rule.org_id !== orgId);
  }

  /**
   * The first rule, in creation order, that matches the call and whose probability draw fires; its
   * counters (and those of rules that drew and missed) are written back at once.
   */
  pick(call: CallInfo): FaultHit | null {
    for (const r of this.rules) {
      if (!matches(r, call)) continue;
      const drawsBefore = r.draws;
      const fires = r.rule.probability >= 1 || (r.rule.probability > 0 && this.draw(r) < r.rule.probability);
      if (!fires) {
        if (r.draws !== drawsBefore) this.save(r);
        continue;
      }
      const latency = r.rule.latency_ms;
      const latencyMs = Array.isArray(latency) ? Math.round(latency[0] + this.draw(r) * (latency[1] - latency[0])) : (latency ?? 0);
      r.hits++;
      if (r.remaining !== null) r.remaining--;
      this.save(r);
      return { id: r.id, status: r.rule.status ?? null, latencyMs, drop: r.rule.drop ?? false, duplicate: r.rule.duplicate ?? false,
        reorder: r.rule.reorder ?? false };
    }
    return null;
  }

  private draw(r: LiveRule): number {
    r.draws++;
    return r.random.next();
  }

  private save(r: LiveRule): void {
    cached(this.db, `UPDATE control_faults SET hits = ?, remaining = ?, draws = ? WHERE id = ?`).run(r.hits, r.remaining, r.draws, r.id);
  }
}

function compile(glob: string): PathGlob {
  try {
    return globMatcher(glob);
  } catch (err) {
    throw badField('path', (err as Error).message);
  }
}

function live(row: Row): LiveRule {
  const rule = JSON.parse(row.rule) as StoredRule;
  return {
    id: row.id,
    seq: row.seq,
    rule,
    path: rule.path === undefined ? null : globMatcher(rule.path),
    remaining: row.remaining,
    hits: row.hits,
    draws: row.draws,
    createdAt: row.created_at,
    random: new Mulberry32(rule.seed, row.draws),
  };
}

function matches(r: LiveRule, call: CallInfo): boolean {
  const { rule } = r;
  if (r.remaining !== null && r.remaining <= 0) return false;
  if ((rule.target ?? 'request') !== (call.target ?? 'request')) return false;
  if (rule.vendor !== undefined && rule.vendor !== call.vendor) return false;
  if (rule.method !== undefined && rule.method !== call.method) return false;
  if (rule.org_id !== undefined && rule.org_id !== call.orgId) return false;
  return r.path === null || r.path.test(call.path);
}

function view(r: LiveRule): FaultRuleT {
  const { rule } = r;
  return {
    id: r.id,
    vendor: rule.vendor ?? null,
    method: rule.method ?? null,
    path: rule.path ?? null,
    org: rule.org_id ?? null,
    status: rule.status ?? null,
    latency_ms: rule.latency_ms ?? null,
    drop: rule.drop ?? false,
    probability: rule.probability,
    times: rule.times ?? null,
    seed: rule.seed,
    remaining: r.remaining,
    hits: r.hits,
    draws: r.draws,
    created_at: r.createdAt,
    ...(rule.target === 'webhook' ? { target: 'webhook' as const, duplicate: rule.duplicate ?? false, reorder: rule.reorder ?? false } : {}),
  };
}
