import { cached, type Db } from '../../core/db.js';
import { own } from '../../core/own.js';
import { SUBSCRIPTION_STATUSES } from '../../../schemas/close/sequences.js';
import { words } from './text.js';

// The legacy search string's related-object queries, `rel(query)`: `contact(name:ann)`,
// `opportunity(status:Won value > 100)`, `contact(sequence_subscription(sequence:*))`. Inside the
// parentheses terms name the related object's own fields; each becomes a has_related node of the
// s_query tree, so the compiler evaluates it as it does Close's structured form.
// Real API: the grammar is unpublished and reaches many more kinds (call(, sms(, email(, task(…); here:
// contact and opportunity from a lead, sequence_subscription from a contact; anything else is a 400.

export type LegacyScope = 'lead' | 'contact' | 'opportunity' | 'sequence_subscription';

/** The related-object queries each scope may open, `name(` → the related object type. */
export const RELATIONS: Record<LegacyScope, readonly LegacyScope[]> = {
  lead: ['contact', 'opportunity'], contact: ['sequence_subscription'], opportunity: [], sequence_subscription: [],
};

export interface Term { key: string; op: ':' | '>' | '>=' | '<' | '<=' | '='; value: string; quoted: boolean; any: boolean }
/** The parser's error at a token: the key (`key`) or the value (`value`). */
export type FailAt = (which: 'key' | 'value', message: string) => never;

const regular = (object_type: string, field_name: string) => ({ type: 'regular_field', object_type, field_name });
const cond = (field: object, condition: object) => ({ type: 'field_condition', field, condition });

/** The keys each related scope understands, for the 400 that lists them. */
const KEYS: Record<Exclude<LegacyScope, 'lead'>, readonly string[]> = {
  contact: ['name', 'title', 'email_address', 'email', 'phone'],
  opportunity: ['status', 'status_type', 'value', 'note'],
  sequence_subscription: ['sequence', 'status'],
};

/** `key op value` inside `rel(…)`: a field_condition on the related object, or a 400 naming the key. */
export function relatedTerm(db: Db, orgId: string, scope: Exclude<LegacyScope, 'lead'>, t: Term, fail: FailAt): Record<string, unknown> {
  const key = t.key.toLowerCase();
  if (!KEYS[scope].includes(key)) {
    return fail('key', `Unknown field inside ${scope}(…); supported: ${KEYS[scope].join(', ')}${scope === 'sequence_subscription' ? '' : ', or words to search for'}`);
  }
  const colonOnly = () => {
    if (t.op !== ':' && t.op !== '=') fail('key', `${t.key} takes ":" only`);
  };
  const text = (object_type: string, name: string) => {
    colonOnly();
    const field = regular(object_type, name);
    if (t.any) return cond(field, { type: 'exists' });
    if (words(t.value).length === 0) fail('value', 'The value has no words to search for');
    return cond(field, { type: 'text', mode: t.quoted ? 'phrase' : 'full_words', value: t.value });
  };
  const term = (object_type: string, name: string, value: string) => {
    colonOnly();
    const field = regular(object_type, name);
    return cond(field, t.any ? { type: 'exists' } : { type: 'term', values: [value] });
  };
  switch (`${scope}.${key}`) {
    case 'contact.name': return text('contact', 'name');
    case 'contact.title': return text('contact', 'title');
    case 'contact.email_address':
    case 'contact.email': return term('contact', 'emails', t.value);
    case 'contact.phone': return term('contact', 'phones', t.value);
    case 'opportunity.note': return text('opportunity', 'note');
    case 'opportunity.status_type': {
      if (!t.any && !['active', 'won', 'lost'].includes(t.value.toLowerCase())) fail('value', 'status_type is active, won or lost');
      return term('opportunity', 'status_type', t.value.toLowerCase());
    }
    case 'opportunity.status': {
      colonOnly();
      const field = regular('opportunity', 'status_id');
      if (t.any) return cond(field, { type: 'exists' });
      const id = cached(db, `SELECT id FROM close_opportunity_statuses WHERE org_id = ? AND lower(label) = lower(?) ORDER BY position, id LIMIT 1`)
        .pluck().get(orgId, t.value) as string | undefined;
      if (!id) return fail('value', 'No opportunity status has this label');
      return cond(field, { type: 'reference', reference_type: 'status.opportunity', object_ids: [id] });
    }
    case 'opportunity.value': {
      const field = regular('opportunity', 'value');
      if (t.any) return cond(field, { type: 'exists' });
      const n = t.value.trim() === '' ? NaN : Number(t.value);
      if (!Number.isFinite(n)) return fail('value', 'Expected a number');
      const bound = own({ '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' }, t.op);
      return cond(field, bound ? { type: 'number_range', [bound]: n } : { type: 'term', values: [n] });
    }
    case 'sequence_subscription.status': {
      if (!t.any && !(SUBSCRIPTION_STATUSES as readonly string[]).includes(t.value)) fail('value', `A subscription's status is one of ${SUBSCRIPTION_STATUSES.join(', ')}`);
      return term('sequence_subscription', 'status', t.value);
    }
    default: {
      // sequence_subscription.sequence: * (any), a sequence id, or a sequence's name.
      colonOnly();
      const field = regular('sequence_subscription', 'sequence_id');
      if (t.any) return cond(field, { type: 'exists' });
      const id = cached(db, `SELECT id FROM close_sequences WHERE org_id = ? AND (id = ? OR lower(name) = lower(?)) ORDER BY id = ? DESC, id LIMIT 1`)
        .pluck().get(orgId, t.value, t.value, t.value) as string | undefined;
      if (!id) return fail('value', 'No sequence has this id or name');
      return cond(field, { type: 'reference', reference_type: 'sequence', object_ids: [id] });
    }
  }
}
