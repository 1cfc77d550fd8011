import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import type { Clocks } from '../../core/clock.js';
import { notFound, validationError } from '../../core/errors.js';
import type { EmailActivityT } from '../../../schemas/close/emails.js';
import type { EmailCreateT, EmailThreadT, EmailUpdateT } from '../../../schemas/close/email-threads.js';
import { closeDate, givenDate } from '../dates.js';
import { pageRows, userNameSql, type ClosePage, type PageParams, type Stamper } from './common.js';
import { activityWhere, type ListQuery } from './filters.js';
import { htmlToText } from './email-render.js';
import type { EmailStore } from './emails.js';

/** Called in the write's transaction when a thread is created (before null), changes, or goes (after null). */
export type ThreadListener = (orgId: string, before: EmailThreadT | null, after: EmailThreadT | null) => void;

/** Real API: `sender` is required for these statuses (Close's create docs); here: the same. */
const NEEDS_SENDER = new Set(['inbox', 'scheduled', 'outbox', 'error']);
/** A thread's id: its thread_id, or the id of the email that started it. */
const THREAD = 'COALESCE(e.thread_id, e.id)';

/**
 * Creating and updating emails (POST / PUT /activity/email/), and email threads: the emails of one
 * conversation. Real API: threads have their own ids and group emails "generally by subject"; here: an
 * email starts a thread unless it answers another (`in_reply_to_id`), whose thread it joins, and a
 * thread's id is the id of the email that started it (it stays when that email is deleted).
 */
export class EmailThreadStore {
  listener: ThreadListener = () => {};

  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly clock: Clocks,
    private readonly emails: EmailStore,
  ) {}

  // ---- emails

  /**
   * POST /activity/email/. Real API: a template is rendered when no body is sent; `outbox` sends (after
   * `send_in` seconds), `scheduled` at `date_scheduled`, `sent` / `inbox` log an email; here: the same,
   * the sending computed when read (src/close/store/emails.ts), no message leaving the emulator.
   */
  createEmail(orgId: string, userId: string, input: EmailCreateT): EmailActivityT {
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    const user = input.user_id === undefined ? userId : input.user_id;
    this.checkRefs(orgId, input.lead_id, { ...input, user_id: user });
    const parent = input.in_reply_to_id ? this.replyTo(orgId, input.lead_id, input.in_reply_to_id) : null;
    const now = this.stamp.now(orgId);
    const created = input.date_created ? givenDate(input.date_created, 'date_created') : input.activity_at ? givenDate(input.activity_at, 'activity_at') : now;
    const content = this.content(orgId, input.lead_id, input.contact_id ?? null, user, input);
    const sender = input.sender ?? (input.status === 'sent' && user ? this.userEmail(orgId, user) : null);
    const timing = this.timing(orgId, input.status, sender, input);
    const row = {
      org_id: orgId, id: this.ids.base62('acti_'), lead_id: input.lead_id, contact_id: input.contact_id ?? null, user_id: user,
      template_id: input.template_id ?? null, ...content, status: input.status, direction: input.status === 'inbox' ? 'incoming' : 'outgoing',
      sender, to_addrs: JSON.stringify(input.to ?? []), cc: JSON.stringify(input.cc ?? []), bcc: JSON.stringify(input.bcc ?? []),
      send_at: timing.send_at, date_sent: input.status === 'sent' ? created : null, date_created: created, date_updated: now,
      thread_id: parent ? parent.thread : null, in_reply_to_id: parent ? input.in_reply_to_id! : null,
    };
    const threadId = row.thread_id ?? row.id;
    this.touch(orgId, threadId, () => cached(this.db, `INSERT INTO close_email_activities (org_id, id, lead_id, contact_id, user_id, template_id,
      subject, body_text, body_html, status, direction, sender, to_addrs, cc, bcc, email_account_id, bulk_action_id, send_at, date_sent,
      date_created, date_updated, thread_id, in_reply_to_id) VALUES (@org_id, @id, @lead_id, @contact_id, @user_id, @template_id, @subject,
      @body_text, @body_html, @status, @direction, @sender, @to_addrs, @cc, @bcc, NULL, NULL, @send_at, @date_sent, @date_created,
      @date_updated, @thread_id, @in_reply_to_id)`).run(row));
    return this.emails.getEmail(orgId, row.id);
  }

  /**
   * PUT /activity/email/{id}/. Real API: only drafts can be modified (and sent: `scheduled` / `outbox`);
   * a scheduled email, or one in the outbox not yet sent, goes back to `draft` to cancel it; here: the
   * same, anything else a 400 naming `status`.
   */
  updateEmail(orgId: string, userId: string, id: string, patch: EmailUpdateT): EmailActivityT {
    const current = this.emails.getEmail(orgId, id);
    const status = patch.status ?? current.status;
    const cancel = status === 'draft' && (current.status === 'scheduled' || current.status === 'outbox');
    if (current.status !== 'draft' && !cancel) {
      throw validationError(`Email ${id} is ${current.status}: only drafts can be modified.`, { status: 'Only drafts can be modified (or a scheduled or unsent email set back to draft).' });
    }
    if (current.status === 'draft' && !['draft', 'scheduled', 'outbox'].includes(status)) {
      throw validationError(`status: a draft becomes scheduled or outbox, not ${status}.`, { status: 'A draft can only be scheduled or sent (outbox).' });
    }
    const merged = { ...current, ...definedOf(patch) };
    const user = merged.user_id ?? userId;
    // What the patch names is checked (a draft's own template may have been deleted since).
    this.checkRefs(orgId, current.lead_id!, patch);
    const parent = patch.in_reply_to_id ? this.replyTo(orgId, current.lead_id!, patch.in_reply_to_id) : undefined;
    if (parent && parent.thread !== current.thread_id && this.countIn(orgId, current.thread_id!) > 1) {
      throw validationError('in_reply_to_id: this email already has replies in its own thread.', { in_reply_to_id: 'Cannot move an email with replies to another thread.' });
    }
    const content = patch.template_id !== undefined || patch.body_text !== undefined || patch.body_html !== undefined || patch.subject !== undefined
      ? this.content(orgId, current.lead_id!, merged.contact_id, user, merged) : { subject: current.subject, body_text: current.body_text, body_html: current.body_html };
    const timing = this.timing(orgId, status, merged.sender, { date_scheduled: patch.date_scheduled ?? current.date_scheduled, send_in: patch.send_in });
    const next = {
      org_id: orgId, id, contact_id: merged.contact_id, user_id: merged.user_id, template_id: merged.template_id, ...content, status,
      sender: merged.sender, to_addrs: JSON.stringify(merged.to ?? []), cc: JSON.stringify(merged.cc ?? []), bcc: JSON.stringify(merged.bcc ?? []),
      send_at: timing.send_at, date_updated: this.stamp.now(orgId),
      thread_id: parent ? parent.thread : current.thread_id === id ? null : current.thread_id, in_reply_to_id: merged.in_reply_to_id,
    };
    const threads = new Set([current.thread_id!, next.thread_id ?? id]);
    const write = () => cached(this.db, `UPDATE close_email_activities SET contact_id = @contact_id, user_id = @user_id, template_id = @template_id,
      subject = @subject, body_text = @body_text, body_html = @body_html, status = @status, sender = @sender, to_addrs = @to_addrs, cc = @cc,
      bcc = @bcc, send_at = @send_at, date_updated = @date_updated, thread_id = @thread_id, in_reply_to_id = @in_reply_to_id
      WHERE org_id = @org_id AND id = @id`).run(next);
    this.db.transaction(() => this.touchAll(orgId, [...threads], write))();
    return this.emails.getEmail(orgId, id);
  }

  /** DELETE of one email: its thread changes (or goes, with its last email). */
  deleteEmail(orgId: string, id: string): void {
    const email = this.emails.getEmail(orgId, id);
    this.touch(orgId, email.thread_id!, () => this.emails.deleteEmail(orgId, id));
  }

  // ---- threads

  /** GET /activity/emailthread/: newest first; a thread's lead, contact and user are its first email's. */
  listThreads(orgId: string, q: PageParams & ListQuery): ClosePage<EmailThreadT> {
    const w = activityWhere(q, 't', 'EmailThread');
    // SQLite: the bare columns of a MIN() aggregate are the first email's.
    const { rows, has_more } = pageRows<{ id: string }>(this.db, `SELECT t.id FROM (SELECT e.org_id, ${THREAD} AS id, MIN(e.date_created) AS date_created,
      e.lead_id, e.contact_id, e.user_id FROM close_email_activities e WHERE e.org_id = @org GROUP BY ${THREAD}) t WHERE 1${w.sql()}
      ORDER BY t.date_created DESC, t.id DESC`, { ...w.params, org: orgId }, q);
    return { data: rows.map((r) => this.find(orgId, r.id)!), has_more };
  }

  find(orgId: string, id: string): EmailThreadT | undefined {
    const ids = cached(this.db, `SELECT e.id FROM close_email_activities e INDEXED BY close_email_activities_thread
      WHERE e.org_id = ? AND ${THREAD} = ? ORDER BY e.date_created DESC, e.id DESC`).pluck().all(orgId, id) as string[];
    if (ids.length === 0) return undefined;
    const emails = ids.map((x) => this.emails.getEmail(orgId, x));
    const first = emails[emails.length - 1]!;
    const latest = emails[0]!;
    const userName = first.user_id ? cached(this.db, `SELECT ${userNameSql('?', '?')}`).pluck().get(orgId, first.user_id) as string | null : null;
    return {
      id, _type: 'EmailThread', organization_id: orgId, lead_id: first.lead_id, contact_id: first.contact_id, user_id: first.user_id, user_name: userName,
      created_by: first.user_id, created_by_name: userName, updated_by: latest.user_id, updated_by_name: latest.user_name,
      activity_at: latest.date_created, date_created: first.date_created,
      date_updated: emails.reduce((m, e) => (e.date_updated > m ? e.date_updated : m), first.date_updated),
      latest_normalized_subject: normalizeSubject(latest.subject ?? ''), n_emails: emails.length, participants: participants(emails),
      emails, latest_email_id: latest.id,
    };
  }

  get(orgId: string, id: string): EmailThreadT {
    const t = this.find(orgId, id);
    if (!t) throw notFound(`Email thread ${id} not found.`);
    return t;
  }

  /** DELETE /activity/emailthread/{id}/: the thread and every email of it (its route records their events). */
  deleteThread(orgId: string, id: string): void {
    this.get(orgId, id);
    cached(this.db, `DELETE FROM close_email_activities INDEXED BY close_email_activities_thread WHERE org_id = ? AND COALESCE(thread_id, id) = ?`).run(orgId, id);
  }

  // ---- inside

  private touch(orgId: string, threadId: string, write: () => unknown): void {
    this.db.transaction(() => this.touchAll(orgId, [threadId], write))();
  }

  /** Runs `write` and tells the listener how each of these threads changed. */
  private touchAll(orgId: string, threadIds: string[], write: () => unknown): void {
    const before = threadIds.map((t) => this.find(orgId, t) ?? null);
    write();
    threadIds.forEach((t, i) => {
      const after = this.find(orgId, t) ?? null;
      if (before[i] || after) this.listener(orgId, before[i]!, after);
    });
  }

  private countIn(orgId: string, threadId: string): number {
    return cached(this.db, `SELECT count(*) FROM close_email_activities e WHERE e.org_id = ? AND ${THREAD} = ?`).pluck().get(orgId, threadId) as number;
  }

  private replyTo(orgId: string, leadId: string, emailId: string): { thread: string } {
    const e = cached(this.db, `SELECT lead_id, ${THREAD} AS thread FROM close_email_activities e WHERE e.org_id = ? AND e.id = ?`).get(orgId, emailId) as
      { lead_id: string; thread: string } | undefined;
    if (!e || e.lead_id !== leadId) throw validationError(`Email ${emailId} is not an email of lead ${leadId}.`, { in_reply_to_id: 'Email not found on this lead.' });
    return { thread: e.thread };
  }

  private checkRefs(orgId: string, leadId: string, x: { contact_id?: string | null | undefined; user_id?: string | null | undefined;
    template_id?: string | null | undefined; to?: string[] | null | undefined; cc?: string[] | null | undefined; bcc?: string[] | null | undefined }): void {
    if (x.contact_id && !cached(this.db, `SELECT 1 FROM close_contacts WHERE org_id = ? AND id = ? AND lead_id = ?`).get(orgId, x.contact_id, leadId)) {
      throw validationError(`Contact ${x.contact_id} is not a contact of lead ${leadId}.`, { contact_id: 'Contact not found on this lead.' });
    }
    if (x.user_id && !exists(this.db, 'close_users', orgId, x.user_id)) throw validationError(`User ${x.user_id} not found.`, { user_id: 'User not found.' });
    if (x.template_id && !this.emails.templateExists(orgId, x.template_id)) {
      throw validationError(`Email template ${x.template_id} not found.`, { template_id: 'Email template not found.' });
    }
    for (const field of ['to', 'cc', 'bcc'] as const) {
      const bad = (x[field] ?? []).find((a) => !isAddress(a));
      if (bad !== undefined) throw validationError(`${field}: "${bad}" is not an email address.`, { [field]: 'Enter valid email addresses.' });
    }
  }

  /** Subject and bodies: as sent, or a template rendered when no body is sent (Close's rule). */
  private content(orgId: string, leadId: string, contactId: string | null, userId: string | null,
    x: { template_id?: string | null | undefined; subject?: string | null | undefined; body_text?: string | null | undefined; body_html?: string | null | undefined }) {
    if (x.template_id && x.body_text == null && x.body_html == null) {
      const r = this.emails.render(orgId, x.template_id, leadId, contactId, userId);
      return { subject: x.subject ?? r.subject, body_text: htmlToText(r.body), body_html: r.body };
    }
    return { subject: x.subject ?? null, body_text: x.body_text ?? (x.body_html == null ? null : htmlToText(x.body_html)), body_html: x.body_html ?? null };
  }

  /** When an email leaves: outbox after send_in seconds, scheduled at date_scheduled; the statuses that send need a sender. */
  private timing(orgId: string, status: string, sender: string | null | undefined,
    x: { date_scheduled?: string | null | undefined; send_in?: number | null | undefined }): { send_at: string | null } {
    if (NEEDS_SENDER.has(status) && !sender) throw validationError(`sender is required for an email in status ${status}.`, { sender: 'This field is required.' });
    if (x.send_in != null && status !== 'outbox') throw validationError('send_in: only for an email sent now (status outbox).', { send_in: 'Only with status outbox.' });
    if (status === 'outbox') return { send_at: closeDate(new Date(this.clock.nowMs(orgId) + (x.send_in ?? 0) * 1000)) };
    if (status === 'scheduled') {
      if (!x.date_scheduled) throw validationError('date_scheduled is required for a scheduled email.', { date_scheduled: 'This field is required.' });
      return { send_at: givenDate(x.date_scheduled, 'date_scheduled') };
    }
    return { send_at: null };
  }

  private userEmail(orgId: string, userId: string): string | null {
    return (cached(this.db, `SELECT email FROM close_users WHERE org_id = ? AND id = ?`).pluck().get(orgId, userId) as string | undefined) ?? null;
  }
}

const definedOf = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** `"Name" <a@b>` or `a@b` → its address and name (linear: no regular expression sees the input). */
function parseAddress(text: string): { email: string; name: string } {
  const open = text.lastIndexOf('<');
  if (open >= 0 && text.trimEnd().endsWith('>')) {
    const name = text.slice(0, open).trim();
    const unquoted = name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
    return { email: text.slice(open + 1, text.trimEnd().length - 1).trim().toLowerCase(), name: unquoted };
  }
  return { email: text.trim().toLowerCase(), name: '' };
}

function isAddress(text: string): boolean {
  const a = parseAddress(text).email;
  const at = a.indexOf('@');
  return at > 0 && at < a.length - 1 && a.indexOf('@', at + 1) < 0 && !a.includes(' ');
}

/** The addresses of a thread's senders and recipients (to, cc), each once, in the order its emails name them (oldest first). */
function participants(emails: EmailActivityT[]): Array<{ email: string; name: string }> {
  const out = new Map<string, { email: string; name: string }>();
  for (const e of [...emails].reverse()) {
    for (const text of [...(e.sender ? [e.sender] : []), ...e.to, ...e.cc]) {
      const p = parseAddress(text);
      const known = out.get(p.email);
      if (!known) out.set(p.email, p);
      else if (!known.name && p.name) known.name = p.name;
    }
  }
  return [...out.values()];
}

/** A subject without its reply and forward prefixes (`Re:`, `Fwd:`, `Fw:`, repeated, any case). */
export function normalizeSubject(subject: string): string {
  let s = subject.trim();
  for (;;) {
    const lower = s.toLowerCase();
    const prefix = ['re:', 'fwd:', 'fw:'].find((p) => lower.startsWith(p));
    if (!prefix) return s;
    s = s.slice(prefix.length).trim();
  }
}
