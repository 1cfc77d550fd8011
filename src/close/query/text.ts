import type { Db } from '../../core/db.js';

// Text conditions (spec §3.3), evaluated inside SQLite by one deterministic user function so the
// WHERE clause stays in SQL. Words are maximal runs of Unicode letters/digits after NFKC folding
// (full-width "ＡＣＭＥ" is "acme") and lower-casing. Japanese and Chinese are written without
// spaces, so a word containing Han/Hiragana/Katakana matches as a substring of the folded field.
// Real API: Elasticsearch analyzers we cannot see; here: this documented tokeniser.

export type TextMode = 'full_words' | 'beginning_of_words' | 'exact_value' | 'phrase';

// Matching a row costs (needle words × field words) at worst (prefix and phrase scans, the substring
// pre-check): bounding the needle keeps every row's cost linear in its field, so one request cannot
// hold the event loop. Real API: Close's limit on a text condition's value is not documented; here a
// word-mode value may hold at most 1,000 characters and 64 words (a 400 names the value past that).
export const MAX_TEXT_CHARS = 1000;
export const MAX_TEXT_WORDS = 64;
export const TEXT_MODES: readonly TextMode[] = ['full_words', 'beginning_of_words', 'exact_value', 'phrase'];

/** The SQL name of the matcher: `close_text_match(mode, value, field)` → 1 | 0 (0 for NULL fields). */
export const TEXT_FN = 'close_text_match';

const WORD = /[\p{L}\p{N}]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const ASCII = /^[\x00-\x7f]*$/;

/** Why a word-mode value is past the bounds above; null when it is within them. */
export function textValueProblem(mode: TextMode, value: string): string | null {
  if (mode === 'exact_value') return null;
  if (value.length > MAX_TEXT_CHARS || words(value).length > MAX_TEXT_WORDS) {
    return `A ${mode} value may hold at most ${MAX_TEXT_CHARS} characters and ${MAX_TEXT_WORDS} words.`;
  }
  return null;
}

export function fold(text: string): string {
  return (ASCII.test(text) ? text : text.normalize('NFKC')).toLowerCase();
}

export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

interface Word { w: string; cjk: boolean }
interface Needle { mode: TextMode; words: Word[]; exact: string }

export function needle(mode: TextMode, value: string): Needle {
  return { mode, words: words(value).map((w) => ({ w, cjk: CJK.test(w) })), exact: fold(value).trim() };
}

/** A field's text folded once, its words split on first need: the matcher keeps the last one (below). */
class Field {
  private split: string[] | null = null;
  readonly folded: string;
  constructor(readonly text: string) {
    this.folded = fold(text);
  }
  get words(): string[] {
    return (this.split ??= this.folded.match(WORD) ?? []);
  }
}

/** Does the field text satisfy the condition? Pure; also used by tests as the reference. */
export function matches(n: Needle, field: string): boolean {
  return matchesField(n, new Field(field));
}

function matchesField(n: Needle, field: Field): boolean {
  const folded = field.folded;
  if (n.mode === 'exact_value') return folded.trim() === n.exact;
  if (n.words.length === 0) return false;
  // Cheap rejection before tokenising: every word (or prefix) must occur somewhere as a substring.
  for (const { w } of n.words) if (!folded.includes(w)) return false;
  const have = field.words;
  switch (n.mode) {
    case 'full_words': {
      const set = new Set(have);
      return n.words.every(({ w, cjk }) => cjk || set.has(w));
    }
    case 'beginning_of_words':
      return n.words.every(({ w, cjk }) => cjk || have.some((h) => h.startsWith(w)));
    case 'phrase': {
      const same = (k: number, h: string) => (n.words[k]!.cjk ? h.includes(n.words[k]!.w) : h === n.words[k]!.w);
      for (let i = 0; i + n.words.length <= have.length; i++) {
        if (n.words.every((_, k) => same(k, have[i + k]!))) return true;
      }
      return false;
    }
  }
}

const registered = new WeakSet<Db>();

/**
 * Registers the matcher once per database; parsed values are cached per (mode, value), and the last
 * field text seen is kept folded: SQLite evaluates a row's text nodes one after another on the same
 * text, so a query of many text nodes folds each object's text once.
 */
export function registerTextFunction(db: Db): void {
  if (registered.has(db)) return;
  const cache = new Map<string, Needle>();
  let last = new Field('');
  db.function(TEXT_FN, { deterministic: true }, (mode: unknown, value: unknown, field: unknown) => {
    if (field === null || field === undefined) return 0;
    const key = `${String(mode)}\u0000${String(value)}`;
    let n = cache.get(key);
    if (!n) {
      if (cache.size > 1000) cache.clear();
      cache.set(key, (n = needle(mode as TextMode, String(value))));
    }
    const text = String(field);
    if (text !== last.text) last = new Field(text);
    return matchesField(n, last) ? 1 : 0;
  });
  registered.add(db);
}
