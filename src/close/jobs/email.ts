import type { Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import type { BulkEmailCreateT } from '../../../schemas/close/bulk-actions.js';
import type { BulkActionRow } from '../store/bulk-actions.js';
import { commonAction, type BatchItem, type BatchResult, type BulkKind, type Tracking } from './kinds.js';
import { recipients, stillThere, type ContactPreference } from './recipients.js';

/** What a bulk email needs of the email store (src/close/store/emails.ts). */
export interface Mailer {
  templateExists(orgId: string, id: string): boolean;
  isUnsubscribed(orgId: string, email: string): boolean;
  /** Queues one email; `rendered` is told the rendered subject's and body's length. */
  queue(orgId: string, userId: string | null, m: {
    leadId: string; contactId: string | null; to: string; templateId: string; emailAccountId: string | null; sender: string | null; bulkActionId: string | null;
  }, rendered?: (chars: number) => void): string;
}

/**
 * What one step of a bulk email may spend: rendered characters (subject + body, stored about three
 * times over) and milliseconds of work. A step stops after the item that reaches either, at least one
 * item each step, and the next step goes on from there.
 */
export interface EmailStepBudget { chars: number; ms: number }
export const EMAIL_STEP_BUDGET: EmailStepBudget = { chars: 1_000_000, ms: 200 };

interface EmailParams { template_id: string; email_account_id: string | null; sender: string | null; contact_preference: ContactPreference }

/**
 * Bulk email: one email activity (rendered from the template for its lead and contact) and one
 * outbox message per recipient; `contact_preference` decides the recipients (recipients.ts).
 */
export class EmailKind implements BulkKind {
  readonly name = 'email';
  readonly noun = 'bulk email';
  // Real API: the id prefix of a bulk email is not documented; here: bulkemail_.
  readonly idPrefix = 'bulkemail_';

  constructor(
    private readonly db: Db, private readonly mailer: Mailer, private readonly accountExists: (orgId: string, id: string) => boolean,
    private readonly tracking: Tracking, private readonly budget: EmailStepBudget = EMAIL_STEP_BUDGET,
  ) {}

  plan(orgId: string, body: Record<string, unknown>) {
    const b = body as BulkEmailCreateT;
    const errors: Record<string, string> = {};
    if (!b.template_id) errors.template_id = 'This field is required.';
    else if (!this.mailer.templateExists(orgId, b.template_id)) errors.template_id = `Email template ${b.template_id} does not exist.`;
    if (b.email_account_id && !this.accountExists(orgId, b.email_account_id)) errors.email_account_id = `Connected account ${b.email_account_id} does not exist.`;
    if (Object.keys(errors).length > 0) throw validationError('Invalid bulk email', errors);
    // Real API: the default contact_preference is not documented; here: `lead` (one email per lead).
    const params: EmailParams = {
      template_id: b.template_id!, email_account_id: b.email_account_id ?? null, sender: b.sender ?? null, contact_preference: b.contact_preference ?? 'lead',
    };
    return { type: 'email', params: { ...params } };
  }

  recheck(orgId: string, _row: BulkActionRow, params: Record<string, unknown>): string | null {
    const p = params as unknown as EmailParams;
    return this.mailer.templateExists(orgId, p.template_id) ? null : `email template ${p.template_id} was deleted`;
  }

  items(orgId: string, _row: BulkActionRow, params: Record<string, unknown>, leadIds: string[]) {
    const p = params as unknown as EmailParams;
    return recipients(this.db, orgId, leadIds, p.contact_preference, (email) => this.mailer.isUnsubscribed(orgId, email));
  }

  /**
   * An address unsubscribed, or a contact deleted, after the set was frozen is skipped (not counted).
   * The batch stops early once the step's budget is spent (see EmailStepBudget).
   */
  apply(row: BulkActionRow, params: Record<string, unknown>, items: BatchItem[], _now: string, midBatch: () => void): BatchResult {
    const p = params as unknown as EmailParams;
    const began = performance.now();
    let chars = 0;
    let processed = 0;
    const spent = () => processed > 0 && (chars >= this.budget.chars || performance.now() - began >= this.budget.ms);
    let changed = 0;
    let middle = false;
    for (const [i, item] of items.entries()) {
      if (spent()) break;
      if (i === Math.floor(items.length / 2)) {
        midBatch();
        middle = true;
      }
      processed++;
      if (item.object_type === 'none' || !stillThere(this.db, row.org_id, item.object_id, item.lead_id) || this.mailer.isUnsubscribed(row.org_id, item.detail!)) continue;
      const id = this.mailer.queue(row.org_id, row.created_by, {
        leadId: item.lead_id, contactId: item.object_id, to: item.detail!, templateId: p.template_id,
        emailAccountId: p.email_account_id, sender: p.sender, bulkActionId: row.id,
      }, (n) => (chars += n));
      // Its activity.email `created` event, with the batch.
      const { events, kinds } = this.tracking;
      events.log(row.org_id, kinds.activity, id, 'created', null, kinds.activity.render(row.org_id, id)!);
      changed++;
    }
    // A batch cut short before its middle still passes the crash point once, inside its transaction.
    if (!middle && items.length > 0) midBatch();
    return { changed, processed };
  }

  action(row: BulkActionRow) {
    const p = JSON.parse(row.params) as EmailParams;
    return { ...commonAction(row), template_id: p.template_id, email_account_id: p.email_account_id, sender: p.sender, contact_preference: p.contact_preference };
  }

  doneEmail(row: BulkActionRow) {
    return {
      subject: 'Your bulk email is complete',
      body: `Bulk email ${row.id} finished: ${row.n_leads} leads matched, ${row.n_objects_processed} emails sent.`,
    };
  }
}
