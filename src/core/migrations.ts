// Versioned schema migrations. Each owner (the core, each vendor) keeps its own list in its own folder
// (src/close/migrations.ts, src/blueai/migrations.ts); src/migrations.ts composes them, so a new vendor
// adds a file of its own and never edits this one. `schema_migrations` records which (owner, version)
// ran; never edit a released migration, add a new one. Every vendor table carries `org_id`: the
// organization is the namespace, keys are unique per organization, so seeded ids repeat in each one.

export interface Migration {
  /** Its place in its owner's list (1, 2, …). */
  version: number;
  /**
   * The global version it was part of when one `PRAGMA user_version` numbered every migration (1–16): a
   * database written then is known to have run it; those run in that order, before any newer one.
   */
  legacy?: number;
  name: string;
  sql: string;
}

/** One owner's migrations, in order. */
export interface MigrationSet {
  owner: string;
  migrations: Migration[];
}

/** The core's tables: organizations, credentials and the control plane's own. */
export const coreMigrations: MigrationSet = {
  owner: 'core',
  migrations: [
    {
      version: 1,
      legacy: 1,
      name: 'organizations and credentials',
      sql: `
        CREATE TABLE orgs (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          is_template INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL
        );
        CREATE TABLE credentials (
          token TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          created_at TEXT NOT NULL
        );
        CREATE INDEX credentials_org ON credentials(org_id);
      `,
    },
    {
      version: 2,
      legacy: 4,
      name: 'control plane: per-organization clocks, rate limits and reset datasets; fault rules',
      sql: `
        -- An organization's own clock: frozen at clock_frozen_at (ms), else running at real time +
        -- clock_offset_ms; both NULL = it follows the process default clock.
        ALTER TABLE orgs ADD COLUMN clock_offset_ms INTEGER;
        ALTER TABLE orgs ADD COLUMN clock_frozen_at INTEGER;
        -- Per-organization rate limit (requests per window, 0 = off); NULL = the process setting.
        ALTER TABLE orgs ADD COLUMN rate_limit INTEGER;
        ALTER TABLE orgs ADD COLUMN rate_limit_window_seconds INTEGER;
        -- What a reset returns the organization to: NULL = the seed, 'empty', or a dataset as JSON.
        ALTER TABLE orgs ADD COLUMN dataset TEXT;

        -- Fault rules survive a restart; remaining = calls left (NULL = unlimited), draws = how many
        -- numbers the rule's seeded generator has given, so a restarted rule replays the same sequence.
        CREATE TABLE control_faults (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL,
          org_id TEXT REFERENCES orgs(id) ON DELETE CASCADE,
          rule TEXT NOT NULL,
          remaining INTEGER,
          hits INTEGER NOT NULL DEFAULT 0,
          draws INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL
        );
        CREATE INDEX control_faults_org ON control_faults(org_id);
      `,
    },
    {
      version: 3,
      legacy: 10,
      name: 'One database per organization: a generation per organization\'s data, and the organizations that have background jobs',
      sql: `
        -- Each organization's vendor data lives in its own database (src/core/org-dbs.ts); with DB=<path>
        -- the file is <path>-orgs/<org id>.<data_gen>.db, and a reset or restore moves data_gen on in
        -- this database, so the step that replaces the data commits here or not at all.
        ALTER TABLE orgs ADD COLUMN data_gen INTEGER NOT NULL DEFAULT 0;
        -- Organizations whose data holds background jobs: the ticker and the control API look only there.
        CREATE TABLE control_job_orgs (
          org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE
        ) WITHOUT ROWID;
      `,
    },
    {
      version: 4,
      legacy: 16,
      name: 'Background work by what is due: the organizations with pending work per lane; "job orgs" named for what they hold',
      sql: `
        -- The organizations the background workers visit (src/core/scheduler.ts): per lane (a vendor's
        -- kind of work), those with work pending and the earliest instant it is due (ms of the
        -- organization's clock; never later than the real one). A row leaves when a visit finds nothing.
        CREATE TABLE control_pending_work (
          lane TEXT NOT NULL,
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          due_ms INTEGER NOT NULL,
          PRIMARY KEY (lane, org_id)
        ) WITHOUT ROWID;
        CREATE INDEX control_pending_work_org ON control_pending_work(org_id);
        -- "Job orgs" held organizations with bulk actions or webhook subscriptions: the control API lists across them.
        ALTER TABLE control_job_orgs RENAME TO control_orgs_with_jobs_or_webhooks;
      `,
    },
  ],
};
