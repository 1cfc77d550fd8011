import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import type { Clocks } from '../../core/clock.js';
import { notFound, validationError } from '../../core/errors.js';
import { own } from '../../core/own.js';
import {
  TASK_REFUSED, TASK_TYPES, TASK_VIEWS, type TaskBulkUpdateT, type TaskCreateT, type TaskT, type TaskUpdateT,
} from '../../../schemas/close/tasks.js';
import { closeDate, givenDate } from '../dates.js';
import { orderBy, refuse, Where, type ListQuery } from './filters.js';
import type { RecordedActivityStore } from './recorded-activities.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';

interface TaskRow {
  id: string; lead_id: string; lead_name: string | null; assigned_to: string | null; text: string; date: string | null;
  is_complete: number; created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
  assigned_to_name: string | null; created_by_name: string | null; updated_by_name: string | null;
}

const NAME = (col: string) =>
  `(SELECT NULLIF(TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), '') FROM close_users u WHERE u.org_id = t.org_id AND u.id = ${col})`;
const FROM = `FROM close_tasks t LEFT JOIN close_leads l ON l.org_id = t.org_id AND l.id = t.lead_id`;
const SELECT = `SELECT t.*, l.name AS lead_name, ${NAME('t.assigned_to')} AS assigned_to_name, ${NAME('t.created_by')} AS created_by_name,
  ${NAME('t.updated_by')} AS updated_by_name ${FROM}`;
/** A task's due moment as a Close timestamp (a date-only task is due at its UTC midnight), for ranges and ordering. */
const DUE = `(CASE WHEN length(t.date) = 10 THEN t.date || 'T00:00:00.000000+00:00' ELSE t.date END)`;
/** Real API: `_order_by` takes date or date_created; here: the same, dateless tasks after dated ones (ascending). */
const ORDER_FIELDS = new Map<string, string>([['date', `COALESCE(${DUE}, '9999')`], ['date_created', 't.date_created']]);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const BOOLEANS = new Map<string, number>([['true', 1], ['false', 0], ['1', 1], ['0', 0]]);

/** A `date` / `due_date` a client sends → a date kept as a date, a date-time as a Close timestamp, or null. */
function taskDate(v: string | null | undefined, field: string): string | null | undefined {
  if (v === undefined || v === null) return v;
  if (DATE_ONLY.test(v)) {
    // A calendar day that exists (Date.parse rolls 2026-02-30 over to March).
    const ms = Date.parse(v);
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v) throw validationError(`${field} is not a valid date.`, { [field]: 'Enter a valid date/time.' });
    return v;
  }
  return givenDate(v, field);
}

/** The due date a write sets: `date` or `due_date` (the same), null when `is_dateless`; undefined = unchanged. */
function dueOf(input: { date?: string | null | undefined; due_date?: string | null | undefined; is_dateless?: boolean | undefined }) {
  const date = taskDate(input.date, 'date');
  const due = taskDate(input.due_date, 'due_date');
  if (date !== undefined && due !== undefined && date !== due) {
    throw validationError('date and due_date differ.', { due_date: 'date and due_date name the same value; send one.' });
  }
  const given = date !== undefined ? date : due;
  if (input.is_dateless === true) {
    if (given) throw validationError('A dateless task has no date.', { is_dateless: 'Send no date with is_dateless true.' });
    return null;
  }
  return given;
}

export class TaskStore {
  /** Records a TaskCompleted activity when a task is completed, deletes it when it is reopened (set by CloseStore). */
  recorded: RecordedActivityStore | null = null;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly clock: Clocks) {}

  /**
   * The tasks matching Close's documented filters. Real API: `view` (inbox / future / archive) is
   * relative to the user's day in their time zone; here: the organization's clock in the X-TZ-Offset
   * zone (UTC without it), dateless incomplete tasks in the inbox. Ranges on `date` / `due_date`
   * compare due moments (a date is due at its UTC midnight). Default order: due date, dateless last.
   */
  list(orgId: string, q: PageParams & ListQuery, tzOffsetMinutes = 0): ClosePage<TaskT> {
    const w = this.matching(orgId, q, tzOffsetMinutes);
    const order = orderBy(q, ORDER_FIELDS, `COALESCE(${DUE}, '9999') ASC, t.date_created, t.id`);
    const sql = `${SELECT} WHERE t.org_id = @org${w.sql()} ORDER BY ${order}`;
    const { rows, has_more } = pageRows<TaskRow>(this.db, sql, { ...w.params, org: orgId }, q);
    return { data: rows.map((r) => this.render(orgId, r)), has_more };
  }

  /**
   * PUT /task/: every task the GET filters match gets the same `assigned_to`, `date` and / or
   * `is_complete`. Real API: "Any of the filters of the GET endpoint may be used", "Only the
   * `assigned_to`, `date` and `is_complete` fields may be updated"; its answer and what no filter at all
   * does are not documented; here: no filter matches every task of the organization (as GET lists
   * them all), an empty update is a 400, and the answer is `{}`. All or nothing: a bad value updates no task.
   */
  bulkUpdate(orgId: string, userId: string, q: ListQuery, patch: TaskBulkUpdateT, tzOffsetMinutes = 0): number {
    if (patch.assigned_to === undefined && patch.date === undefined && patch.is_complete === undefined) {
      throw validationError('Nothing to update: send assigned_to, date or is_complete.');
    }
    const w = this.matching(orgId, q, tzOffsetMinutes);
    // Real API: `date` is a date or a date-time; here: also null, which leaves the tasks dateless (as PUT /task/{id}/ does).
    const date = taskDate(patch.date, 'date');
    if (patch.assigned_to !== undefined) this.checkAssignee(orgId, patch.assigned_to);
    const sets = ['updated_by = @user', 'date_updated = @now'];
    if (date !== undefined) sets.push('date = @date');
    if (patch.assigned_to !== undefined) sets.push('assigned_to = @assigned_to');
    if (patch.is_complete !== undefined) sets.push('is_complete = @is_complete');
    const params = {
      ...w.params, org: orgId, user: userId, now: this.stamp.now(orgId), date: date ?? null, assigned_to: patch.assigned_to ?? null,
      is_complete: patch.is_complete ? 1 : 0,
    };
    // The filters read t.* and the lead join, so the matching ids are chosen first, then updated in one statement.
    return this.db.transaction(() => {
      // The tasks whose completion this flips: each records (or, reopened, loses) its TaskCompleted activity.
      const flipped = patch.is_complete === undefined ? [] : this.db.prepare(`SELECT t.id ${FROM} WHERE t.org_id = @org${w.sql()} AND t.is_complete <> @is_complete`)
        .pluck().all(params) as string[];
      const n = this.db.prepare(`UPDATE close_tasks SET ${sets.join(', ')} WHERE org_id = @org AND id IN (SELECT t.id ${FROM} WHERE t.org_id = @org${w.sql()})`)
        .run(params).changes;
      if (flipped.length > 0) this.recorded?.taskCompletion(orgId, userId, flipped, patch.is_complete === true);
      return n;
    })();
  }

  /** The GET filters as SQL over `t` (the task) — shared by the list and the bulk update. */
  private matching(orgId: string, q: ListQuery, tzOffsetMinutes: number): Where {
    refuse(q, TASK_REFUSED);
    const str = (name: string) => { const v = own(q as Record<string, unknown>, name); return typeof v === 'string' ? v : undefined; };
    const view = str('view');
    if (view !== undefined && !(TASK_VIEWS as readonly string[]).includes(view)) {
      throw validationError(`view: "${view}" is not one of ${TASK_VIEWS.join(', ')}.`, { view: `"${view}" is not one of ${TASK_VIEWS.join(', ')}.` });
    }
    const w = new Where(q)
      .equals('id', 't.id').equals('_type', `'lead'`, { allowed: TASK_TYPES }).equals('lead_id', 't.lead_id', { noIn: true })
      .equals('assigned_to', 't.assigned_to', { noIn: true }).equals('organization_id', 't.org_id', { noIn: true })
      .dates('date_created', 't.date_created', false, ['__gt', '__gte', '__lt', '__lte'])
      .dates('date_updated', 't.date_updated', false, ['__gt', '__gte', '__lt', '__lte']);
    // Real API: a view of inbox or future overrides date__lt and date__gte; here: the same (due_date's too).
    const overridden = view === 'inbox' || view === 'future' ? ['__lt', '__gte'] : [];
    for (const name of ['date', 'due_date']) {
      w.dates(name, DUE, false, ['__gt', '__gte', '__lt', '__lte'].filter((op) => !overridden.includes(op)));
      const exact = str(name);
      if (exact !== undefined) {
        // A date matches every task due that day; a timestamp, the tasks due at that moment.
        const at = DATE_ONLY.test(exact.trim()) ? exact.trim() : taskDate(exact.trim(), name)!;
        w.add(at.length === 10 ? `substr(t.date, 1, 10) = ${w.bind(at)}` : `${DUE} = ${w.bind(at)}`);
      }
    }
    const complete = str('is_complete');
    if (complete !== undefined) {
      const flag = BOOLEANS.get(complete.toLowerCase());
      if (flag === undefined) throw validationError(`is_complete: "${complete}" is not true or false.`, { is_complete: 'Expected true or false.' });
      w.add(`t.is_complete = ${w.bind(flag)}`);
    }
    if (view === 'archive') w.add('t.is_complete = 1');
    if (view === 'inbox' || view === 'future') {
      const { today, tomorrow } = this.day(orgId, tzOffsetMinutes);
      const [d, ts] = [w.bind(today), w.bind(tomorrow)];
      w.add(view === 'inbox'
        ? `t.is_complete = 0 AND (t.date IS NULL OR (length(t.date) = 10 AND t.date <= ${d}) OR (length(t.date) > 10 AND t.date < ${ts}))`
        : `t.is_complete = 0 AND ((length(t.date) = 10 AND t.date > ${d}) OR (length(t.date) > 10 AND t.date >= ${ts}))`);
    }
    return w;
  }

  /** The user's today (YYYY-MM-DD) and the start of their tomorrow (a Close timestamp), on the organization's clock. */
  private day(orgId: string, tzOffsetMinutes: number): { today: string; tomorrow: string } {
    const local = new Date(this.clock.nowMs(orgId) + tzOffsetMinutes * 60_000);
    const today = local.toISOString().slice(0, 10);
    const next = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - tzOffsetMinutes * 60_000;
    return { today, tomorrow: closeDate(new Date(next)) };
  }

  get(orgId: string, id: string): TaskT {
    const row = cached(this.db, `${SELECT} WHERE t.org_id = ? AND t.id = ?`).get(orgId, id) as TaskRow | undefined;
    if (!row) throw notFound(`Task ${id} not found.`);
    return this.render(orgId, row);
  }

  /** Many tasks as GET answers each, read in one query (a bulk update's events); missing ones left out. */
  findMany(orgId: string, ids: string[]): Map<string, TaskT> {
    const rows = cached(this.db, `${SELECT} WHERE t.org_id = ? AND t.id IN (SELECT value FROM json_each(?))`).all(orgId, JSON.stringify(ids)) as TaskRow[];
    return new Map(rows.map((r) => [r.id, this.render(orgId, r)]));
  }

  create(orgId: string, userId: string, input: TaskCreateT): TaskT {
    if (input._type !== undefined && input._type !== 'lead') {
      throw validationError(`_type: only lead tasks can be created here.`, { _type: 'Not supported by the emulator: only lead tasks are emulated.' });
    }
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    const date = dueOf(input) ?? null;
    // Real API: assigned_to defaults to the user creating the task; here: the same (the API key's user).
    const assignee = input.assigned_to === undefined ? userId : input.assigned_to;
    this.checkAssignee(orgId, assignee);
    const creator = input.created_by ?? userId;
    // Any user of the organization, active or not: a creator is history (a task restored from an export).
    if (creator !== userId && !exists(this.db, 'close_users', orgId, creator)) throw validationError(`User ${creator} not found.`, { created_by: 'User not found.' });
    const now = this.stamp.now(orgId);
    const row = {
      org_id: orgId, id: this.ids.base62('task_'), lead_id: input.lead_id, assigned_to: assignee, text: input.text, date,
      is_complete: input.is_complete ? 1 : 0, created_by: creator, updated_by: userId, date_created: now, date_updated: now,
    };
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_tasks (org_id, id, lead_id, assigned_to, text, date, is_complete, created_by, updated_by, date_created, date_updated)
        VALUES (@org_id, @id, @lead_id, @assigned_to, @text, @date, @is_complete, @created_by, @updated_by, @date_created, @date_updated)`).run(row);
      // Real API: not documented for a task created complete; here: it is completed then, so it records its activity.
      if (row.is_complete === 1) this.recorded?.taskCompletion(orgId, userId, [row.id], true);
    })();
    return this.get(orgId, row.id);
  }

  /** Real API: completing a task (is_complete true) also logs a TaskCompleted activity, reopening it deletes that; here: the same. */
  update(orgId: string, userId: string, id: string, patch: TaskUpdateT): TaskT {
    const current = this.get(orgId, id);
    const date = dueOf(patch);
    const moved = (['lead_id', 'created_by'] as const).filter((k) => patch[k] !== undefined && patch[k] !== current[k]);
    if (moved.length) {
      throw validationError(`${moved.join(', ')}: not the task's own.`, Object.fromEntries(moved.map((k) => [k, k === 'lead_id'
        ? 'Not supported by the emulator: a task cannot be moved to another lead here.'
        : 'Not supported by the emulator: a task\'s creator cannot be changed here.'])));
    }
    // The task's own assignee is kept as it is, even one who has left (a task sent back as it was read).
    if (patch.assigned_to !== undefined && patch.assigned_to !== current.assigned_to) this.checkAssignee(orgId, patch.assigned_to);
    const next = {
      org_id: orgId, id, text: patch.text ?? current.text, date: date === undefined ? current.date : date,
      assigned_to: patch.assigned_to === undefined ? current.assigned_to : patch.assigned_to,
      is_complete: (patch.is_complete ?? current.is_complete) ? 1 : 0, updated_by: userId, date_updated: this.stamp.now(orgId),
    };
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_tasks SET text = @text, date = @date, assigned_to = @assigned_to, is_complete = @is_complete,
        updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`).run(next);
      if (next.is_complete !== (current.is_complete ? 1 : 0)) this.recorded?.taskCompletion(orgId, userId, [id], next.is_complete === 1);
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    cached(this.db, `DELETE FROM close_tasks WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  /** Real API: a task is assigned to a member of the organization; here: an active user of it, or null. */
  private checkAssignee(orgId: string, userId: string | null): void {
    if (userId === null) return;
    const active = cached(this.db, `SELECT active FROM close_users WHERE org_id = ? AND id = ?`).pluck().get(orgId, userId) as number | undefined;
    if (active === undefined) throw validationError(`User ${userId} not found.`, { assigned_to: 'User not found.' });
    if (active !== 1) throw validationError(`User ${userId} is no longer a member of the organization.`, { assigned_to: 'User is not an active member.' });
  }

  private render(orgId: string, r: TaskRow): TaskT {
    return {
      id: r.id, _type: 'lead', organization_id: orgId, lead_id: r.lead_id, lead_name: r.lead_name, contact_id: null, contact_name: null,
      assigned_to: r.assigned_to, assigned_to_name: r.assigned_to_name, text: r.text, date: r.date, due_date: r.date,
      is_dateless: r.date === null, is_complete: r.is_complete === 1, created_by: r.created_by, created_by_name: r.created_by_name,
      updated_by: r.updated_by, updated_by_name: r.updated_by_name, date_created: r.date_created, date_updated: r.date_updated,
    };
  }
}
