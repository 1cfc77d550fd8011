import type { MigrationSet } from '../core/migrations.js';

// BlueAI's CRM tables: its own migrations, composed with the others in src/migrations.ts.

export const blueaiMigrations: MigrationSet = {
  owner: 'blueai',
  migrations: [
    {
      version: 1,
      legacy: 1,
      name: 'BlueAI CRM tables',
      sql: `
        CREATE TABLE blueai_members (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          name TEXT NOT NULL,
          email TEXT NOT NULL,
          role TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;

        CREATE TABLE blueai_pipelines (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          name TEXT NOT NULL,
          is_default INTEGER NOT NULL DEFAULT 0,
          sort_order INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;

        CREATE TABLE blueai_stages (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          pipeline_id TEXT NOT NULL,
          slug TEXT NOT NULL,
          name TEXT NOT NULL,
          position INTEGER NOT NULL,
          PRIMARY KEY (org_id, pipeline_id, slug)
        ) WITHOUT ROWID;

        CREATE TABLE blueai_companies (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          name TEXT NOT NULL,
          name_kana TEXT,
          department TEXT,
          industry TEXT,
          employee_count INTEGER,
          website TEXT,
          postal_code TEXT,
          address TEXT,
          phone TEXT,
          email TEXT,
          note TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;

        CREATE TABLE blueai_contacts (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          first_name TEXT,
          last_name TEXT NOT NULL,
          email TEXT,
          phone TEXT,
          position TEXT,
          company_id TEXT,
          note TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX blueai_contacts_company ON blueai_contacts(org_id, company_id);

        CREATE TABLE blueai_deals (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          name TEXT NOT NULL,
          amount INTEGER,
          stage TEXT NOT NULL,
          pipeline_id TEXT NOT NULL,
          company_id TEXT,
          contact_id TEXT,
          assigned_member_id TEXT,
          expected_close_date TEXT,
          probability INTEGER,
          lost_reason TEXT,
          won_date TEXT,
          currency TEXT NOT NULL DEFAULT 'JPY',
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX blueai_deals_company ON blueai_deals(org_id, company_id);
        CREATE INDEX blueai_deals_contact ON blueai_deals(org_id, contact_id);
        CREATE INDEX blueai_deals_pipeline ON blueai_deals(org_id, pipeline_id);

        CREATE TABLE blueai_activities (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          deal_id TEXT NOT NULL,
          type TEXT NOT NULL,
          subject TEXT NOT NULL,
          body TEXT,
          member_id TEXT,
          created_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX blueai_activities_deal ON blueai_activities(org_id, deal_id, created_at);
      `,
    },
    {
      version: 2,
      legacy: 2,
      name: 'indexes for list sorting and keyset-paged CSV exports',
      sql: `
        CREATE INDEX blueai_deals_created ON blueai_deals(org_id, created_at, id);
        CREATE INDEX blueai_deals_updated ON blueai_deals(org_id, updated_at, id);
        CREATE INDEX blueai_deals_name ON blueai_deals(org_id, name, id);
        CREATE INDEX blueai_deals_amount ON blueai_deals(org_id, amount, id);
        CREATE INDEX blueai_contacts_created ON blueai_contacts(org_id, created_at, id);
        CREATE INDEX blueai_companies_created ON blueai_companies(org_id, created_at, id);
        CREATE INDEX blueai_companies_name ON blueai_companies(org_id, name, id);
      `,
    },
    {
      version: 3,
      name: 'activities as BlueAI documents them (a deal or a contact, content, created_by); tags and tag assignments',
      sql: `
        -- An activity belongs to a deal or a contact; the recorded stage changes become notes.
        CREATE TABLE blueai_activities_v3 (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          type TEXT NOT NULL,
          content TEXT NOT NULL,
          deal_id TEXT,
          contact_id TEXT,
          created_by TEXT,
          created_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        INSERT INTO blueai_activities_v3 (org_id, id, type, content, deal_id, contact_id, created_by, created_at)
          SELECT org_id, id, CASE WHEN type IN ('note', 'call', 'email', 'meeting') THEN type ELSE 'note' END,
            subject || CASE WHEN body IS NULL THEN '' ELSE char(10) || body END, deal_id, NULL, member_id, created_at
          FROM blueai_activities;
        DROP TABLE blueai_activities;
        ALTER TABLE blueai_activities_v3 RENAME TO blueai_activities;
        CREATE INDEX blueai_activities_deal ON blueai_activities(org_id, deal_id, created_at);
        CREATE INDEX blueai_activities_contact ON blueai_activities(org_id, contact_id, created_at);
        CREATE INDEX blueai_activities_created ON blueai_activities(org_id, created_at, id);

        -- name_key: the name case-folded, unique per organization.
        CREATE TABLE blueai_tags (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          name TEXT NOT NULL,
          name_key TEXT NOT NULL,
          color TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX blueai_tags_name ON blueai_tags(org_id, name_key);

        CREATE TABLE blueai_tag_assignments (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          tag_id TEXT NOT NULL,
          resource_type TEXT NOT NULL,
          resource_id TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX blueai_tag_assignments_one ON blueai_tag_assignments(org_id, tag_id, resource_type, resource_id);
        CREATE INDEX blueai_tag_assignments_resource ON blueai_tag_assignments(org_id, resource_type, resource_id);
      `,
    },
    {
      version: 4,
      name: 'custom field definitions; custom field values on deals, companies and contacts',
      // Values live on their record (a JSON object keyed by definition id), so every read of a record
      // carries them without a join; a definition's delete removes its key from every record.
      sql: `
        CREATE TABLE blueai_custom_field_definitions (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          resource_type TEXT NOT NULL,
          name TEXT NOT NULL,
          field_type TEXT NOT NULL,
          options_json TEXT,
          is_required INTEGER NOT NULL DEFAULT 0,
          sort_order INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX blueai_cfd_type ON blueai_custom_field_definitions(org_id, resource_type, sort_order, id);
        ALTER TABLE blueai_deals ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE blueai_companies ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE blueai_contacts ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
      `,
    },
    {
      version: 5,
      name: 'sign-in: member password hashes, sessions, the e-mail directory of control-made members',
      sql: `
        ALTER TABLE blueai_members ADD COLUMN password_hash TEXT;
        -- The organization's sessions (its own database): the token only as its SHA-256.
        CREATE TABLE blueai_sessions (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          token_hash TEXT NOT NULL,
          member_id TEXT NOT NULL,
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX blueai_sessions_token ON blueai_sessions(org_id, token_hash);
        -- Process-wide (the main database only; the control_ prefix keeps it out of the tenant tables): which organization a sign-in e-mail belongs to.
        CREATE TABLE control_blueai_sign_in (
          email TEXT NOT NULL PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          member_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX control_blueai_sign_in_org ON control_blueai_sign_in(org_id);
      `,
    },
  ],
};
