import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound } from '../../core/errors.js';
import {
  SEQUENCE_ONE_REFUSED, SUBSCRIPTION_FILTERS, SUBSCRIPTION_SETTABLE, SUBSCRIPTION_STATUSES,
  type ConnectedAccountT, type ScheduleT, type SequenceCreateT, type SequenceT, type SequenceUpdateT, type StepT,
  type SubscriptionCreateT, type SubscriptionT, type SubscriptionUpdateT,
} from '../../../schemas/close/sequences.js';
import { refuse, Where, type ListQuery } from './filters.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';
import { bad, scheduleOf, statusOf, stepsOf, timezoneOf } from './sequence-input.js';

interface AccountRow { id: string; user_id: string; type: string; email: string; name: string | null; date_created: string }
interface SequenceRow {
  id: string; name: string; status: string; timezone: string; schedule: string | null; steps: string;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}
interface SubscriptionRow {
  id: string; sequence_id: string; contact_id: string; lead_id: string; contact_email: string; sender_account_id: string;
  sender_name: string; sender_email: string; status: string; pause_reason: string | null; calls_assigned_to: string; bulk_action_id: string | null;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}

/** What the bulk sequence-subscription engine subscribes (it has validated every id already). */
export interface BulkSubscription {
  sequenceId: string; contactId: string; leadId: string; contactEmail: string; senderAccountId: string;
  senderName: string; senderEmail: string; bulkActionId: string;
}

const INSERT_SUB = `INSERT INTO close_sequence_subscriptions (org_id, id, sequence_id, contact_id, lead_id, contact_email, sender_account_id,
  sender_name, sender_email, status, calls_assigned_to, bulk_action_id, created_by, updated_by, date_created, date_updated)
  VALUES (@org, @id, @sequence_id, @contact_id, @lead_id, @contact_email, @sender_account_id, @sender_name, @sender_email, @status,
  @calls_assigned_to, @bulk_action_id, @user, @user, @now, @now)`;

/** Connected accounts (read-only), sequences and their subscriptions. */
export class SequenceStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  // ---- connected accounts --------------------------------------------------

  /**
   * Real API: `user_id` filters to one user's accounts; `_type` (sent by ETL connectors, not in the
   * OpenAPI) is taken to filter by the account's `_type`; here: both, newest first.
   */
  listAccounts(orgId: string, q: PageParams & ListQuery): ClosePage<ConnectedAccountT> {
    const w = new Where(q).equals('user_id', 'a.user_id', { noIn: true }).equals('_type', 'a.type', { comma: false });
    const sql = `SELECT a.* FROM close_connected_accounts a WHERE a.org_id = @org${w.sql()} ORDER BY a.date_created DESC, a.id`;
    const { rows, has_more } = pageRows<AccountRow>(this.db, sql, { ...w.params, org: orgId }, q);
    return { data: rows.map((r) => this.renderAccount(orgId, r)), has_more };
  }

  getAccount(orgId: string, id: string): ConnectedAccountT {
    const row = cached(this.db, `SELECT * FROM close_connected_accounts WHERE org_id = ? AND id = ?`).get(orgId, id) as AccountRow | undefined;
    if (!row) throw notFound(`Connected account ${id} not found.`);
    return this.renderAccount(orgId, row);
  }

  accountExists(orgId: string, id: string): boolean {
    return exists(this.db, 'close_connected_accounts', orgId, id);
  }

  // ---- sequences -------------------------------------------------------------

  listSequences(orgId: string, q: PageParams): ClosePage<SequenceT> {
    const { rows, has_more } = pageRows<SequenceRow>(this.db, `SELECT * FROM close_sequences WHERE org_id = @org ORDER BY date_created, id`, { org: orgId }, q);
    return { data: rows.map((r) => this.renderSequence(orgId, r)), has_more };
  }

  getSequence(orgId: string, id: string, q: ListQuery = {}): SequenceT {
    refuse(q, SEQUENCE_ONE_REFUSED);
    const row = cached(this.db, `SELECT * FROM close_sequences WHERE org_id = ? AND id = ?`).get(orgId, id) as SequenceRow | undefined;
    if (!row) throw notFound(`Sequence ${id} not found.`);
    return this.renderSequence(orgId, row);
  }

  sequenceExists(orgId: string, id: string): boolean {
    return exists(this.db, 'close_sequences', orgId, id);
  }

  /** Real API: `timezone` is an IANA zone; here: the same, UTC when absent; `status` active when absent. */
  createSequence(orgId: string, userId: string, input: SequenceCreateT): SequenceT {
    const row = {
      org: orgId, id: this.ids.base62('seq_'), name: input.name, status: statusOf(input.status) ?? 'active',
      timezone: timezoneOf(input.timezone) ?? 'UTC', schedule: scheduleOf(input.schedule) ?? null,
      steps: stepsOf(this.ids, input.steps) ?? '[]', user: userId, now: this.stamp.now(orgId),
    };
    cached(this.db, `INSERT INTO close_sequences (org_id, id, name, status, timezone, schedule, steps, created_by, updated_by, date_created, date_updated)
      VALUES (@org, @id, @name, @status, @timezone, @schedule, @steps, @user, @user, @now, @now)`).run(row);
    return this.getSequence(orgId, row.id);
  }

  /** Real API: `steps`, when sent, replaces every step (those left out are removed); here: the same. */
  updateSequence(orgId: string, userId: string, id: string, patch: SequenceUpdateT): SequenceT {
    const current = this.getSequence(orgId, id);
    const schedule = scheduleOf(patch.schedule);
    const next = {
      org: orgId, id, name: patch.name ?? current.name, status: statusOf(patch.status) ?? current.status,
      timezone: timezoneOf(patch.timezone) ?? current.timezone,
      schedule: schedule === undefined ? (current.schedule === null ? null : JSON.stringify(current.schedule)) : schedule,
      steps: stepsOf(this.ids, patch.steps) ?? JSON.stringify(current.steps), user: userId, now: this.stamp.now(orgId),
    };
    cached(this.db, `UPDATE close_sequences SET name = @name, status = @status, timezone = @timezone, schedule = @schedule, steps = @steps,
      updated_by = @user, date_updated = @now WHERE org_id = @org AND id = @id`).run(next);
    return this.getSequence(orgId, id);
  }

  /** Real API: what becomes of the subscriptions is not documented; here: they are deleted with the sequence. */
  deleteSequence(orgId: string, id: string): void {
    this.getSequence(orgId, id);
    this.db.transaction(() => {
      cached(this.db, `DELETE FROM close_sequence_subscriptions WHERE org_id = ? AND sequence_id = ?`).run(orgId, id);
      cached(this.db, `DELETE FROM close_sequences WHERE org_id = ? AND id = ?`).run(orgId, id);
    })();
  }

  // ---- subscriptions -----------------------------------------------------------

  /** Close: "At least one of `sequence_id`, `contact_id`, and `lead_id` is required"; else a 400 naming them. */
  listSubscriptions(orgId: string, q: PageParams & ListQuery): ClosePage<SubscriptionT> {
    if (!SUBSCRIPTION_FILTERS.some((f) => typeof q[f] === 'string')) {
      throw bad('sequence_id', 'At least one of sequence_id, contact_id, and lead_id is required.');
    }
    const w = new Where(q);
    for (const f of SUBSCRIPTION_FILTERS) w.equals(f, `s.${f}`, { noIn: true });
    const sql = `SELECT s.* FROM close_sequence_subscriptions s WHERE s.org_id = @org${w.sql()} ORDER BY s.date_created, s.id`;
    const { rows, has_more } = pageRows<SubscriptionRow>(this.db, sql, { ...w.params, org: orgId }, q);
    return { data: rows.map((r) => this.renderSubscription(orgId, r)), has_more };
  }

  getSubscription(orgId: string, id: string): SubscriptionT {
    const row = cached(this.db, `SELECT * FROM close_sequence_subscriptions WHERE org_id = ? AND id = ?`).get(orgId, id) as SubscriptionRow | undefined;
    if (!row) throw notFound(`Sequence subscription ${id} not found.`);
    return this.renderSubscription(orgId, row);
  }

  /**
   * Subscribes a contact. Real API: the lead is the contact's; here: the same. Real API: whether a contact
   * can be subscribed to the same sequence twice is not documented; here: no (a 400 naming contact_id), as
   * the bulk action subscribes only "contacts that have never received the given sequence". Real API: the
   * sender is one of the account's identities; here: `sender_email` must be the connected account's email.
   */
  createSubscription(orgId: string, userId: string, input: SubscriptionCreateT): SubscriptionT {
    if (!this.sequenceExists(orgId, input.sequence_id)) throw bad('sequence_id', `Sequence ${input.sequence_id} not found.`);
    const contact = cached(this.db, `SELECT lead_id, emails FROM close_contacts WHERE org_id = ? AND id = ?`).get(orgId, input.contact_id) as
      { lead_id: string; emails: string } | undefined;
    if (!contact) throw bad('contact_id', `Contact ${input.contact_id} not found.`);
    const emails = (JSON.parse(contact.emails) as { email: string }[]).map((e) => e.email.toLowerCase());
    if (!emails.includes(input.contact_email.toLowerCase())) throw bad('contact_email', 'Not one of the contact\'s email addresses.');
    const account = cached(this.db, `SELECT email FROM close_connected_accounts WHERE org_id = ? AND id = ?`).pluck().get(orgId, input.sender_account_id) as string | undefined;
    if (account === undefined) throw bad('sender_account_id', `Connected account ${input.sender_account_id} not found.`);
    if (account.toLowerCase() !== input.sender_email.toLowerCase()) throw bad('sender_email', 'Not the email address of the sender account.');
    const calls = input.calls_assigned_to ?? [];
    for (const u of calls) {
      if (!exists(this.db, 'close_users', orgId, u)) throw bad('calls_assigned_to', `User ${u} not found.`);
    }
    if (this.subscribed(orgId, input.contact_id, input.sequence_id)) {
      throw bad('contact_id', 'The contact is already subscribed to this sequence.');
    }
    const id = this.ids.base62('sub_');
    cached(this.db, INSERT_SUB).run({
      org: orgId, id, sequence_id: input.sequence_id, contact_id: input.contact_id, lead_id: contact.lead_id, contact_email: input.contact_email,
      sender_account_id: input.sender_account_id, sender_name: input.sender_name, sender_email: input.sender_email, status: 'active',
      calls_assigned_to: JSON.stringify(calls), bulk_action_id: null, user: userId, now: this.stamp.now(orgId),
    });
    return this.getSubscription(orgId, id);
  }

  /**
   * Real API: setting `status` to `active` restarts the subscription and needs a plan with Workflow runs (else
   * a 400); `paused` works on every plan; here: every organization may set either, from any status. Pausing
   * sets `pause_reason` to `manual` (an already paused one keeps its reason); resuming clears it. The sender
   * (`sender_account_id`, `sender_name`, `sender_email`) may change with or without `status`; as on a create,
   * `sender_email` must be the (new or current) account's email.
   */
  updateSubscription(orgId: string, userId: string, id: string, patch: SubscriptionUpdateT): SubscriptionT {
    const current = this.getSubscription(orgId, id);
    if (Object.values(patch).every((v) => v === undefined)) {
      throw bad('status', 'Send status, or the sender (sender_account_id, sender_name, sender_email).');
    }
    if (patch.status !== undefined && !(SUBSCRIPTION_SETTABLE as readonly string[]).includes(patch.status)) {
      throw bad('status', `"${patch.status}" is not one of ${SUBSCRIPTION_SETTABLE.join(', ')}.`);
    }
    const accountId = patch.sender_account_id ?? current.sender_account_id;
    const senderEmail = patch.sender_email ?? current.sender_email;
    if (patch.sender_account_id !== undefined || patch.sender_email !== undefined) {
      const account = cached(this.db, `SELECT email FROM close_connected_accounts WHERE org_id = ? AND id = ?`).pluck().get(orgId, accountId) as string | undefined;
      if (account === undefined) throw bad('sender_account_id', `Connected account ${accountId} not found.`);
      if (account.toLowerCase() !== senderEmail.toLowerCase()) throw bad('sender_email', 'Not the email address of the sender account.');
    }
    const status = patch.status ?? current.status;
    const pauseReason = status !== 'paused' ? null : current.status === 'paused' ? current.pause_reason : 'manual';
    cached(this.db, `UPDATE close_sequence_subscriptions SET status = @status, pause_reason = @reason, sender_account_id = @account,
      sender_name = @name, sender_email = @email, updated_by = @user, date_updated = @now WHERE org_id = @org AND id = @id`).run({
      status, reason: pauseReason, account: accountId, name: patch.sender_name ?? current.sender_name, email: senderEmail,
      user: userId, now: this.stamp.now(orgId), org: orgId, id,
    });
    return this.getSubscription(orgId, id);
  }

  /**
   * For the bulk engine, inside its transaction: an `active` subscription unless the contact already has
   * one (in any status) to the sequence. Returns whether it created one.
   */
  subscribeForBulk(orgId: string, userId: string | null, s: BulkSubscription): boolean {
    if (this.subscribed(orgId, s.contactId, s.sequenceId)) return false;
    cached(this.db, INSERT_SUB).run({
      org: orgId, id: this.ids.base62('sub_'), sequence_id: s.sequenceId, contact_id: s.contactId, lead_id: s.leadId, contact_email: s.contactEmail,
      sender_account_id: s.senderAccountId, sender_name: s.senderName, sender_email: s.senderEmail, status: 'active', calls_assigned_to: '[]',
      bulk_action_id: s.bulkActionId, user: userId, now: this.stamp.now(orgId),
    });
    return true;
  }

  /**
   * For the bulk engine, inside its transaction: the contact's subscriptions in status `from` (to
   * `sequenceId`, or to every sequence when null) move to `to`. Returns how many changed.
   */
  setStatusForBulk(orgId: string, userId: string | null, contactId: string, sequenceId: string | null, from: string, to: string, bulkActionId: string): number {
    // Real API: a bulk pause's StatusReason is `bulk-action`; here: the same; any other move clears the reason.
    return cached(this.db, `UPDATE close_sequence_subscriptions SET status = @to, bulk_action_id = @bulk, updated_by = @user, date_updated = @now,
      pause_reason = CASE WHEN @to = 'paused' THEN 'bulk-action' ELSE NULL END
      WHERE org_id = @org AND contact_id = @contact AND status = @from AND (@sequence IS NULL OR sequence_id = @sequence)`)
      .run({ org: orgId, contact: contactId, sequence: sequenceId, from, to, bulk: bulkActionId, user: userId, now: this.stamp.now(orgId) }).changes;
  }

  /** Removes the subscriptions of deleted contacts; call inside the caller's transaction. */
  forgetContacts(orgId: string, contactIds: readonly string[]): void {
    const del = cached(this.db, `DELETE FROM close_sequence_subscriptions WHERE org_id = ? AND contact_id = ?`);
    for (const id of contactIds) del.run(orgId, id);
  }

  private subscribed(orgId: string, contactId: string, sequenceId: string): boolean {
    return cached(this.db, `SELECT 1 FROM close_sequence_subscriptions WHERE org_id = ? AND contact_id = ? AND sequence_id = ?`)
      .get(orgId, contactId, sequenceId) !== undefined;
  }

  // ---- rendering -----------------------------------------------------------------

  private renderAccount(orgId: string, r: AccountRow): ConnectedAccountT {
    const identity = { name: r.name, email: r.email };
    // Real API: statuses follow the mailbox's sync; here: an account always sends and receives ("ok").
    return {
      id: r.id, _type: r.type, organization_id: orgId, user_id: r.user_id, email: r.email, identities: [identity], default_identity: identity,
      send_status: 'ok', receive_status: 'ok', date_created: r.date_created,
    };
  }

  private renderSequence(orgId: string, r: SequenceRow): SequenceT {
    return {
      id: r.id, organization_id: orgId, name: r.name, status: r.status, timezone: r.timezone,
      schedule: r.schedule === null ? null : JSON.parse(r.schedule) as ScheduleT, steps: JSON.parse(r.steps) as StepT[],
      created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
      subscription_counts_by_status: this.countsByStatus(orgId, r.id),
    };
  }

  /** Real API: `{"active": n, "paused": n, "finished": n, …}` (Close's export script reads these three); here: every status, zeros included. */
  private countsByStatus(orgId: string, sequenceId: string): SequenceT['subscription_counts_by_status'] {
    const counts = Object.fromEntries(SUBSCRIPTION_STATUSES.map((st) => [st, 0])) as SequenceT['subscription_counts_by_status'];
    const rows = cached(this.db, `SELECT status, count(*) AS n FROM close_sequence_subscriptions WHERE org_id = ? AND sequence_id = ? GROUP BY status`)
      .all(orgId, sequenceId) as { status: keyof typeof counts; n: number }[];
    for (const r of rows) if (Object.hasOwn(counts, r.status)) counts[r.status] = r.n;
    return counts;
  }

  private renderSubscription(orgId: string, r: SubscriptionRow): SubscriptionT {
    return {
      id: r.id, organization_id: orgId, sequence_id: r.sequence_id, contact_id: r.contact_id, lead_id: r.lead_id, contact_email: r.contact_email,
      sender_account_id: r.sender_account_id, sender_name: r.sender_name, sender_email: r.sender_email, status: r.status, pause_reason: r.pause_reason,
      calls_assigned_to: JSON.parse(r.calls_assigned_to) as string[], created_by_id: r.created_by, updated_by_id: r.updated_by,
      date_created: r.date_created, date_updated: r.date_updated,
    };
  }
}
