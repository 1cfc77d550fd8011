import { cached, type Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import type { BulkSequenceCreateT } from '../../../schemas/close/bulk-actions.js';
import type { BulkActionRow } from '../store/bulk-actions.js';
import { commonAction, eachItem, type BatchItem, type BulkKind, type Item, type Tracking } from './kinds.js';
import { recipients, stillThere } from './recipients.js';
import type { EventKind } from '../store/events.js';


/** What a bulk sequence subscription needs of the sequence store (src/close/store/sequences.ts). */
export interface Sequencer {
  sequenceExists(orgId: string, id: string): boolean;
  accountExists(orgId: string, id: string): boolean;
  subscribeForBulk(orgId: string, userId: string | null, s: {
    sequenceId: string; contactId: string; leadId: string; contactEmail: string; senderAccountId: string; senderName: string; senderEmail: string; bulkActionId: string;
  }): boolean;
  setStatusForBulk(orgId: string, userId: string | null, contactId: string, sequenceId: string | null, from: string, to: string, bulkActionId: string): number;
}

type ActionType = 'subscribe' | 'pause' | 'resume' | 'resume_finished';
interface SequenceParams {
  action_type: ActionType; sequence_id: string | null; sender_account_id: string | null; sender_name: string | null;
  sender_email: string | null; contact_preference: 'lead' | 'contact' | null;
}

/** pause, resume, resume_finished: the subscription status each moves from and to. */
const MOVES = new Map<string, { from: string; to: string }>([
  ['pause', { from: 'active', to: 'paused' }],
  ['resume', { from: 'paused', to: 'active' }],
  ['resume_finished', { from: 'finished', to: 'active' }],
]);
const SUBSCRIBE_ONLY = ['sender_account_id', 'sender_name', 'sender_email', 'contact_preference'] as const;

/**
 * Bulk sequence subscription: subscribes the matched leads' contacts to a sequence (each contact at
 * most once per sequence, ever), or pauses / resumes / resumes finished subscriptions of their contacts.
 */
export class SequenceKind implements BulkKind {
  readonly name = 'sequence_subscription';
  readonly noun = 'bulk sequence subscription';
  // Real API: the id prefix is not documented; here: bulkseqsub_.
  readonly idPrefix = 'bulkseqsub_';

  constructor(
    private readonly db: Db, private readonly sequences: Sequencer, private readonly unsubscribed: (orgId: string, email: string) => boolean,
    private readonly tracking: Tracking,
  ) {}

  plan(orgId: string, body: Record<string, unknown>) {
    const b = body as BulkSequenceCreateT;
    const errors: Record<string, string> = {};
    const given = (k: keyof BulkSequenceCreateT) => b[k] !== undefined && b[k] !== null;
    // Real API: `reassign` moves the calls of sequences to other users; here: calls are not emulated.
    const notEmulated = 'Not supported by the emulator: calls are not emulated.';
    if (given('calls_assigned_to')) errors.calls_assigned_to = notEmulated;
    if (given('from_phone_number_id')) errors.from_phone_number_id = notEmulated;
    if (!b.action_type) errors.action_type = 'This field is required.';
    else if (b.action_type === 'reassign') errors.action_type = `Not supported by the emulator: reassign moves sequence calls, and calls are not emulated.`;
    if (b.sequence_id && !this.sequences.sequenceExists(orgId, b.sequence_id)) errors.sequence_id = `Sequence ${b.sequence_id} does not exist.`;
    if (b.action_type === 'subscribe') {
      for (const k of ['sequence_id', ...SUBSCRIBE_ONLY] as const) if (!given(k) && !errors[k]) errors[k] = 'This field is required when action_type is subscribe.';
      if (b.sender_account_id && !this.sequences.accountExists(orgId, b.sender_account_id)) errors.sender_account_id = `Connected account ${b.sender_account_id} does not exist.`;
    } else if (b.action_type) {
      for (const k of SUBSCRIBE_ONLY) if (given(k)) errors[k] = `Not applicable to a ${b.action_type} bulk sequence subscription.`;
    }
    if (Object.keys(errors).length > 0) throw validationError('Invalid bulk sequence subscription', errors);
    const params: SequenceParams = {
      action_type: b.action_type as ActionType, sequence_id: b.sequence_id ?? null, sender_account_id: b.sender_account_id ?? null,
      sender_name: b.sender_name ?? null, sender_email: b.sender_email ?? null, contact_preference: b.contact_preference ?? null,
    };
    return { type: params.action_type, params: { ...params } };
  }

  recheck(orgId: string, _row: BulkActionRow, params: Record<string, unknown>): string | null {
    const p = params as unknown as SequenceParams;
    if (p.sequence_id && !this.sequences.sequenceExists(orgId, p.sequence_id)) return `sequence ${p.sequence_id} was deleted`;
    if (p.sender_account_id && !this.sequences.accountExists(orgId, p.sender_account_id)) return `connected account ${p.sender_account_id} was deleted`;
    return null;
  }

  items(orgId: string, _row: BulkActionRow, params: Record<string, unknown>, leadIds: string[]): Map<string, Item[]> {
    const p = params as unknown as SequenceParams;
    if (p.action_type === 'subscribe') return recipients(this.db, orgId, leadIds, p.contact_preference!, (email) => this.unsubscribed(orgId, email));
    // Pausing and resuming act on every contact of the matched leads that has subscriptions.
    const rows = cached(this.db, `SELECT lead_id, id FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))
      ORDER BY date_created, id`).all(orgId, JSON.stringify(leadIds)) as { lead_id: string; id: string }[];
    const out = new Map<string, Item[]>();
    for (const r of rows) {
      let list = out.get(r.lead_id);
      if (!list) out.set(r.lead_id, (list = []));
      list.push({ object_type: 'contact', object_id: r.id });
    }
    return out;
  }

  /** Counts the contacts it changed: one already subscribed (subscribe), deleted meanwhile, or with nothing to move is not counted. */
  apply(row: BulkActionRow, params: Record<string, unknown>, items: BatchItem[], _now: string, midBatch: () => void): number {
    const p = params as unknown as SequenceParams;
    const move = MOVES.get(p.action_type);
    // Each subscription it creates or moves gets its sequence_subscription event, with the batch.
    const subscriptionsOf = (contactId: string) => cached(this.db, `SELECT id FROM close_sequence_subscriptions WHERE org_id = ? AND contact_id = ?
      AND (? IS NULL OR sequence_id = ?)`).pluck().all(row.org_id, contactId, p.sequence_id, p.sequence_id) as string[];
    const { events, kinds } = this.tracking;
    return eachItem(items, midBatch, (item) => {
      const before = new Set(subscriptionsOf(item.object_id));
      const changed = events.trackEach(row.org_id, [...before].map((id) => ({ kind: kinds.subscription as EventKind, id })), () => this.act(row, p, move, item));
      for (const id of subscriptionsOf(item.object_id)) {
        if (!before.has(id)) events.log(row.org_id, kinds.subscription, id, 'created', null, kinds.subscription.render(row.org_id, id)!);
      }
      return changed;
    });
  }

  private act(row: BulkActionRow, p: SequenceParams, move: { from: string; to: string } | undefined, item: BatchItem): boolean {
    {
      if (move) return this.sequences.setStatusForBulk(row.org_id, row.created_by, item.object_id, p.sequence_id, move.from, move.to, row.id) > 0;
      // A contact deleted (or moved to another lead) after the set froze is skipped.
      if (!stillThere(this.db, row.org_id, item.object_id, item.lead_id)) return false;
      return this.sequences.subscribeForBulk(row.org_id, row.created_by, {
        sequenceId: p.sequence_id!, contactId: item.object_id, leadId: item.lead_id, contactEmail: item.detail!,
        senderAccountId: p.sender_account_id!, senderName: p.sender_name!, senderEmail: p.sender_email!, bulkActionId: row.id,
      });
    }
  }

  action(row: BulkActionRow) {
    const p = JSON.parse(row.params) as SequenceParams;
    return {
      ...commonAction(row), action_type: p.action_type, sequence_id: p.sequence_id, sender_account_id: p.sender_account_id,
      sender_name: p.sender_name, sender_email: p.sender_email, contact_preference: p.contact_preference,
      calls_assigned_to: null, from_phone_number_id: null,
    };
  }

  doneEmail(row: BulkActionRow) {
    return {
      subject: 'Your bulk sequence subscription is complete',
      body: `Bulk sequence subscription ${row.id} (${row.type}) finished: ${row.n_leads} leads matched, ${row.n_objects_processed} contacts changed.`,
    };
  }
}
