import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import type { Clocks } from '../../core/clock.js';
import { notFound } from '../../core/errors.js';
import type { CloseEventT } from '../../../schemas/close/events.js';
import { currentEventContext, withContext, type EventContext } from './event-context.js';

export { withContext, type EventContext };

/** An event as Close's API answers it (schemas/close/events.ts). */
export type { CloseEventT };

export interface EventInput {
  object_type: string; object_id: string; lead_id: string | null; action: string;
  previous_data: object | null; data: object | null; changed_fields?: string[]; meta?: Record<string, unknown>;
}

/**
 * Hears every event as it is written. With `wants`, only while it says so for the organization (the
 * webhooks: while it has an active subscription); a tracked write whose events no listener wants
 * stores them without reading them back into objects.
 */
export type EventListener = ((orgId: string, event: CloseEventT, how: 'created' | 'consolidated') => void) & { wants?: (orgId: string) => boolean };

/** How one kind of object is rendered and tied to a lead, for `track`. */
export interface EventKind<O extends object = object> {
  /** The event's object_type (a function when it depends on the object, e.g. an activity's `_type`). */
  type: string | ((obj: O) => string);
  /** The object as GET answers it, or undefined when it does not exist. */
  render(orgId: string, id: string): O | undefined;
  /** Many at once (missing ones left out), where rendering them together is cheaper: `trackEach` uses it. */
  renderMany?(orgId: string, ids: string[]): Map<string, O>;
  leadId(obj: O): string | null;
  /** Objects deleted with this one, each with its kind (a lead's contacts, opportunities, activities, tasks). */
  children?(orgId: string, obj: O): Array<{ kind: EventKind; obj: object }>;
  /** The object as its events' `data` / `previous_data` show it, when that differs from the render (a lead without its children). */
  eventData?(obj: O): object;
}

interface EventRow {
  org_id: string; id: string; seq: number; object_type: string; object_id: string; lead_id: string | null; action: string;
  changed_fields: string; previous_data: string | null; data: string | null; meta: string; request_id: string | null;
  user_id: string | null; api_key_id: string | null; date_created: string; date_updated: string;
}

export const RETENTION_MS = 30 * 24 * 3600 * 1000;
/** Real API: the consolidation window is not documented; here: 5 seconds of the organization's clock. */
export const CONSOLIDATION_MS = 5000;

/** Close's event timestamp: naive UTC with microseconds (`2019-01-15T12:48:23.395000`). */
export const eventDate = (ms: number): string => new Date(ms).toISOString().slice(0, 23) + '000';

const json = (v: unknown): string => JSON.stringify(v);
const objectOf = (o: object | null): Record<string, unknown> | null => (o === null ? null : (o as Record<string, unknown>));

/** Keys whose JSON differs between two renders of one object, sorted. */
export function diffKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameJson(before[k], after[k])).sort();
}

/** Whether two values have the same JSON; identical values (most keys of an update) are not serialized. */
const sameJson = (a: unknown, b: unknown): boolean => a === b || json(a) === json(b);

/**
 * Close's event log: every write through the API records what it did, in the write's own transaction
 * (so no change is ever without its event, nor an event without its change).
 */
export class EventLog {
  readonly listeners: EventListener[] = [];
  /** When each organization's events were last pruned (its clock, ms). */
  private readonly pruned = new Map<string, number>();
  consolidationMs = CONSOLIDATION_MS;
  /** Bench-only (`npm run bench`, stage events): false measures the same writes without their events. */
  enabled = true;
  /** Test-only: called between a tracked write and its events (src/core/faults.ts). */
  crashPoint: (() => void) | null = null;


  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks) {}

  /** Runs `fn` with these context parts (e.g. `{ meta: { bulk_action_id } }`) added to the current ones. */
  withContext<T>(ctx: Partial<EventContext>, fn: () => T): T {
    return withContext(ctx, fn);
  }

  /**
   * Records one event; call inside the write's transaction. `updated`: changed_fields default to the keys
   * whose JSON differs between previous_data and data, and previous_data keeps only those keys' old values;
   * no changed field → nothing recorded. An `updated` of the same object by the same actor (user, key,
   * bulk action) within the consolidation window, when it is that object's newest event, is updated in
   * place. Returns the event written or consolidated, or null.
   */
  record(orgId: string, e: EventInput): CloseEventT | null {
    return this.write(orgId, e, true);
  }

  /** `record`; the event object is built only when `answer` or a listener wants it. */
  private write(orgId: string, e: EventInput, answer: boolean): CloseEventT | null {
    if (!this.enabled) return null;
    const ctx = currentEventContext();
    const meta = { ...ctx.meta, ...e.meta };
    let previous = objectOf(e.previous_data);
    const data = e.action === 'deleted' ? null : objectOf(e.data);
    let changed = e.changed_fields ?? [];
    if (e.action === 'updated') {
      if (!e.changed_fields) changed = previous && data ? diffKeys(previous, data) : [];
      if (changed.length === 0) return null;
      if (previous) previous = Object.fromEntries(changed.filter((k) => Object.hasOwn(previous!, k)).map((k) => [k, previous![k]]));
    }
    if (e.action === 'created') previous = null;
    const nowMs = this.clock.nowMs(orgId);
    const now = eventDate(nowMs);
    this.prune(orgId, nowMs);
    const seq = ((cached(this.db, `SELECT MAX(seq) FROM close_events WHERE org_id = ?`).pluck().get(orgId) as number | null) ?? 0) + 1;
    if (e.action === 'updated' && this.consolidationMs > 0) {
      // The newest event of the object, its small columns only: the row (with its data) is read when it consolidates.
      const newest = cached(this.db, `SELECT id, action, object_type, user_id, api_key_id, meta, date_created FROM close_events
        INDEXED BY close_events_object WHERE org_id = ? AND object_id = ? ORDER BY date_updated DESC, seq DESC LIMIT 1`)
        .get(orgId, e.object_id) as Pick<EventRow, 'id' | 'action' | 'object_type' | 'user_id' | 'api_key_id' | 'meta' | 'date_created'> | undefined;
      const last = newest && newest.action === 'updated' && newest.object_type === e.object_type && newest.user_id === ctx.user_id
        && newest.api_key_id === ctx.api_key_id && json(JSON.parse(newest.meta).bulk_action_id) === json(meta['bulk_action_id'])
        && Date.parse(newest.date_created + 'Z') >= nowMs - this.consolidationMs
        ? cached(this.db, `SELECT * FROM close_events WHERE org_id = ? AND id = ?`).get(orgId, newest.id) as EventRow
        : undefined;
      if (last) {
        // Real API: previous_data reflects the state before the first consolidated change; here: the same —
        // changed_fields is the union, data the newest, and request_id / meta those of the newest change.
        const first = JSON.parse(last.previous_data ?? '{}') as Record<string, unknown>;
        const merged = { ...previous, ...first };
        const fields = [...new Set([...JSON.parse(last.changed_fields) as string[], ...changed])].sort();
        const row: EventRow = {
          ...last, seq, changed_fields: json(fields), previous_data: json(merged), data: json(data), meta: json(meta),
          request_id: ctx.request_id, date_updated: now, lead_id: e.lead_id,
        };
        cached(this.db, `UPDATE close_events SET seq = @seq, changed_fields = @changed_fields, previous_data = @previous_data, data = @data,
          meta = @meta, request_id = @request_id, date_updated = @date_updated, lead_id = @lead_id WHERE org_id = @org_id AND id = @id`).run(row);
        return this.emit(orgId, row, 'consolidated', answer);
      }
    }
    const row: EventRow = {
      org_id: orgId, id: this.ids.base62('ev_', 22), seq, object_type: e.object_type, object_id: e.object_id, lead_id: e.lead_id,
      action: e.action, changed_fields: json(changed), previous_data: previous ? json(previous) : null, data: data ? json(data) : null,
      meta: json(meta), request_id: ctx.request_id, user_id: ctx.user_id, api_key_id: ctx.api_key_id, date_created: now, date_updated: now,
    };
    cached(this.db, `INSERT INTO close_events (org_id, id, seq, object_type, object_id, lead_id, action, changed_fields, previous_data, data,
      meta, request_id, user_id, api_key_id, date_created, date_updated) VALUES (@org_id, @id, @seq, @object_type, @object_id, @lead_id,
      @action, @changed_fields, @previous_data, @data, @meta, @request_id, @user_id, @api_key_id, @date_created, @date_updated)`).run(row);
    return this.emit(orgId, row, 'created', answer);
  }

  /**
   * Runs `write` in one transaction with the events it causes: renders the object before (when `id` is
   * given) and after (the id of a create is `idOf(result)`), and records created / updated / deleted.
   * A created object's children (its kind says which) get their own `created` events after its own; a
   * deleted object's children their `deleted` events before its own.
   */
  track<T, O extends object>(orgId: string, kind: EventKind<O>, id: string | null, write: () => T, idOf?: (result: T) => string): T {
    if (!this.enabled) return this.db.transaction(write)();
    return this.db.transaction(() => {
      const before = id === null ? undefined : kind.render(orgId, id);
      const children = before && kind.children ? kind.children(orgId, before) : [];
      const result = write();
      this.crashPoint?.();
      const objectId = id ?? (idOf ? idOf(result) : (result as { id: string }).id);
      const after = kind.render(orgId, objectId);
      if (!before && after) {
        this.log(orgId, kind, objectId, 'created', null, after);
        // A lead created with contacts: each contact gets its own `created` event.
        for (const c of kind.children ? kind.children(orgId, after) : []) this.log(orgId, c.kind, (c.obj as { id: string }).id, 'created', null, c.obj);
      }
      else if (before && after) this.log(orgId, kind, objectId, 'updated', before, after);
      else if (before && !after) {
        for (const c of children) this.log(orgId, c.kind, (c.obj as { id: string }).id, 'deleted', c.obj, null);
        this.log(orgId, kind, objectId, 'deleted', before, null);
      }
      return result;
    })();
  }

  /** `track` for a write that changes many existing objects (`ids` are read before it, in its transaction). */
  trackMany<T, O extends object>(orgId: string, kind: EventKind<O>, ids: () => string[], write: () => T): T {
    if (!this.enabled) return this.db.transaction(write)();
    return this.db.transaction(() => {
      const list = ids();
      // Rendered together where the kind can (one query for all, not one per object).
      const renderAll = (): Map<string, O> => kind.renderMany ? kind.renderMany(orgId, list)
        : new Map(list.flatMap((id) => { const obj = kind.render(orgId, id); return obj ? [[id, obj] as const] : []; }));
      const before = renderAll();
      const result = write();
      const now = renderAll();
      for (const id of list) {
        const b = before.get(id);
        const after = now.get(id);
        if (b && after) this.log(orgId, kind, id, 'updated', b, after);
      }
      return result;
    })();
  }

  /**
   * `track` for a batch of existing objects of any kinds (a bulk action's batch), inside the caller's
   * transaction: each rendered before and after `write`; updated or deleted events (with `deletes`, a
   * deleted object's children first, as `track` does).
   */
  trackEach<T>(orgId: string, objects: Array<{ kind: EventKind; id: string }>, write: () => T, opts: { deletes?: boolean } = {}): T {
    if (!this.enabled) return write();
    const renderAll = () => {
      const out = new Map<EventKind, Map<string, object>>();
      for (const kind of new Set(objects.map((o) => o.kind))) {
        const ids = objects.filter((o) => o.kind === kind).map((o) => o.id);
        out.set(kind, kind.renderMany ? kind.renderMany(orgId, ids)
          : new Map(ids.flatMap((id) => { const obj = kind.render(orgId, id); return obj ? [[id, obj] as const] : []; })));
      }
      return out;
    };
    const rendered = renderAll();
    const before = objects.map((o) => {
      const obj = rendered.get(o.kind)!.get(o.id);
      // Children only where the write deletes (reading a lead's activities and tasks costs more than the lead).
      return { ...o, obj, children: obj && opts.deletes && o.kind.children ? o.kind.children(orgId, obj) : [] };
    });
    const result = write();
    const now = renderAll();
    for (const b of before) {
      if (!b.obj) continue;
      const after = now.get(b.kind)!.get(b.id);
      if (after) this.log(orgId, b.kind, b.id, 'updated', b.obj, after);
      else {
        for (const c of b.children) this.log(orgId, c.kind, (c.obj as { id: string }).id, 'deleted', c.obj, null);
        this.log(orgId, b.kind, b.id, 'deleted', b.obj, null);
      }
    }
    return result;
  }

  /** One object's event from its renders (before null: created; after null: deleted). */
  log<O extends object>(orgId: string, kind: EventKind<O>, objectId: string, action: string, before: O | null, after: O | null): void {
    const obj = (after ?? before)!;
    this.write(orgId, {
      object_type: typeof kind.type === 'string' ? kind.type : kind.type(obj), object_id: objectId, lead_id: kind.leadId(obj),
      action, previous_data: before && kind.eventData ? kind.eventData(before) : before, data: after && kind.eventData ? kind.eventData(after) : after,
    }, false);
  }

  /** Events older than the retention are never answered; they are deleted on the next write. */
  private prune(orgId: string, nowMs: number): void {
    // At most once a second of the organization's clock: a batch of events prunes once, not per event.
    const last = this.pruned.get(orgId);
    if (last !== undefined && nowMs >= last && nowMs - last < 1000) return;
    this.pruned.set(orgId, nowMs);
    cached(this.db, `DELETE FROM close_events WHERE org_id = ? AND date_updated < ?`).run(orgId, eventDate(nowMs - RETENTION_MS));
  }

  /** The oldest date_updated still answered. */
  cutoff(orgId: string): string {
    return eventDate(this.clock.nowMs(orgId) - RETENTION_MS);
  }

  find(orgId: string, id: string): CloseEventT | undefined {
    const row = cached(this.db, `SELECT * FROM close_events WHERE org_id = ? AND id = ? AND date_updated >= ?`).get(orgId, id, this.cutoff(orgId)) as EventRow | undefined;
    return row ? eventOf(row) : undefined;
  }

  get(orgId: string, id: string): CloseEventT {
    const event = this.find(orgId, id);
    if (!event) throw notFound(`Event ${id} not found.`);
    return event;
  }

  /** Rows of a list query (SQL built by src/close/store/event-list.ts from a fixed set of shapes). */
  rows(sql: string, params: Record<string, unknown>): Array<{ seq: number; event: CloseEventT }> {
    return (cached(this.db, sql).all(params) as EventRow[]).map((r) => ({ seq: r.seq, event: eventOf(r) }));
  }

  exists(sql: string, params: Record<string, unknown>): boolean {
    return cached(this.db, sql).get(params) !== undefined;
  }

  private emit(orgId: string, row: EventRow, how: 'created' | 'consolidated', answer: boolean): CloseEventT | null {
    const hearing = this.listeners.filter((l) => !l.wants || l.wants(orgId));
    if (!answer && hearing.length === 0) return null;
    const event = eventOf(row);
    for (const l of hearing) l(orgId, event, how);
    return event;
  }
}

function eventOf(r: EventRow): CloseEventT {
  return {
    id: r.id, object_type: r.object_type, object_id: r.object_id, lead_id: r.lead_id, action: r.action,
    changed_fields: JSON.parse(r.changed_fields) as string[],
    previous_data: r.previous_data === null ? null : JSON.parse(r.previous_data) as Record<string, unknown>,
    data: r.data === null ? null : JSON.parse(r.data) as Record<string, unknown>, meta: JSON.parse(r.meta) as Record<string, unknown>,
    request_id: r.request_id, user_id: r.user_id, api_key_id: r.api_key_id, organization_id: r.org_id,
    date_created: r.date_created, date_updated: r.date_updated,
  };
}
