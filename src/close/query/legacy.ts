import { cached, type Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import { own } from '../../core/own.js';
import { words } from './text.js';
import { RELATIONS, relatedTerm, type LegacyScope, type Term } from './legacy-related.js';

// Close's legacy search string (`query` on GET /lead/, /opportunity/ and bulk edits), translated into
// the s_query tree the compiler already takes, so both languages share one evaluation path.
// Real API: deprecated in 2022, grammar unpublished; here: the subset Close's client README and public
// maintenance scripts use (docs/close.md "Legacy search string"); anything else is a 400 naming the token.
//
//   query   := or
//   or      := and ('or' and)*
//   and     := unary (['and'] unary)*          (adjacent terms are and-ed)
//   unary   := 'not' unary | '(' or ')' | rel '(' or ')' | term     (rel: legacy-related.ts, no space before '(')
//   term    := '*' | value | key ':' value | key op value     op := > >= < <= =    ('*' alone: every lead)
//   (after ':' or an op, an unquoted value runs to the next space or parenthesis, so a datetime's
//   colons are part of it: `date_updated > 2024-01-01T00:00:00.000000+0000`)
//   key, value := word | "quoted string"    (a value may be * = "has a value")
//   sort:[-]field and slice:i/n may appear only among the top-level and-ed terms.
//
// The tokenizer is a single forward scan and the parser recursive descent with a depth bound: no
// regular expression sees the input, and nothing backtracks.

export const MAX_LEGACY_CHARS = 10_000;
export const MAX_LEGACY_DEPTH = 50;

type Tok =
  | { k: 'word'; v: string; at: number }
  | { k: 'str'; v: string; at: number }
  | { k: '(' | ')' | ':'; v: string; at: number }
  | { k: 'op'; v: Op; at: number };

type Op = '>' | '>=' | '<' | '<=' | '=';

export interface SortKey {
  direction: 'asc' | 'desc';
  /** `__activities`: the lead's number of activities (sort.ts), only in trees translated from the legacy string. */
  field: { type: 'regular_field'; object_type: 'lead'; field_name: string } | { type: '__activities' };
}
export interface Slice { index: number; count: number }
export interface Legacy { sQuery: Record<string, unknown>; sort: SortKey[]; slice: Slice | null }

const SPECIAL = new Set(['(', ')', ':', '"', '<', '>', '=']);
const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

function tokenize(src: string, fail: (msg: string) => never): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (isSpace(ch)) { i++; continue; }
    const at = i;
    if (ch === '(' || ch === ')' || ch === ':') { out.push({ k: ch, v: ch, at }); i++; continue; }
    if (ch === '<' || ch === '>' || ch === '=') {
      const eq = ch !== '=' && src[i + 1] === '=';
      out.push({ k: 'op', v: (eq ? ch + '=' : ch) as Op, at });
      i += eq ? 2 : 1;
      continue;
    }
    if (ch === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) fail(`Unterminated quoted string at position ${at}.`);
        const c = src[i]!;
        if (c === '\\' && i + 1 < src.length) { v += src[i + 1]; i += 2; continue; }
        if (c === '"') { i++; break; }
        v += c;
        i++;
      }
      out.push({ k: 'str', v, at });
      continue;
    }
    let v = '';
    // A value (after ':' or an op) may hold ':', '<', '>' and '=': it ends at a space or a parenthesis.
    const prev = out[out.length - 1];
    const value = prev !== undefined && (prev.k === ':' || prev.k === 'op');
    while (i < src.length && !isSpace(src[i]!) && (value ? src[i] !== '(' && src[i] !== ')' && src[i] !== '"' : !SPECIAL.has(src[i]!))) v += src[i++];
    out.push({ k: 'word', v, at });
  }
  return out;
}

const regular = (object_type: string, field_name: string) => ({ type: 'regular_field', object_type, field_name });
const cond = (field: object, condition: object, negate = false) => ({ type: 'field_condition', field, condition, ...(negate ? { negate } : {}) });
const related = (rel: string, related_query: object) => ({ type: 'has_related', this_object_type: 'lead', related_object_type: rel, related_query });

/**
 * `YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HHMM|±HH:MM]` → an ISO instant `fixed_utc` takes (no offset: UTC);
 * null for anything else. Anchored, fixed-width groups: nothing backtracks.
 */
const DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
export function parseLegacyDatetime(text: string): string | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const zone = m[6] === undefined || m[6] === 'Z' ? 'Z' : `${m[6].slice(0, 3)}:${m[6].slice(-2)}`;
  const iso = `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${(m[5] ?? '').padEnd(3, '0').slice(0, 3)}${zone}`;
  return Number.isNaN(Date.parse(iso)) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59 ? null : iso;
}

const DATE = (v: string) => v.length === 10 && v[4] === '-' && v[7] === '-' && [...v].every((c, i) => i === 4 || i === 7 || (c >= '0' && c <= '9'));

/** The legacy keys this emulator evaluates (besides custom.* and the sort/slice directives). */
const FIELDS: Record<string, string> = {
  name: 'name', company: 'name', email_address: 'email', phone: 'phone', url: 'url', status: 'status', lead_status: 'status',
  created: 'date_created', updated: 'date_updated', date_created: 'date_created', date_updated: 'date_updated',
  contacts: 'contacts', opportunities: 'opportunities', addresses: 'addresses',
  // Real API: address terms match any of the lead's addresses; here: the same (city and state as words, country and zipcode exactly).
  city: 'address.city', state: 'address.state', zipcode: 'address.zipcode', country: 'address.country',
};
/**
 * `activities`: Real API: undocumented (Close's own script sorts `addresses > 1 sort:activities`);
 * here [D]: the number of the lead's activities (notes, emails, calls, meetings, SMS, custom and
 * recorded ones), fewest first (`-activities`: most first).
 */
const SORTS: Record<string, string> = {
  created: 'date_created', updated: 'date_updated', name: 'name', date_created: 'date_created', date_updated: 'date_updated', activities: '__activities',
};

class Parser {
  private pos = 0;
  private depth = 0;
  readonly sort: SortKey[] = [];
  slice: Slice | null = null;
  /** The object the terms being read are about: the lead, or the related object of an enclosing `rel(…)`. */
  private scope: LegacyScope = 'lead';

  constructor(private readonly db: Db, private readonly orgId: string, private readonly toks: Tok[], private readonly field: string) {}

  fail(message: string): never {
    const text = `${this.field}: ${message}`;
    throw validationError(text, { [this.field]: text });
  }

  failAt(t: Tok | undefined, message: string): never {
    return this.fail(t ? `${JSON.stringify(t.k === 'str' ? `"${t.v}"` : t.v)} at position ${t.at}: ${message}.` : `${message} at the end of the query.`);
  }

  private peek(): Tok | undefined { return this.toks[this.pos]; }
  private keyword(t: Tok | undefined, kw: string): boolean { return t?.k === 'word' && t.v.toLowerCase() === kw; }

  parse(): Record<string, unknown> {
    const q = this.or(true);
    if (this.pos < this.toks.length) this.failAt(this.peek(), 'Unexpected token');
    return q;
  }

  private or(top: boolean): Record<string, unknown> {
    const parts = [this.and(top)];
    while (this.keyword(this.peek(), 'or')) {
      this.pos++;
      parts.push(this.and(false));
    }
    if (parts.length > 1 && (this.sort.length > 0 || this.slice) && top) this.fail('sort: and slice: apply to the whole query; they cannot be one side of an "or".');
    return parts.length === 1 ? parts[0]! : { type: 'or', queries: parts };
  }

  private and(top: boolean): Record<string, unknown> {
    const parts: Record<string, unknown>[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.k === ')' || this.keyword(t, 'or')) break;
      if (this.keyword(t, 'and')) {
        if (parts.length === 0) this.failAt(t, '"and" needs a term on each side');
        this.pos++;
        const next = this.peek();
        if (!next || next.k === ')' || this.keyword(next, 'or') || this.keyword(next, 'and')) this.failAt(next, '"and" needs a term on each side');
        continue;
      }
      const q = this.unary(top);
      if (q) parts.push(q);
    }
    if (parts.length === 0 && !(top && (this.sort.length > 0 || this.slice))) {
      if (!(top && this.toks.length === 0)) this.failAt(this.peek(), 'Expected a search term');
    }
    return parts.length === 1 ? parts[0]! : { type: 'and', queries: parts };
  }

  /** A term, or null for a sort:/slice: directive (top-level only). */
  private unary(top: boolean): Record<string, unknown> | null {
    const t = this.peek()!;
    if (this.depth >= MAX_LEGACY_DEPTH) this.failAt(t, `The query is nested more than ${MAX_LEGACY_DEPTH} levels deep`);
    this.depth++;
    try {
      if (this.keyword(t, 'not')) {
        this.pos++;
        const next = this.peek();
        if (!next || next.k === ')' || this.keyword(next, 'or') || this.keyword(next, 'and')) this.failAt(next, '"not" needs a term');
        const q = this.unary(false)!;
        return { ...q, negate: q.negate !== true };
      }
      if (t.k === '(') {
        this.pos++;
        const q = this.or(false);
        if (this.peek()?.k !== ')') this.failAt(this.peek(), 'Expected ")"');
        this.pos++;
        return q;
      }
      return this.term(top);
    } finally {
      this.depth--;
    }
  }

  private term(top: boolean): Record<string, unknown> | null {
    const t = this.peek()!;
    if (t.k !== 'word' && t.k !== 'str') return this.failAt(t, 'Expected a search term');
    this.pos++;
    const sep = this.peek();
    if (t.k === 'word' && sep?.k === '(' && sep.at === t.at + t.v.length) return this.relation(t);
    if (sep?.k !== ':' && sep?.k !== 'op') {
      // Real API: `*` alone (`* sort:created`, in Close's own scripts) matches every lead; here: the same.
      if (t.k === 'word' && t.v === '*') return { type: 'match_all' };
      if (this.scope === 'sequence_subscription') this.failAt(t, 'Inside sequence_subscription(…) only sequence: and status: apply');
      if (words(t.v).length === 0) this.failAt(t, 'The term has no words to search for');
      return { type: 'text', value: t.v, mode: t.k === 'str' ? 'phrase' : 'beginning_of_words' };
    }
    this.pos++;
    const value = this.peek();
    if (value?.k !== 'word' && value?.k !== 'str') return this.failAt(value, `Expected a value after ${JSON.stringify(t.v + sep.v)}`);
    this.pos++;
    const key = t.v.toLowerCase();
    if (sep.k === ':' && (key === 'sort' || key === 'slice')) {
      if (!top || this.depth !== 1) this.failAt(t, `${key}: applies to the whole query; it cannot be inside parentheses, "not" or "or"`);
      if (key === 'sort') this.sortKey(value);
      else this.sliceOf(value);
      return null;
    }
    return this.field_(t, sep.k === 'op' ? sep.v : ':', value);
  }

  /**
   * `rel(query)` (the name touching its parenthesis): the current object has a related `rel` that
   * matches `query`, whose terms are about that related object (legacy-related.ts).
   */
  private relation(t: Tok): Record<string, unknown> {
    const rel = t.v.toLowerCase() as LegacyScope;
    if (!RELATIONS[this.scope].includes(rel)) {
      const open = RELATIONS[this.scope].map((r) => `${r}(…)`).join(', ') || 'none';
      this.failAt(t, `Related-object queries "${t.v}(…)" are not emulated inside ${this.scope === 'lead' ? 'a lead query' : `${this.scope}(…)`}; supported: ${open}`);
    }
    this.pos++;
    const outer = this.scope;
    this.scope = rel;
    try {
      const q = this.or(false);
      if (this.peek()?.k !== ')') this.failAt(this.peek(), 'Expected ")"');
      this.pos++;
      return { type: 'has_related', this_object_type: outer, related_object_type: rel, related_query: q };
    } finally {
      this.scope = outer;
    }
  }

  private sortKey(v: Tok): void {
    const desc = v.v.startsWith('-');
    const name = own(SORTS, (desc ? v.v.slice(1) : v.v).toLowerCase());
    if (!name) this.failAt(v, `Unknown sort field; supported: ${Object.keys(SORTS).join(', ')} (prefix - for descending)`);
    this.sort.push({ direction: desc ? 'desc' : 'asc', field: name === '__activities' ? { type: '__activities' } : { type: 'regular_field', object_type: 'lead', field_name: name } });
  }

  private sliceOf(v: Tok): void {
    const [i, n, extra] = v.v.split('/');
    const int = (s: string | undefined) => (s !== undefined && s.length > 0 && s.length <= 6 && [...s].every((c) => c >= '0' && c <= '9') ? Number(s) : NaN);
    const index = int(i);
    const count = int(n);
    if (extra !== undefined || !(count >= 1) || !(index >= 1 && index <= count)) this.failAt(v, 'slice: takes i/n with 1 ≤ i ≤ n');
    if (this.slice) this.failAt(v, 'Only one slice: per query');
    this.slice = { index, count };
  }

  private field_(keyTok: Tok, given: ':' | Op, v: Tok): Record<string, unknown> {
    const key = keyTok.v;
    // `=` is `:` for every field but a datetime (the exact instant there, dateCond).
    const op = given === '=' ? ':' : given;
    const any = v.k === 'word' && v.v === '*';
    if (any && op !== ':') this.failAt(v, '"*" only works with ":"');
    if (this.scope !== 'lead') {
      const term: Term = { key, op, value: v.v, quoted: v.k === 'str', any };
      return relatedTerm(this.db, this.orgId, this.scope, term, (which, message) => this.failAt(which === 'key' ? keyTok : v, message));
    }
    if (key.toLowerCase().startsWith('custom.')) return this.custom(keyTok, key.slice('custom.'.length), op, v, any);
    const f = own(FIELDS, key.toLowerCase());
    if (!f) return this.failAt(keyTok, `Unknown field; supported: ${Object.keys(FIELDS).join(', ')}, custom.<name>, sort, slice`);
    const textual = (object_type: string, field_name: string) => {
      const field = regular(object_type, field_name);
      if (op !== ':') this.failAt(keyTok, `${key} is text; comparisons need a number or date field`);
      if (any) return cond(field, { type: 'exists' });
      if (words(v.v).length === 0) this.failAt(v, 'The value has no words to search for');
      return cond(field, { type: 'text', mode: v.k === 'str' ? 'phrase' : 'full_words', value: v.v });
    };
    switch (f) {
      case 'name':
      case 'url':
        return textual('lead', f);
      case 'email':
      case 'phone': {
        const field = regular('contact', f === 'email' ? 'emails' : 'phones');
        if (op !== ':') this.failAt(keyTok, `${key} is text; comparisons need a number or date field`);
        return related('contact', cond(field, any ? { type: 'exists' } : { type: 'term', values: [v.v] }));
      }
      case 'status': {
        if (op !== ':') this.failAt(keyTok, `${key} is a status label; comparisons need a number or date field`);
        const field = regular('lead', 'status_id');
        if (any) return cond(field, { type: 'exists' });
        const id = cached(this.db, `SELECT id FROM close_lead_statuses WHERE org_id = ? AND lower(label) = lower(?) ORDER BY position, id LIMIT 1`)
          .pluck().get(this.orgId, v.v) as string | undefined;
        if (!id) return this.failAt(v, 'No lead status has this label');
        return cond(field, { type: 'reference', reference_type: 'status.lead', object_ids: [id] });
      }
      case 'date_created':
      case 'date_updated':
        return this.dateCond(regular('lead', f), given, v, any);
      case 'address.city':
      case 'address.state':
      case 'address.zipcode':
      case 'address.country': {
        const name = f.slice('address.'.length);
        if (op !== ':') this.failAt(keyTok, `${key} is text; comparisons need a number or date field`);
        const field = regular('address', name);
        if (any) return related('address', cond(field, { type: 'exists' }));
        if (name === 'city' || name === 'state') return related('address', textual('address', name));
        // Country codes are stored upper-case (store/addresses.ts): `country:us` finds US.
        return related('address', cond(field, { type: 'term', values: [name === 'country' ? v.v.toUpperCase() : v.v] }));
      }
      default:
        return this.count(keyTok, f, op, v, any);
    }
  }

  /**
   * `contacts > 1`, `opportunities:0`: s_query has no count, so these become internal `__count` nodes
   * ("at least gte related objects"), which the compiler accepts only in translated trees.
   */
  private count(keyTok: Tok, rel: string, op: string, v: Tok, any: boolean): Record<string, unknown> {
    const relType = rel === 'contacts' ? 'contact' : rel === 'addresses' ? 'address' : 'opportunity';
    if (any) return related(relType, { type: 'match_all' });
    const n = this.number(v);
    if (!Number.isInteger(n) || n < 0) this.failAt(v, `${keyTok.v} counts take a whole number`);
    const atLeast = (gte: number, negate = false) => ({ type: '__count', rel: relType, gte, ...(negate ? { negate } : {}) });
    switch (op) {
      case ':': return { type: 'and', queries: [atLeast(n), atLeast(n + 1, true)] };
      case '>': return atLeast(n + 1);
      case '>=': return atLeast(n);
      case '<': return atLeast(n, true);
      default: return atLeast(n + 1, true);
    }
  }

  private number(v: Tok): number {
    const n = v.v.trim() === '' ? NaN : Number(v.v);
    return Number.isFinite(n) ? n : this.failAt(v, 'Expected a number');
  }

  /**
   * A date field against a date (a local day, X-TZ-Offset) or a datetime (an instant): `2024-01-01T00:00`,
   * `2024-01-01T00:00:00.000000+0000`, `…Z`, quoted or not, seconds and fraction optional.
   * Real API: the legacy grammar is unpublished, and a datetime without an offset is read in a zone it
   * does not document; here: a datetime without an offset is UTC, and `>`/`<` are exclusive at the instant.
   */
  private dateCond(field: object, op: string, v: Tok, any: boolean): Record<string, unknown> {
    if (any) return cond(field, { type: 'exists' });
    if (!DATE(v.v)) {
      const at = parseLegacyDatetime(v.v);
      if (at === null) return this.failAt(v, 'Expected a date YYYY-MM-DD or a datetime such as 2024-01-01T00:00:00.000000+0000');
      const moment = { type: 'fixed_utc', value: at };
      switch (op) {
        case '>': return cond(field, { type: 'moment_range', __after: moment });
        case '>=': return cond(field, { type: 'moment_range', on_or_after: moment });
        case '<': return cond(field, { type: 'moment_range', before: moment });
        case '<=': return cond(field, { type: 'moment_range', __on_or_before: moment });
        default: return cond(field, { type: 'moment_range', on_or_after: moment, __on_or_before: moment });
      }
    }
    const day = (which: 'start' | 'end') => ({ type: 'fixed_local_date', value: v.v, which });
    switch (op) {
      case ':': case '=': return cond(field, { type: 'moment_range', on_or_after: day('start'), before: day('end') });
      case '>': return cond(field, { type: 'moment_range', on_or_after: day('end') });
      case '>=': return cond(field, { type: 'moment_range', on_or_after: day('start') });
      case '<': return cond(field, { type: 'moment_range', before: day('start') });
      default: return cond(field, { type: 'moment_range', before: day('end') });
    }
  }

  private custom(keyTok: Tok, name: string, op: string, v: Tok, any: boolean): Record<string, unknown> {
    const row = cached(this.db, `SELECT f.id, f.type FROM close_custom_fields f WHERE f.org_id = ? AND f.name = ?
      AND (f.object_type = 'lead' OR (f.object_type = 'shared' AND EXISTS (SELECT 1 FROM close_shared_field_associations s
        WHERE s.org_id = f.org_id AND s.field_id = f.id AND s.object_type = 'lead'))) ORDER BY f.id LIMIT 1`)
      .get(this.orgId, name) as { id: string; type: string } | undefined;
    if (!row) return this.failAt(keyTok, 'No lead custom field has this name');
    const field = { type: 'custom_field', custom_field_id: row.id };
    if (any) return cond(field, { type: 'exists' });
    switch (row.type) {
      case 'number': {
        const n = this.number(v);
        const key = op === ':' ? null : ({ '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as Record<string, string>)[op]!;
        return cond(field, key ? { type: 'number_range', [key]: n } : { type: 'term', values: [n] });
      }
      case 'date':
      case 'datetime':
        return this.dateCond(field, op, v, false);
      case 'choices':
        if (op !== ':') this.failAt(keyTok, 'Choice fields take ":" only');
        return cond(field, { type: 'term', values: [v.v] });
      case 'text':
      case 'textarea':
      case 'hidden':
        if (op !== ':') this.failAt(keyTok, 'Text fields take ":" only');
        if (words(v.v).length === 0) this.failAt(v, 'The value has no words to search for');
        return cond(field, { type: 'text', mode: v.k === 'str' ? 'phrase' : 'full_words', value: v.v });
      default:
        return this.failAt(keyTok, `Custom fields of type ${row.type} cannot be searched with the legacy query`);
    }
  }
}

/**
 * Translates a legacy search string into an s_query tree (leads), its sort keys and slice. Errors are
 * 400s keyed on `field` (the request parameter) that quote the offending token and its position.
 */
export function translateLegacy(db: Db, orgId: string, text: string, field = 'query'): Legacy {
  const fail = (message: string): never => {
    const t = `${field}: ${message}`;
    throw validationError(t, { [field]: t });
  };
  if (text.length > MAX_LEGACY_CHARS) fail(`The query is longer than ${MAX_LEGACY_CHARS} characters.`);
  const p = new Parser(db, orgId, tokenize(text, fail), field);
  const body = p.parse();
  const sQuery = { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, ...(body.type === 'and' && !body.negate ? (body.queries as object[]) : [body])] };
  return { sQuery, sort: p.sort, slice: p.slice };
}
