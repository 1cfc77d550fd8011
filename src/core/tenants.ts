import { base62Id } from './ids.js';
import { cached, columns, tenantTables, type Db } from './db.js';
import type { Clock } from './clock.js';
import { ApiError, unauthorized } from './errors.js';
import type { SeedFileT } from '../../schemas/seed.js';
import { insertBlueAISeed } from '../blueai/seed.js';
import { insertCloseSeed } from '../close/seed.js';

export type AuthMode = 'open' | 'strict';

export interface Org {
  id: string;
  name: string;
  created_at: string;
}

/**
 * Credential → organization namespace. An organization is created on a credential's first use and
 * gets a copy of the seeded template organization (one INSERT … SELECT per table, so it costs
 * milliseconds). In strict mode only the seed's credentials are accepted.
 */
export class Tenants {
  private readonly templateId = 'orga_template';
  private readonly copyStatements: { run: (p: { org: string; tpl: string }) => unknown }[];
  private readonly byToken;
  private readonly countOrgs;
  private readonly insertOrg;
  private readonly insertCredential;
  private readonly seedTokens: Set<string>;
  private readonly orgName: string;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    seed: SeedFileT,
    private readonly opts: { auth: AuthMode; maxOrgs: number },
  ) {
    this.seedTokens = new Set(seed.credentials.map((c) => c.token));
    this.orgName = seed.close?.organization.name ?? 'Emulated organization';
    this.loadTemplate(seed);
    this.copyStatements = tenantTables(db)
      .filter((t) => t !== 'orgs')
      .map((table) => {
        const cols = columns(db, table).filter((c) => c !== 'org_id');
        const list = cols.join(', ');
        return db.prepare(`INSERT INTO ${table} (org_id, ${list}) SELECT @org, ${list} FROM ${table} WHERE org_id = @tpl`);
      });
    this.byToken = db.prepare(
      `SELECT o.id, o.name, o.created_at FROM credentials c JOIN orgs o ON o.id = c.org_id WHERE c.token = ?`,
    );
    this.countOrgs = db.prepare(`SELECT count(*) FROM orgs WHERE is_template = 0`).pluck();
    this.insertOrg = db.prepare(`INSERT INTO orgs (id, name, is_template, created_at) VALUES (?, ?, 0, ?)`);
    this.insertCredential = db.prepare(`INSERT INTO credentials (token, org_id, created_at) VALUES (?, ?, ?)`);
  }

  /** The organization a credential belongs to, creating it in open mode. Missing → 401. */
  resolve(token: string | undefined): Org {
    if (!token) throw unauthorized();
    const existing = this.byToken.get(token) as Org | undefined;
    if (existing) return existing;
    if (this.opts.auth === 'strict' && !this.seedTokens.has(token)) throw unauthorized('Invalid credentials');
    return this.createForToken(token);
  }

  private createForToken(token: string): Org {
    return this.db.transaction(() => {
      const count = this.countOrgs.get() as number;
      if (count >= this.opts.maxOrgs) {
        // Real API: organizations are created by signing up; here every new credential creates one,
        // so a bound keeps a runaway test suite from filling memory.
        throw new ApiError(
          403,
          'FORBIDDEN',
          `Organization limit reached (MAX_ORGS=${this.opts.maxOrgs}); reuse a credential or reset the emulator`,
        );
      }
      const org: Org = { id: base62Id('orga_'), name: this.orgName, created_at: this.clock.iso() };
      this.insertOrg.run(org.id, org.name, org.created_at);
      this.insertCredential.run(token, org.id, org.created_at);
      this.copyTemplate(org.id);
      return org;
    })();
  }

  /** An organization by `orga_` id or by one of its credentials; undefined if none. */
  find(ref: string): Org | undefined {
    return (cached(this.db, `SELECT id, name, created_at FROM orgs WHERE id = ? AND is_template = 0`).get(ref) as Org | undefined)
      ?? (this.byToken.get(ref) as Org | undefined);
  }

  orgCount(): number {
    return this.countOrgs.get() as number;
  }

  private copyTemplate(orgId: string): void {
    for (const stmt of this.copyStatements) stmt.run({ org: orgId, tpl: this.templateId });
  }

  /** The template organization is rebuilt from the seed file at every start. */
  private loadTemplate(seed: SeedFileT): void {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM orgs WHERE id = ?`).run(this.templateId);
      this.db
        .prepare(`INSERT INTO orgs (id, name, is_template, created_at) VALUES (?, 'seed template', 1, ?)`)
        .run(this.templateId, this.clock.iso());
      insertBlueAISeed(this.db, this.templateId, seed.blueai);
      if (seed.close) insertCloseSeed(this.db, this.templateId, seed.close);
    })();
  }
}
