import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList, PAGE_LIMITS } from './common.js';
import { GivenDate, listQuery, optionalStrings, Required, S } from './objects.js';

const NS = Nullable(S);

/**
 * Close's task types (the `_type` filter's values); only `lead` tasks are kept here. `opportunity` is the
 * name two ETL connectors send for opportunity tasks [U] (Close's docs: `opportunity_due`): both filter.
 */
export const TASK_TYPES = [
  'lead', 'outgoing_call', 'incoming_email', 'email_followup', 'missed_call', 'answered_detached_call', 'voicemail',
  'opportunity_due', 'opportunity', 'incoming_sms',
] as const;
export const TASK_VIEWS = ['inbox', 'future', 'archive'] as const;

/**
 * A lead task. `date` and `due_date` are the same value: null (dateless), a date (YYYY-MM-DD) or a
 * Close timestamp, as the client gave it. The `…_name` keys name the lead and users, as Close's do.
 */
export const Task = Type.Object({
  id: S, _type: S, organization_id: S, lead_id: S, lead_name: NS, contact_id: NS, contact_name: NS,
  assigned_to: NS, assigned_to_name: NS, text: S, date: NS, due_date: NS, is_dateless: Type.Boolean(),
  is_complete: Type.Boolean(), created_by: NS, created_by_name: NS, updated_by: NS, updated_by_name: NS,
  date_created: S, date_updated: S,
});
export type TaskT = Static<typeof Task>;
export const TaskPartial = Type.Partial(Task);
export const TaskList = closeList(TaskPartial);

/** A date (YYYY-MM-DD) or a timestamp; null (or is_dateless) leaves the task without one. */
const TaskDate = GivenDate;
const Writable = {
  assigned_to: Type.Optional(NS),
  date: TaskDate,
  /** Another name for `date` (Close documents both). */
  due_date: TaskDate,
  is_complete: Type.Optional(Type.Boolean()),
  is_dateless: Type.Optional(Type.Boolean()),
};
export const TaskCreate = Type.Object({
  /** Real API: `lead` and `outgoing_call` can be created; here: `lead` (the default) only, else a 400 naming `_type`. */
  _type: Type.Optional(S),
  lead_id: Required,
  text: Required,
  /** One of the organization's users (an import of history); the key's user when omitted or null. */
  created_by: Type.Optional(NS),
  ...Writable,
});
export type TaskCreateT = Static<typeof TaskCreate>;
/**
 * Real API: Close's UpdateTask lists `lead_id` and `created_by`; here: both are taken when they are the
 * task's own (a task sent back as it was read), another value is a 400 naming it (moving a task to
 * another lead, or changing its creator, is not emulated).
 */
export const TaskUpdate = Type.Object({ text: Type.Optional(Required), lead_id: Type.Optional(S), created_by: Type.Optional(NS), ...Writable });
export type TaskUpdateT = Static<typeof TaskUpdate>;

/** The filters Close documents for GET /task/ that the emulator applies. */
export const TASK_FILTERS = [
  'id', 'id__in', '_type', '_type__in', 'lead_id', 'assigned_to', 'is_complete', 'organization_id', 'view', '_order_by',
  'date', 'date__lt', 'date__lte', 'date__gt', 'date__gte', 'due_date', 'due_date__lt', 'due_date__lte', 'due_date__gt', 'due_date__gte',
  'date_created__lt', 'date_created__lte', 'date_created__gt', 'date_created__gte',
  'date_updated__lt', 'date_updated__lte', 'date_updated__gt', 'date_updated__gte',
] as const;
/** The ones it documents and the emulator refuses with a 400 naming them. */
export const TASK_REFUSED = ['format'] as const;
export const TaskListQuery = listQuery(optionalStrings([...TASK_FILTERS, ...TASK_REFUSED]), PAGE_LIMITS.task);

/**
 * PUT /task/ (bulk update): the GET filters (no paging) select the tasks. Real API: "Only the
 * `assigned_to`, `date` and `is_complete` fields may be updated"; the other fields Close's schema lists
 * (`text`, `priority`, `resolution`, `organization_id`) are refused (src/close/refused.ts).
 */
export const TaskBulkQuery = Type.Object({ ...optionalStrings([...TASK_FILTERS, ...TASK_REFUSED]), _fields: Type.Optional(S) });
export const TaskBulkUpdate = Type.Object({
  assigned_to: Type.Optional(NS),
  date: TaskDate,
  is_complete: Type.Optional(Type.Boolean()),
});
export type TaskBulkUpdateT = Static<typeof TaskBulkUpdate>;
