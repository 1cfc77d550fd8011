import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import type { Clocks } from '../../core/clock.js';
import { notFound, validationError } from '../../core/errors.js';
import { own } from '../../core/own.js';
import type {
  EmailActivityT, EmailTemplateCreateT, EmailTemplateT, EmailTemplateUpdateT,
} from '../../../schemas/close/emails.js';
import { RENDER_REFUSED, TEMPLATE_GET_REFUSED } from '../../../schemas/close/emails.js';
import { closeDate } from '../dates.js';
import { pageRows, userNameSql, type ClosePage, type PageParams, type Stamper } from './common.js';
import { activityWhere, refuse, Where, type ListQuery } from './filters.js';
import type { CustomFieldReader } from './custom-fields.js';
import { checkTemplateSize, htmlToText, renderTemplate } from './email-render.js';

/**
 * Real API: an email sent from Close waits in the outbox for the user's undo-send delay, then is sent;
 * here: an outgoing email in status `outbox` is `sent` once the organization's clock reaches its
 * `send_at` (date created + 60 s), computed when read, with `date_sent` = `send_at`.
 */
export const SEND_DELAY_MS = 60_000;

interface TemplateRow {
  org_id: string; id: string; name: string; subject: string; body: string; is_shared: number; is_archived: number;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}
interface EmailRow {
  org_id: string; id: string; lead_id: string; contact_id: string | null; user_id: string | null; template_id: string | null;
  subject: string | null; body_text: string | null; body_html: string | null; status: string; direction: string | null;
  sender: string | null; to_addrs: string; cc: string; bcc: string; email_account_id: string | null; bulk_action_id: string | null;
  send_at: string | null; date_sent: string | null; date_created: string; date_updated: string;
  user_name: string | null; template_name: string | null; stored_status: string; thread_id: string | null; in_reply_to_id: string | null;
}

const BOOLEANS = new Map<string, number>([['true', 1], ['false', 0], ['1', 1], ['0', 0]]);
/** The status and date sent as of `@now` (see SEND_DELAY_MS; a scheduled email's send_at is its date_scheduled). */
const DUE = `(e.status IN ('outbox', 'scheduled') AND e.send_at IS NOT NULL AND e.send_at <= @now)`;
export const EMAIL_SELECT = `SELECT e.*, e.status AS stored_status, CASE WHEN ${DUE} THEN 'sent' ELSE e.status END AS status,
  CASE WHEN ${DUE} THEN e.send_at ELSE e.date_sent END AS date_sent,
  ${userNameSql('e.org_id', 'e.user_id')} AS user_name,
  (SELECT t.name FROM close_email_templates t WHERE t.org_id = e.org_id AND t.id = e.template_id) AS template_name
  FROM close_email_activities e`;

export interface QueuedEmail {
  leadId: string; contactId: string | null; to: string; templateId: string;
  emailAccountId: string | null; sender: string | null; bulkActionId: string | null;
}

/** Email templates (and rendering them), email activities, and the organization's unsubscribed addresses. */
export class EmailStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly clock: Clocks,
    private readonly fields: CustomFieldReader,
  ) {}

  // ---- templates

  listTemplates(orgId: string, q: PageParams & ListQuery): ClosePage<EmailTemplateT> {
    const w = new Where(q);
    for (const name of ['is_archived', 'is_shared']) {
      const v = own(q as Record<string, unknown>, name);
      if (typeof v !== 'string') continue;
      const flag = BOOLEANS.get(v.toLowerCase());
      if (flag === undefined) throw validationError(`${name}: "${v}" is not true or false.`, { [name]: 'Expected true or false.' });
      w.add(`${name} = ${w.bind(flag)}`);
    }
    const { rows, has_more } = pageRows<TemplateRow>(this.db,
      `SELECT * FROM close_email_templates WHERE org_id = @org${w.sql()} ORDER BY date_created, id`, { ...w.params, org: orgId }, q);
    return { data: rows.map(templateOf), has_more };
  }

  getTemplate(orgId: string, id: string, q: ListQuery = {}): EmailTemplateT {
    refuse(q, TEMPLATE_GET_REFUSED);
    const row = cached(this.db, `SELECT * FROM close_email_templates WHERE org_id = ? AND id = ?`).get(orgId, id) as TemplateRow | undefined;
    if (!row) throw notFound(`Email template ${id} not found.`);
    return templateOf(row);
  }

  templateExists(orgId: string, id: string): boolean {
    return exists(this.db, 'close_email_templates', orgId, id);
  }

  /** Real API: a new template is shared unless `is_shared` is false; here: the same. */
  createTemplate(orgId: string, userId: string, input: EmailTemplateCreateT): EmailTemplateT {
    checkTemplateSize(input);
    const now = this.stamp.now(orgId);
    const id = this.ids.base62('tmpl_');
    cached(this.db, `INSERT INTO close_email_templates (org_id, id, name, subject, body, is_shared, is_archived, created_by, updated_by, date_created, date_updated)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(orgId, id, input.name, input.subject ?? '', input.body ?? '',
      input.is_shared === false ? 0 : 1, input.is_archived ? 1 : 0, userId, userId, now, now);
    return this.getTemplate(orgId, id);
  }

  updateTemplate(orgId: string, userId: string, id: string, patch: EmailTemplateUpdateT): EmailTemplateT {
    checkTemplateSize(patch);
    const t = this.getTemplate(orgId, id);
    cached(this.db, `UPDATE close_email_templates SET name = ?, subject = ?, body = ?, is_shared = ?, is_archived = ?, updated_by = ?, date_updated = ?
      WHERE org_id = ? AND id = ?`).run(patch.name ?? t.name, patch.subject ?? t.subject, patch.body ?? t.body,
      (patch.is_shared ?? t.is_shared) ? 1 : 0, (patch.is_archived ?? t.is_archived) ? 1 : 0, userId, this.stamp.now(orgId), orgId, id);
    return this.getTemplate(orgId, id);
  }

  /** Real API: emails sent from a deleted template keep naming it; here: they keep its id, and `template_name` turns null. */
  deleteTemplate(orgId: string, id: string): void {
    this.getTemplate(orgId, id);
    cached(this.db, `DELETE FROM close_email_templates WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  /**
   * GET /email_template/{id}/render/. Real API: `lead_id` and `contact_id` are both required; here:
   * `lead_id` is (a 400 naming it), and without `contact_id` the contact's variables render empty.
   */
  renderQuery(orgId: string, userId: string, id: string, q: ListQuery): { subject: string; body: string } {
    refuse(q, RENDER_REFUSED);
    const str = (name: string) => { const v = own(q as Record<string, unknown>, name); return typeof v === 'string' && v !== '' ? v : undefined; };
    const leadId = str('lead_id');
    this.getTemplate(orgId, id);
    if (leadId === undefined) throw validationError('lead_id is required.', { lead_id: 'This field is required.' });
    return this.render(orgId, id, leadId, str('contact_id') ?? null, userId);
  }

  /** A template rendered for one lead (and contact, and sending user); throws notFound for an unknown template. */
  render(orgId: string, templateId: string, leadId: string, contactId: string | null, userId: string | null): { subject: string; body: string } {
    const t = this.getTemplate(orgId, templateId);
    const lookup = this.variables(orgId, leadId, contactId, userId);
    return { subject: renderTemplate(t.subject, lookup), body: renderTemplate(t.body, lookup) };
  }

  private variables(orgId: string, leadId: string, contactId: string | null, userId: string | null): (name: string) => string | undefined {
    const lead = cached(this.db, `SELECT id, name FROM close_leads WHERE org_id = ? AND id = ?`).get(orgId, leadId) as { id: string; name: string | null } | undefined;
    if (!lead) throw validationError(`Lead ${leadId} not found.`, { lead_id: 'Lead not found.' });
    const contact = contactId === null ? undefined : cached(this.db, `SELECT id, name, emails FROM close_contacts WHERE org_id = ? AND id = ? AND lead_id = ?`)
      .get(orgId, contactId, leadId) as { id: string; name: string | null; emails: string } | undefined;
    if (contactId !== null && !contact) throw validationError(`Contact ${contactId} is not a contact of lead ${leadId}.`, { contact_id: 'Contact not found on this lead.' });
    const user = userId === null ? undefined : cached(this.db, `SELECT first_name, last_name, email FROM close_users WHERE org_id = ? AND id = ?`)
      .get(orgId, userId) as { first_name: string | null; last_name: string | null; email: string } | undefined;
    const org = cached(this.db, `SELECT name FROM orgs WHERE id = ?`).pluck().get(orgId) as string | undefined;
    const contactName = contact?.name ?? '';
    const space = contactName.indexOf(' ');
    const firstEmail = contact ? (JSON.parse(contact.emails) as { email: string }[])[0]?.email : undefined;
    const values = new Map<string, string | undefined>([
      ['lead.display_name', lead.name ?? ''], ['lead.name', lead.name ?? ''], ['lead.url', `https://app.close.com/lead/${lead.id}/`],
      ['lead.id', lead.id],
      // Real API: a contact's first and last name come from its name; here: the name split at its first space.
      ['contact.name', contactName], ['contact.first_name', space < 0 ? contactName : contactName.slice(0, space)],
      ['contact.last_name', space < 0 ? '' : contactName.slice(space + 1)], ['contact.email', firstEmail ?? ''],
      ['user.first_name', user?.first_name ?? ''], ['user.last_name', user?.last_name ?? ''],
      ['user.full_name', [user?.first_name, user?.last_name].filter(Boolean).join(' ')], ['user.email', user?.email ?? ''],
      ['organization.name', org ?? ''],
    ]);
    // An object's custom values are read in one query, on the first of its variables a render meets.
    const custom = new Map<string, Map<string, string>>();
    const valuesOf = (objectId: string) => {
      let m = custom.get(objectId);
      if (!m) {
        const rows = cached(this.db, `SELECT field_id, value FROM close_custom_values WHERE org_id = ? AND object_id = ?`).all(orgId, objectId) as { field_id: string; value: string }[];
        custom.set(objectId, (m = new Map(rows.map((r) => [r.field_id, r.value]))));
      }
      return m;
    };
    return (name) => {
      if (values.has(name)) return values.get(name);
      for (const [prefix, type, objectId] of [['lead.custom.', 'lead', lead.id], ['contact.custom.', 'contact', contact?.id]] as const) {
        if (!name.startsWith(prefix) || objectId === undefined) continue;
        const field = this.fields.findByName(orgId, type, name.slice(prefix.length).trim());
        return field ? customText(valuesOf(objectId).get(field.id)) : undefined;
      }
      return undefined;
    };
  }

  // ---- email activities

  /**
   * Queues one outgoing email from a template, inside the caller's transaction: an email activity in
   * status `outbox` and a row of close_outbox (kind `email`); returns the activity's id.
   */
  queue(orgId: string, userId: string | null, m: QueuedEmail, rendered?: (chars: number) => void): string {
    const { subject, body } = this.render(orgId, m.templateId, m.leadId, m.contactId, userId);
    rendered?.(subject.length + body.length);
    const now = this.stamp.now(orgId);
    const id = this.ids.base62('acti_');
    const sendAt = closeDate(new Date(this.clock.nowMs(orgId) + SEND_DELAY_MS));
    cached(this.db, `INSERT INTO close_email_activities (org_id, id, lead_id, contact_id, user_id, template_id, subject, body_text, body_html,
      status, direction, sender, to_addrs, cc, bcc, email_account_id, bulk_action_id, send_at, date_sent, date_created, date_updated)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'outbox', 'outgoing', ?, ?, '[]', '[]', ?, ?, ?, NULL, ?, ?)`).run(
      orgId, id, m.leadId, m.contactId, userId, m.templateId, subject, htmlToText(body), body, m.sender, JSON.stringify([m.to]),
      m.emailAccountId, m.bulkActionId, sendAt, now, now);
    cached(this.db, `INSERT INTO close_outbox (org_id, id, kind, recipient, subject, body, ref_id, date_created) VALUES (?, ?, 'email', ?, ?, ?, ?, ?)`)
      .run(orgId, this.ids.base62('email_'), m.to, subject, body, id, now);
    return id;
  }

  /**
   * GET /activity/email/. Real API: `activity_at__*` compare when the email happened; here: its
   * date_created. `_type` takes only `Email` (a 400 otherwise). Newest first.
   */
  listEmails(orgId: string, q: PageParams & ListQuery): ClosePage<EmailActivityT> {
    const w = activityWhere(q, 'e', 'Email');
    const { rows, has_more } = pageRows<EmailRow>(this.db, `${EMAIL_SELECT} WHERE e.org_id = @org${w.sql()} ORDER BY e.date_created DESC, e.id DESC`,
      { ...w.params, org: orgId, now: this.nowStamp(orgId) }, q);
    return { data: rows.map((r) => emailOf(r)), has_more };
  }

  getEmail(orgId: string, id: string): EmailActivityT {
    const row = cached(this.db, `${EMAIL_SELECT} WHERE e.org_id = @org AND e.id = @id`).get({ org: orgId, id, now: this.nowStamp(orgId) }) as EmailRow | undefined;
    if (!row) throw notFound(`Email activity ${id} not found.`);
    return emailOf(row);
  }

  deleteEmail(orgId: string, id: string): void {
    this.getEmail(orgId, id);
    cached(this.db, `DELETE FROM close_email_activities WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  private nowStamp(orgId: string): string {
    return closeDate(new Date(this.clock.nowMs(orgId)));
  }

  // ---- unsubscribed addresses

  /**
   * Real API: addresses match case-insensitively, and an unsubscribed address also shows
   * `is_unsubscribed: true` on the contacts that have it; here: they are kept lowercased, and only this
   * list counts (a contact's stored flag is neither read nor written).
   */
  isUnsubscribed(orgId: string, email: string): boolean {
    return cached(this.db, `SELECT 1 FROM close_unsubscribed_emails WHERE org_id = ? AND email = ?`).pluck().get(orgId, email.trim().toLowerCase()) !== undefined;
  }

  listUnsubscribed(orgId: string, q: PageParams): ClosePage<{ email: string; organization_id: string; date_created: string }> {
    const { rows, has_more } = pageRows<{ email: string; date_created: string }>(this.db,
      `SELECT email, date_created FROM close_unsubscribed_emails WHERE org_id = @org ORDER BY email`, { org: orgId }, q);
    return { data: rows.map((r) => ({ email: r.email, organization_id: orgId, date_created: r.date_created })), has_more };
  }

  /** Real API: unsubscribing an address twice is not documented; here: the second keeps the first's date. */
  unsubscribe(orgId: string, email: string): { email: string; organization_id: string; date_created: string } {
    const address = email.trim().toLowerCase();
    // A linear check (no regular expression on the input): one @ with text on both sides.
    const at = address.indexOf('@');
    if (at <= 0 || at === address.length - 1 || address.indexOf('@', at + 1) >= 0 || address.includes(' ')) {
      throw validationError(`email: "${email}" is not an email address.`, { email: 'Enter a valid email address.' });
    }
    cached(this.db, `INSERT INTO close_unsubscribed_emails (org_id, email, date_created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
      .run(orgId, address, this.stamp.now(orgId));
    const date = cached(this.db, `SELECT date_created FROM close_unsubscribed_emails WHERE org_id = ? AND email = ?`).pluck().get(orgId, address) as string;
    return { email: address, organization_id: orgId, date_created: date };
  }

  /** One unsubscribed address as the list answers it, or undefined. */
  unsubscribedOne(orgId: string, email: string): { email: string; organization_id: string; date_created: string } | undefined {
    const address = email.trim().toLowerCase();
    const date = cached(this.db, `SELECT date_created FROM close_unsubscribed_emails WHERE org_id = ? AND email = ?`).pluck().get(orgId, address) as string | undefined;
    return date === undefined ? undefined : { email: address, organization_id: orgId, date_created: date };
  }

  resubscribe(orgId: string, email: string): void {
    const n = cached(this.db, `DELETE FROM close_unsubscribed_emails WHERE org_id = ? AND email = ?`).run(orgId, email.trim().toLowerCase()).changes;
    if (n === 0) throw notFound(`Email address ${email} is not unsubscribed.`);
  }
}

/** A stored custom value as text (a list's values joined with ", "). */
function customText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = JSON.parse(raw) as unknown;
  return Array.isArray(v) ? v.map(String).join(', ') : v === null ? '' : String(v);
}

const templateOf = (r: TemplateRow): EmailTemplateT => ({
  id: r.id, organization_id: r.org_id, name: r.name, subject: r.subject, body: r.body, is_shared: r.is_shared === 1,
  is_archived: r.is_archived === 1, attachments: [], created_by: r.created_by, updated_by: r.updated_by,
  date_created: r.date_created, date_updated: r.date_updated,
});

const list = (json: string) => JSON.parse(json) as string[];

function emailOf(r: EmailRow): EmailActivityT {
  return {
    id: r.id, _type: 'Email', organization_id: r.org_id, lead_id: r.lead_id, contact_id: r.contact_id, user_id: r.user_id, user_name: r.user_name,
    // Real API: set when an AI agent wrote the email; here: AI agents are not emulated, so always null.
    agent_config_id: null, agent_action_reason: null,
    created_by: r.user_id, created_by_name: r.user_name, updated_by: r.user_id, updated_by_name: r.user_name,
    activity_at: r.date_created, date_created: r.date_created, date_updated: r.date_updated,
    date_scheduled: r.stored_status === 'scheduled' ? r.send_at : null, date_sent: r.date_sent,
    direction: r.direction, status: r.status, subject: r.subject, body_text: r.body_text, body_html: r.body_html,
    body_preview: r.body_text === null ? null : r.body_text.slice(0, 200), sender: r.sender,
    to: list(r.to_addrs), cc: list(r.cc), bcc: list(r.bcc), template_id: r.template_id, template_name: r.template_name,
    bulk_email_action_id: r.bulk_action_id, email_account_id: r.email_account_id, attachments: [], envelope: null,
    followup_sequence_add_cc_bcc: false, followup_sequence_delay: null, followup_sequence_id: null, has_reply: false, in_reply_to_id: r.in_reply_to_id,
    message_ids: [], need_smtp_credentials: false, opens: [], opens_summary: null, references: [], send_as_id: null, send_attempts: [],
    // An email without a thread_id is the first of its own thread, which has its id.
    sequence_id: null, sequence_name: null, sequence_subscription_id: null, thread_id: r.thread_id ?? r.id, users: r.user_id ? [r.user_id] : [],
  };
}
