import type { BulkKindName } from '../../../schemas/close/bulk-actions.js';
import type { BulkActionRow } from '../store/bulk-actions.js';
import type { EventKind, EventLog } from '../store/events.js';
import type { EventKinds } from '../store/event-kinds.js';

/** The event log and how each object renders, for the events a batch causes (meta.bulk_action_id set by the runner). */
export interface Tracking {
  events: EventLog;
  kinds: EventKinds;
}

/** The event kind of an item's object_type (what bulk edit and delete freeze). */
export function eventKindOf(kinds: EventKinds, objectType: string): EventKind | undefined {
  const kind = objectType === 'lead' ? kinds.lead : objectType === 'contact' ? kinds.contact : objectType === 'opportunity' ? kinds.opportunity
    : objectType === 'activity' ? kinds.activity : objectType === 'custom_object' ? kinds.customObject : undefined;
  return kind as EventKind | undefined;
}

/** Every item's object with its event kind (markers and unknown types left out). */
export function trackedObjects(kinds: EventKinds, items: BatchItem[]): Array<{ kind: EventKind; id: string }> {
  return items.flatMap((i) => {
    const kind = eventKindOf(kinds, i.object_type);
    return kind ? [{ kind, id: i.object_id }] : [];
  });
}

// One engine, four kinds of bulk action (edit, delete, email, sequence subscription). The store
// (src/close/store/bulk-actions.ts) owns what they share — the query and its legacy form, sort,
// results_limit, send_done_email, ids, the state machine behind PUT — and the runner (runner.ts) owns
// the lifecycle: load freezes the matched leads' items once, each step applies one batch in one
// transaction. A kind says only what is its own: its fields, which objects a matched lead contributes,
// what applying one of them does, and its vendor object.

/** One object a bulk action will act on, frozen when the query is evaluated. */
export interface Item {
  object_type: string;
  object_id: string;
  /** What else the kind froze with it (a bulk email's address). */
  detail?: string | null;
}

/** An item as a batch reads it back. */
export interface BatchItem extends Required<Item> {
  seq: number;
  lead_id: string;
}

/** A batch a kind stopped early: `processed` items from the first were done, `changed` objects changed. */
export interface BatchResult { changed: number; processed: number }

/** What a kind stores at creation: `type` (the row's type column: edit type, object type, action type), its params, and edit's echo columns. */
export interface KindPlan {
  type: string;
  params: Record<string, unknown>;
  columns?: { lead_status_id: string | null; custom_field_id: string | null; custom_field_name: string | null; custom_field_value: string | null };
}

export interface BulkKind {
  readonly name: BulkKindName;
  /** How messages name it: "bulk edit", "bulk delete", … */
  readonly noun: string;
  /** Id prefix. Real API: only bulkedit_ is documented; here: the others are [D]. */
  readonly idPrefix: string;
  /** Checks the kind's own fields of a create body (already schema-valid); one 400 naming every bad field. */
  plan(orgId: string, body: Record<string, unknown>): KindPlan;
  /** Before each step after creation: why the stored plan no longer applies, or null. */
  recheck(orgId: string, row: BulkActionRow, params: Record<string, unknown>): string | null;
  /** The objects each matched lead contributes, in order (a lead with none gets a marker item). */
  items(orgId: string, row: BulkActionRow, params: Record<string, unknown>, leadIds: string[]): Map<string, Item[]>;
  /**
   * Applies one batch inside the step's transaction; returns how many objects it changed. `midBatch`
   * must be called once halfway (the crash point that proves a batch rolls back whole). A kind whose
   * items cost unevenly may stop early: it returns how many items (from the first) it processed, and
   * the rest stay pending for the next step (marked done only with their own work: exactly once).
   */
  apply(row: BulkActionRow, params: Record<string, unknown>, items: BatchItem[], now: string, midBatch: () => void): number | BatchResult;
  /** The vendor object (every key of Close's schema for the kind). */
  action(row: BulkActionRow): Record<string, unknown>;
  /** The done email's subject and body. */
  doneEmail(row: BulkActionRow): { subject: string; body: string };
}

/** The keys every bulk action object has, from its row. */
export function commonAction(row: BulkActionRow) {
  return {
    id: row.id, status: row.status, organization_id: row.org_id, created_by: row.created_by, updated_by: row.updated_by,
    date_created: row.date_created, date_updated: row.date_updated,
    n_leads: row.n_leads, n_objects: row.n_objects, n_leads_processed: row.n_leads_processed, n_objects_processed: row.n_objects_processed,
    query: row.query, s_query: JSON.parse(row.s_query) as Record<string, unknown>, results_limit: row.results_limit,
    sort: JSON.parse(row.sort) as Record<string, unknown>[], send_done_email: row.send_done_email === 1,
  };
}

/** Calls `midBatch` at the middle item of a per-item loop (at once for an empty batch: nothing to roll back). */
export function eachItem(items: BatchItem[], midBatch: () => void, fn: (item: BatchItem) => boolean): number {
  let changed = 0;
  for (const [i, item] of items.entries()) {
    if (i === Math.floor(items.length / 2)) midBatch();
    if (item.object_type !== 'none' && fn(item)) changed++;
  }
  return changed;
}

/** The kinds by name; a name not in it is refused before anything is stored. */
export class BulkKinds {
  private readonly byName = new Map<string, BulkKind>();

  constructor(kinds: BulkKind[]) {
    for (const k of kinds) this.byName.set(k.name, k);
  }

  get(name: string): BulkKind {
    const k = this.byName.get(name);
    if (!k) throw new Error(`no bulk action kind ${name}`);
    return k;
  }

  get all(): BulkKind[] {
    return [...this.byName.values()];
  }
}
