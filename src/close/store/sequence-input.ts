import type { Ids } from '../../core/ids.js';
import { validationError } from '../../core/errors.js';
import { SEQUENCE_STATUSES, STEP_TYPES, type ScheduleT, type StepT } from '../../../schemas/close/sequences.js';

// Checks of what a sequence write sends (src/close/store/sequences.ts): each throws a 400 naming the field.

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const bad = (field: string, message: string) => validationError(`${field}: ${message}`, { [field]: message });

export function statusOf(v: string | undefined): string | undefined {
  if (v !== undefined && !(SEQUENCE_STATUSES as readonly string[]).includes(v)) throw bad('status', `"${v}" is not one of ${SEQUENCE_STATUSES.join(', ')}.`);
  return v;
}

export function timezoneOf(v: string | undefined): string | undefined {
  if (v === undefined) return v;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
  } catch {
    throw bad('timezone', `"${v}" is not a known time zone.`);
  }
  return v;
}

/** JSON of a valid schedule, null to clear it, undefined when not sent. */
export function scheduleOf(v: ScheduleT | null | undefined): string | null | undefined {
  if (v === undefined || v === null) return v;
  for (const r of v.ranges) {
    if (!HHMM.test(r.start) || !HHMM.test(r.end)) throw bad('schedule', 'Range start and end are HH:MM times.');
    if (r.start >= r.end) throw bad('schedule', 'A range ends after it starts.');
  }
  return JSON.stringify(v);
}

/** JSON of valid steps, each with an id (a new one for a step sent without). */
export function stepsOf(ids: Ids, v: StepT[] | undefined): string | undefined {
  if (v === undefined) return v;
  const out = v.map((step) => {
    if (!(STEP_TYPES as readonly string[]).includes(step.step_type)) throw bad('steps', `step_type "${step.step_type}" is not one of ${STEP_TYPES.join(', ')}.`);
    if (step.step_type === 'email' && !step.email_template_id) throw bad('steps', 'An email step needs an email_template_id.');
    return { ...step, id: step.id ?? ids.base62('seqstep_') };
  });
  return JSON.stringify(out);
}
