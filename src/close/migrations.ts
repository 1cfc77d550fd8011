import type { MigrationSet } from '../core/migrations.js';

// Close's tables (users, statuses, leads and what hangs off them, custom fields, bulk actions, events,
// webhooks): its own migrations, composed with the others in src/migrations.ts.

export const closeMigrations: MigrationSet = {
  owner: 'close',
  migrations: [
    {
      version: 1,
      legacy: 3,
      name: 'Close: users, statuses, leads and related objects, custom fields and values, bulk edits, outbox',
      sql: `
        CREATE TABLE close_users (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, first_name TEXT, last_name TEXT, email TEXT NOT NULL, date_created TEXT NOT NULL,
          position INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE close_lead_statuses (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, label TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE close_opportunity_statuses (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, label TEXT NOT NULL, type TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE close_custom_activity_types (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE close_custom_object_types (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;

        CREATE TABLE close_leads (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT, status_id TEXT NOT NULL, description TEXT, url TEXT,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_leads_created ON close_leads(org_id, date_created, id);
        CREATE INDEX close_leads_status ON close_leads(org_id, status_id);
        CREATE TABLE close_contacts (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, name TEXT, title TEXT,
          emails TEXT NOT NULL DEFAULT '[]', phones TEXT NOT NULL DEFAULT '[]',
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_contacts_lead ON close_contacts(org_id, lead_id);
        CREATE TABLE close_opportunities (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, status_id TEXT NOT NULL, value INTEGER,
          value_period TEXT NOT NULL DEFAULT 'one_time', user_id TEXT, note TEXT,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_opportunities_lead ON close_opportunities(org_id, lead_id);
        CREATE TABLE close_activities (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, custom_activity_type_id TEXT, note TEXT, user_id TEXT,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_activities_lead ON close_activities(org_id, lead_id);
        CREATE TABLE close_custom_objects (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, custom_object_type_id TEXT NOT NULL, name TEXT,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_custom_objects_lead ON close_custom_objects(org_id, lead_id);

        -- object_type: lead | contact | opportunity | activity | shared | custom_object
        CREATE TABLE close_custom_fields (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, object_type TEXT NOT NULL, custom_activity_type_id TEXT, custom_object_type_id TEXT,
          name TEXT NOT NULL, description TEXT, type TEXT NOT NULL, accepts_multiple_values INTEGER NOT NULL DEFAULT 0,
          choices TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        -- Which object kinds a shared ("global") field is associated with.
        CREATE TABLE close_shared_field_associations (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          field_id TEXT NOT NULL, object_type TEXT NOT NULL,
          custom_activity_type_id TEXT NOT NULL DEFAULT '', custom_object_type_id TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (org_id, field_id, object_type, custom_activity_type_id, custom_object_type_id)
        ) WITHOUT ROWID;
        -- One row per (object, field): value is JSON (a scalar, or an array for multi-value fields).
        CREATE TABLE close_custom_values (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          object_id TEXT NOT NULL, field_id TEXT NOT NULL, value TEXT NOT NULL,
          PRIMARY KEY (org_id, object_id, field_id)
        ) WITHOUT ROWID;
        CREATE INDEX close_custom_values_field ON close_custom_values(org_id, field_id);

        CREATE TABLE close_bulk_edits (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          type TEXT NOT NULL,
          status TEXT NOT NULL,
          paused_from TEXT,
          date_paused TEXT,
          error_reason TEXT,
          params TEXT NOT NULL,
          lead_status_id TEXT, custom_field_id TEXT, custom_field_name TEXT, custom_field_value TEXT,
          query TEXT, s_query TEXT NOT NULL, results_limit INTEGER, sort TEXT NOT NULL DEFAULT '[]',
          send_done_email INTEGER NOT NULL DEFAULT 1,
          n_leads INTEGER, n_objects INTEGER,
          n_leads_processed INTEGER NOT NULL DEFAULT 0, n_objects_processed INTEGER NOT NULL DEFAULT 0,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_bulk_edits_seq ON close_bulk_edits(org_id, seq);
        CREATE INDEX close_bulk_edits_status ON close_bulk_edits(status);
        -- The frozen matched set of a bulk edit: one row per object to edit, applied in seq order.
        CREATE TABLE close_bulk_edit_items (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          bulk_edit_id TEXT NOT NULL, seq INTEGER NOT NULL,
          lead_id TEXT NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL,
          done INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (org_id, bulk_edit_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE close_outbox (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, kind TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
          ref_id TEXT, date_created TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
      `,
    },
    {
      version: 2,
      legacy: 5,
      name: 'pending bulk edit items',
      sql: `
        -- A bulk edit's next batch and what is left of it, without scanning the items already done.
        CREATE INDEX close_bulk_edit_items_pending ON close_bulk_edit_items(org_id, bulk_edit_id, seq) WHERE done = 0;
        CREATE INDEX close_bulk_edit_items_pending_lead ON close_bulk_edit_items(org_id, bulk_edit_id, lead_id) WHERE done = 0;
      `,
    },
    {
      version: 3,
      legacy: 6,
      name: "Close opportunities: confidence, contact, date won and date lost",
      sql: `
        ALTER TABLE close_opportunities ADD COLUMN confidence INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE close_opportunities ADD COLUMN contact_id TEXT;
        -- date_won is a date, date_lost a Close timestamp; set while the status is of that type.
        ALTER TABLE close_opportunities ADD COLUMN date_won TEXT;
        ALTER TABLE close_opportunities ADD COLUMN date_lost TEXT;
        -- Opportunities already won or lost: their last update is the best guess of when.
        UPDATE close_opportunities SET date_won = substr(date_updated, 1, 10) WHERE (SELECT s.type FROM close_opportunity_statuses s
          WHERE s.org_id = close_opportunities.org_id AND s.id = close_opportunities.status_id) = 'won';
        UPDATE close_opportunities SET date_lost = date_updated WHERE (SELECT s.type FROM close_opportunity_statuses s
          WHERE s.org_id = close_opportunities.org_id AND s.id = close_opportunities.status_id) = 'lost';
      `,
    },
    {
      version: 4,
      legacy: 7,
      name: 'Close: memberships (active or not, role) on users, and when an organization was last updated',
      sql: `
        -- A user whose membership ended (inactive) keeps the objects it owns and still lists under /user/.
        ALTER TABLE close_users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE close_users ADD COLUMN role_id TEXT NOT NULL DEFAULT 'user';
        ALTER TABLE close_users ADD COLUMN date_updated TEXT;
        ALTER TABLE orgs ADD COLUMN date_updated TEXT;
        ALTER TABLE orgs ADD COLUMN updated_by TEXT;
      `,
    },
    {
      version: 5,
      legacy: 8,
      name: 'Close pipelines: opportunity statuses belong to one; existing statuses go into a default "Sales" pipeline',
      sql: `
        CREATE TABLE close_pipelines (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        ALTER TABLE close_opportunity_statuses ADD COLUMN pipeline_id TEXT;
        -- The default pipeline's id is pipe_ + the organization id's suffix: stable, and what a dataset
        -- without pipelines gets too (src/close/seed.ts).
        INSERT INTO close_pipelines (org_id, id, name, position)
          SELECT DISTINCT org_id, 'pipe_' || substr(org_id, 6), 'Sales', 0 FROM close_opportunity_statuses;
        UPDATE close_opportunity_statuses SET pipeline_id = 'pipe_' || substr(org_id, 6);
      `,
    },
    {
      version: 6,
      legacy: 9,
      name: 'Close lead tasks',
      sql: `
        -- A lead task: date is NULL (dateless), a date (YYYY-MM-DD) or a Close timestamp, as the client gave it.
        CREATE TABLE close_tasks (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, assigned_to TEXT, text TEXT NOT NULL, date TEXT,
          is_complete INTEGER NOT NULL DEFAULT 0,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_tasks_lead ON close_tasks(org_id, lead_id);
      `,
    },
    {
      version: 7,
      legacy: 10,
      name: 'Close: the organizations whose data held bulk edits, from a file of before one database per organization',
      sql: `
        -- A file from before keeps every organization's rows here until each moves to its own file.
        INSERT INTO control_job_orgs (org_id)
          SELECT DISTINCT org_id FROM close_bulk_edits WHERE org_id IN (SELECT id FROM orgs WHERE is_template = 0);
      `,
    },
    {
      version: 8,
      legacy: 11,
      name: 'Close email templates, email activities and unsubscribed addresses',
      sql: `
        CREATE TABLE close_email_templates (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL, subject TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
          is_shared INTEGER NOT NULL DEFAULT 1, is_archived INTEGER NOT NULL DEFAULT 0,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        -- One email activity; to_addrs (Close's "to"), cc and bcc are JSON lists. An outgoing email in status outbox counts as sent
        -- from send_at on (the undo-send delay), computed when read (src/close/store/emails.ts).
        CREATE TABLE close_email_activities (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, contact_id TEXT, user_id TEXT, template_id TEXT,
          subject TEXT, body_text TEXT, body_html TEXT, status TEXT NOT NULL, direction TEXT,
          sender TEXT, to_addrs TEXT NOT NULL DEFAULT '[]', cc TEXT NOT NULL DEFAULT '[]', bcc TEXT NOT NULL DEFAULT '[]',
          email_account_id TEXT, bulk_action_id TEXT, send_at TEXT, date_sent TEXT,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_email_activities_lead ON close_email_activities(org_id, lead_id);
        -- Addresses kept lowercased: Close matches them case-insensitively.
        CREATE TABLE close_unsubscribed_emails (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          email TEXT NOT NULL, date_created TEXT NOT NULL,
          PRIMARY KEY (org_id, email)
        ) WITHOUT ROWID;
      `,
    },
    {
      version: 9,
      legacy: 12,
      name: 'Close connected accounts, sequences and sequence subscriptions',
      sql: `
        -- A user's email account (read-only here): the sender of a sequence subscription's emails.
        CREATE TABLE close_connected_accounts (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, user_id TEXT NOT NULL, type TEXT NOT NULL, email TEXT NOT NULL, name TEXT,
          date_created TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        -- A sequence: schedule is JSON (or NULL), steps a JSON list.
        CREATE TABLE close_sequences (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, timezone TEXT NOT NULL, schedule TEXT, steps TEXT NOT NULL,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        -- One contact's run through one sequence; a contact has at most one per sequence. bulk_action_id
        -- names the bulk sequence subscription that created or last changed it (NULL: the API).
        CREATE TABLE close_sequence_subscriptions (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, sequence_id TEXT NOT NULL, contact_id TEXT NOT NULL, lead_id TEXT NOT NULL, contact_email TEXT NOT NULL,
          sender_account_id TEXT NOT NULL, sender_name TEXT NOT NULL, sender_email TEXT NOT NULL, status TEXT NOT NULL,
          calls_assigned_to TEXT NOT NULL DEFAULT '[]', bulk_action_id TEXT,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX close_sequence_subscriptions_contact ON close_sequence_subscriptions(org_id, contact_id, sequence_id);
        CREATE INDEX close_sequence_subscriptions_sequence ON close_sequence_subscriptions(org_id, sequence_id);
        CREATE INDEX close_sequence_subscriptions_lead ON close_sequence_subscriptions(org_id, lead_id);
      `,
    },
    {
      version: 10,
      legacy: 13,
      name: 'Close bulk actions of every kind (edit, delete, email, sequence subscription) share one table and one engine',
      sql: `
        -- close_bulk_edits holds every kind of bulk action; rows from before are bulk edits.
        ALTER TABLE close_bulk_edits ADD COLUMN kind TEXT NOT NULL DEFAULT 'edit';
        -- What a kind froze with an item besides the object (a bulk email's recipient address).
        ALTER TABLE close_bulk_edit_items ADD COLUMN detail TEXT;
      `,
    },
    {
      version: 11,
      legacy: 14,
      name: 'Close event log',
      sql: `
        -- One event of Close's event log (src/close/store/events.ts). seq is per organization and grows with
        -- every insert and consolidation: it orders events whose date_updated is equal. JSON columns: changed_fields
        -- (a list), previous_data and data (objects or NULL), meta (an object). Dates are Close's naive UTC format.
        CREATE TABLE close_events (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, seq INTEGER NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL, lead_id TEXT,
          action TEXT NOT NULL, changed_fields TEXT NOT NULL DEFAULT '[]', previous_data TEXT, data TEXT,
          meta TEXT NOT NULL DEFAULT '{}', request_id TEXT, user_id TEXT, api_key_id TEXT,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_events_date ON close_events(org_id, date_updated, seq);
        CREATE INDEX close_events_seq ON close_events(org_id, seq);
        CREATE INDEX close_events_object ON close_events(org_id, object_id, date_updated, seq);
        CREATE INDEX close_events_lead ON close_events(org_id, lead_id, date_updated, seq);
        CREATE INDEX close_events_request ON close_events(org_id, request_id, date_updated, seq);
        CREATE INDEX close_events_user ON close_events(org_id, user_id, date_updated, seq);
        CREATE INDEX close_events_type ON close_events(org_id, object_type, date_updated, seq);
      `,
    },
    {
      version: 12,
      legacy: 15,
      name: 'Close webhook subscriptions and their deliveries',
      sql: `
        -- A webhook subscription: events is a JSON list of {object_type, action, extra_filter}.
        -- failing_since: when the first of an unbroken run of failed attempts happened (ms, organization
        -- clock; NULL after a success): three days of it pauses the subscription.
        CREATE TABLE close_webhooks (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, url TEXT NOT NULL, events TEXT NOT NULL, verify_ssl INTEGER NOT NULL DEFAULT 1,
          status TEXT NOT NULL, signature_key TEXT NOT NULL, failing_since INTEGER,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        -- One event for one subscription. event is the payload's event object (JSON); times in ms of the
        -- organization's clock; status pending (retries included), succeeded or dropped.
        CREATE TABLE close_webhook_deliveries (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, seq INTEGER NOT NULL, subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, event TEXT NOT NULL,
          status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_status_code INTEGER, last_error TEXT,
          latency_ms INTEGER, next_attempt_at INTEGER NOT NULL, first_attempt_at INTEGER, last_attempt_at INTEGER,
          response_excerpt TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_webhook_deliveries_due ON close_webhook_deliveries(org_id, status, next_attempt_at);
        CREATE INDEX close_webhook_deliveries_event ON close_webhook_deliveries(org_id, event_id);
        CREATE INDEX close_webhook_deliveries_sub ON close_webhook_deliveries(org_id, subscription_id);
      `,
    },
    {
      version: 13,
      legacy: 16,
      name: 'Close: pending work of a file from before, for the scheduler; deliveries by seq',
      sql: `
        -- What a file from before knew: every organization that held jobs or subscriptions may have work;
        -- the first visit of each settles it.
        INSERT INTO control_pending_work (lane, org_id, due_ms)
          SELECT lane.name, j.org_id, 0 FROM control_orgs_with_jobs_or_webhooks j, (SELECT 'close.bulk_actions' AS name UNION ALL SELECT 'close.webhook_deliveries') lane;
        -- A delivery's seq is the next after the organization's last: read from this index, not a scan of every delivery.
        CREATE INDEX close_webhook_deliveries_seq ON close_webhook_deliveries(org_id, seq);
        -- Finished deliveries beyond the newest of each subscription are pruned, walking this index from the newest.
        CREATE INDEX close_webhook_deliveries_sub_seq ON close_webhook_deliveries(org_id, subscription_id, seq);
      `,
    },
    {
      version: 14,
      name: 'Close bulk actions named for what they hold: close_bulk_actions (every kind) and close_bulk_action_items',
      sql: `
        ALTER TABLE close_bulk_edits RENAME TO close_bulk_actions;
        ALTER TABLE close_bulk_edit_items RENAME TO close_bulk_action_items;
        ALTER TABLE close_bulk_action_items RENAME COLUMN bulk_edit_id TO bulk_action_id;
        DROP INDEX close_bulk_edits_seq;
        CREATE INDEX close_bulk_actions_seq ON close_bulk_actions(org_id, seq);
        DROP INDEX close_bulk_edits_status;
        CREATE INDEX close_bulk_actions_status ON close_bulk_actions(status);
        DROP INDEX close_bulk_edit_items_pending;
        CREATE INDEX close_bulk_action_items_pending ON close_bulk_action_items(org_id, bulk_action_id, seq) WHERE done = 0;
        DROP INDEX close_bulk_edit_items_pending_lead;
        CREATE INDEX close_bulk_action_items_pending_lead ON close_bulk_action_items(org_id, bulk_action_id, lead_id) WHERE done = 0;
      `,
    },
    {
      version: 15,
      name: 'Close comments, their threads, and lead merge activities',
      sql: `
        -- One thread per commented object (a lead or an opportunity); lead_id is the object's lead, so a lead
        -- delete, bulk delete or merge finds its threads and comments through the lead index.
        CREATE TABLE close_comment_threads (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, object_type TEXT NOT NULL, object_id TEXT NOT NULL, lead_id TEXT NOT NULL,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX close_comment_threads_object ON close_comment_threads(org_id, object_id);
        CREATE INDEX close_comment_threads_lead ON close_comment_threads(org_id, lead_id);
        CREATE INDEX close_comment_threads_created ON close_comment_threads(org_id, date_created, id);
        -- A removed comment keeps its row (body emptied, removed_by / removed_at set) until its whole thread is removed.
        CREATE TABLE close_comments (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, thread_id TEXT NOT NULL, lead_id TEXT NOT NULL, body TEXT NOT NULL,
          created_by TEXT, updated_by TEXT, removed_by TEXT, removed_at TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_comments_thread ON close_comments(org_id, thread_id, date_created, id);
        CREATE INDEX close_comments_lead ON close_comments(org_id, lead_id);
        -- A LeadMerge activity, on the destination lead (lead_id), naming both leads as they were.
        CREATE TABLE close_lead_merges (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, lead_id TEXT NOT NULL, source_lead_id TEXT NOT NULL, destination_lead_id TEXT NOT NULL,
          source_display_name TEXT, destination_display_name TEXT, user_id TEXT,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_lead_merges_lead ON close_lead_merges(org_id, lead_id);
        CREATE INDEX close_lead_merges_created ON close_lead_merges(org_id, date_created, id);
      `,
    },
    {
      version: 16,
      name: 'Close: the activities Close records (status changes, task completions, creations); email threads and replies',
      sql: `
        -- An activity Close records for you: type is its _type (LeadStatusChange, OpportunityStatusChange,
        -- TaskCompleted, Created); fields holds its own keys as JSON (old/new status ids and labels, task text, …),
        -- frozen when it was recorded (a status renamed later keeps its old label here, as in Close's feed).
        CREATE TABLE close_recorded_activities (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, type TEXT NOT NULL, lead_id TEXT NOT NULL, contact_id TEXT, user_id TEXT,
          opportunity_id TEXT, task_id TEXT, fields TEXT NOT NULL DEFAULT '{}',
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_recorded_activities_lead ON close_recorded_activities(org_id, lead_id);
        CREATE INDEX close_recorded_activities_type ON close_recorded_activities(org_id, type, date_created);
        CREATE INDEX close_recorded_activities_task ON close_recorded_activities(org_id, task_id) WHERE task_id IS NOT NULL;
        -- An email's thread: thread_id, or (NULL) the email is the first of its own thread, whose id is the email's.
        ALTER TABLE close_email_activities ADD COLUMN thread_id TEXT;
        ALTER TABLE close_email_activities ADD COLUMN in_reply_to_id TEXT;
        CREATE INDEX close_email_activities_thread ON close_email_activities(org_id, COALESCE(thread_id, id));
      `,
    },
    {
      version: 17,
      name: 'Close smart views, roles, send-as associations, dialer sessions and integration links',
      sql: `
        -- A smart view: s_query and selected_fields are JSON (or NULL); query is the legacy string (or NULL).
        CREATE TABLE close_saved_searches (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, description TEXT, is_shared INTEGER NOT NULL DEFAULT 0,
          is_user_dependent INTEGER, query TEXT, s_query TEXT, selected_fields TEXT, user_id TEXT,
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        -- A custom role (the built-in ones are not rows): permissions and visibility_user_lcf_ids are JSON lists.
        CREATE TABLE close_roles (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL, permissions TEXT NOT NULL DEFAULT '[]', visibility_user_lcf_ids TEXT NOT NULL DEFAULT '[]',
          visibility_user_lcf_behavior TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE close_send_as (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, allowing_user_id TEXT NOT NULL, allowed_user_id TEXT NOT NULL, date_created TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX close_send_as_pair ON close_send_as(org_id, allowing_user_id, allowed_user_id);
        -- A dialer session (read-only through the API: datasets write them); user_ids is a JSON list.
        CREATE TABLE close_dialer_sessions (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, source_type TEXT NOT NULL, source_value TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
          user_id TEXT, user_ids TEXT NOT NULL DEFAULT '[]', date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE TABLE close_integration_links (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, url TEXT NOT NULL,
          created_by TEXT, updated_by TEXT, date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
      `,
    },
    {
      version: 18,
      name: 'Close notes with their own fields; calls, meetings and SMS (close_typed_activities)',
      sql: `
        -- A note's contact, creator, last editor, HTML, title, pin and when it happened (NULL: when created).
        ALTER TABLE close_activities ADD COLUMN contact_id TEXT;
        ALTER TABLE close_activities ADD COLUMN created_by TEXT;
        ALTER TABLE close_activities ADD COLUMN updated_by TEXT;
        ALTER TABLE close_activities ADD COLUMN note_html TEXT;
        ALTER TABLE close_activities ADD COLUMN title TEXT;
        ALTER TABLE close_activities ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE close_activities ADD COLUMN activity_at TEXT;
        -- A call, meeting or SMS (type: Call | Meeting | SMS, Close's _type). fields: the type's own fields as a JSON
        -- object, in the order src/close/store/typed-activities.ts writes them; activity_at NULL means when created.
        CREATE TABLE close_typed_activities (
          org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
          id TEXT NOT NULL, type TEXT NOT NULL, lead_id TEXT NOT NULL, contact_id TEXT, user_id TEXT,
          created_by TEXT, updated_by TEXT, activity_at TEXT, fields TEXT NOT NULL DEFAULT '{}',
          date_created TEXT NOT NULL, date_updated TEXT NOT NULL,
          PRIMARY KEY (org_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX close_typed_activities_lead ON close_typed_activities(org_id, lead_id);
        -- GET /activity/call/ (…) newest first walks this index.
        CREATE INDEX close_typed_activities_type ON close_typed_activities(org_id, type, date_created);
      `,
    },
    {
      version: 19,
      name: 'Close lead addresses (a JSON list on the lead)',
      sql: `
        -- A lead's addresses in order, each {label, address_1, address_2, city, state, zipcode, country}
        -- (src/close/store/addresses.ts). On the lead's row, not a table: they have no id, go with the lead
        -- and are replaced whole by a PUT.
        ALTER TABLE close_leads ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]';
      `,
    },
    {
      version: 20,
      name: 'Close sequence subscriptions: why a paused one is paused (pause_reason)',
      sql: `
        -- One of Close's StatusReason values (manual, bulk-action, …) while paused; NULL otherwise.
        ALTER TABLE close_sequence_subscriptions ADD COLUMN pause_reason TEXT;
      `,
    },
    {
      version: 21,
      name: 'Close events: one composite list index instead of one per filter',
      sql: `
        -- GET /event/ walks this index newest first (date_updated, seq) and tests every filter of its
        -- documented combinations on the index entry, reading a row only for an event it answers; an
        -- object_id filter walks close_events_object (also the consolidation lookup of every write), and
        -- close_events_seq gives each new event its seq. Each event costs 3 index entries instead of 7.
        CREATE INDEX close_events_list ON close_events(org_id, date_updated, seq, object_type, action, lead_id, user_id, object_id, request_id);
        DROP INDEX close_events_date;
        DROP INDEX close_events_lead;
        DROP INDEX close_events_request;
        DROP INDEX close_events_user;
        DROP INDEX close_events_type;
      `,
    },
  ],
};
