import t from 'tap';
import { build, orgOf, seed, shareApps } from '../helper.js';
import { matchLeadIds } from '../../src/close/query/index.js';
import { words } from '../../src/close/query/text.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Text conditions (spec §3.3), one table per field; expected ids come from the seed JSON.

const leads = seed.close!.leads;
const ACME = 'lead_vOrP44Zl2o1zvLQSw9WlCIcAmcxQrFF72bJE3DBKN8K';
const INC_ACME = 'lead_MqlERovujwB9P3MMSwIBOazY2apkEpPbVIDy6rNX68r';
const idOf = (name: string) => leads.find((l) => l.name === name)!.id;
const where = (pred: (l: (typeof leads)[number]) => boolean) => leads.filter(pred).map((l) => l.id).sort();
/** Independent reference for "some word of the text starts with p" (ASCII p). */
const wordStarts = (text: string | null, p: string) => text !== null && new RegExp(`(^|[^\\p{L}\\p{N}])${p}`, 'iu').test(text);

const onField = (field_name: string, mode: string, value: string) => ({
  type: 'and',
  queries: [
    { type: 'object_type', object_type: 'lead' },
    { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name }, condition: { type: 'text', mode, value } },
  ],
});

t.test('words are maximal runs of letters and digits, case-folded and NFKC-normalised', async (t) => {
  t.same(words('Inc. ACME Holdings'), ['inc', 'acme', 'holdings']);
  t.same(words('ACMECorp'), ['acmecorp']);
  t.same(words('aiden.rossi@juniper-medical.example.com'), ['aiden', 'rossi', 'juniper', 'medical', 'example', 'com']);
  t.same(words('ＡＣＭＥ　Ｉｎｃ．'), ['acme', 'inc']);
  t.same(words('株式会社ブルーテック 東京'), ['株式会社ブルーテック', '東京']);
});

t.test('text conditions on the lead name, per mode', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  const run = (q: unknown) => matchLeadIds(app.tenants.db(org), org, q, { now: new Date() }).sort();
  const cases: [string, string, string, string[]][] = [
    ['doc example: full_words "ACME Inc." matches either word order, not ACMECorp, Acme Industries or ACME Incorporated',
      'full_words', 'ACME Inc.', [ACME, INC_ACME].sort()],
    ['full_words ignores case and punctuation', 'full_words', 'inc, acme', [ACME, INC_ACME].sort()],
    ['full_words with one word matches that whole word only', 'full_words', 'acme',
      [ACME, INC_ACME, idOf('Acme Industries'), idOf('ACME Incorporated')].sort()],
    ['full_words needs every word', 'full_words', 'ACME Inc. Holdings', [INC_ACME]],
    ['full_words on full-width Latin folds to ASCII', 'full_words', 'ＡＣＭＥ　Ｉｎｃ', [ACME, INC_ACME].sort()],
    ['beginning_of_words: each word is a prefix of some word', 'beginning_of_words', 'acme inc',
      [ACME, INC_ACME, idOf('ACME Incorporated')].sort()],
    ['beginning_of_words "acm" also matches ACMECorp', 'beginning_of_words', 'acm', where((l) => wordStarts(l.name, 'acm'))],
    ['beginning_of_words against an independent regex', 'beginning_of_words', 'meri', where((l) => wordStarts(l.name, 'meri'))],
    ['beginning_of_words does not match inside a word', 'beginning_of_words', 'corp', where((l) => wordStarts(l.name, 'corp'))],
    ['exact_value is the whole value, case-insensitive', 'exact_value', 'acme inc.', [ACME]],
    ['exact_value without the dot is another value', 'exact_value', 'ACME Inc', []],
    ['phrase: adjacent words in order', 'phrase', 'ACME Inc', [ACME]],
    ['phrase: "acme holdings" is adjacent in "Inc. ACME Holdings"', 'phrase', 'acme holdings', [INC_ACME]],
    ['phrase: words out of order do not match', 'phrase', 'holdings acme', []],
    ['CJK: a Japanese word matches as a substring', 'full_words', 'ブルーテック', where((l) => (l.name ?? '').includes('ブルーテック'))],
    ['CJK: 株式会社 matches names that start or end with it', 'full_words', '株式会社', where((l) => (l.name ?? '').includes('株式会社'))],
    ['CJK: beginning_of_words also matches mid-name', 'beginning_of_words', 'テクノロジーズ', where((l) => (l.name ?? '').includes('テクノロジーズ'))],
    ['CJK: exact_value still needs the whole name', 'exact_value', '株式会社ブルーテック', where((l) => l.name === '株式会社ブルーテック')],
  ];
  t.ok(cases[14]![3].length >= 1 && cases[15]![3].length > 5, 'the CJK cases select something');
  for (const [label, mode, value, expected] of cases) t.same(run(onField('name', mode, value)), expected, label);
});

t.test('text conditions on other text fields: description, url and a custom text field', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  const run = (q: unknown) => matchLeadIds(app.tenants.db(org), org, q, { now: new Date() }).sort();
  const SOURCE = 'cf_PQDXGgaG8Asq36qVrDPkRBgOyb61voZedM5rLhTdjIG';
  const custom = (mode: string, value: string) => ({
    type: 'field_condition', field: { type: 'custom_field', custom_field_id: SOURCE }, condition: { type: 'text', mode, value },
  });
  const cases: [string, unknown, string[]][] = [
    ['description full_words "budget approved"', onField('description', 'full_words', 'approved budget'),
      where((l) => wordStarts(l.description, 'budget\\b') && wordStarts(l.description, 'approved\\b'))],
    ['url beginning_of_words "juniper"', onField('url', 'beginning_of_words', 'juniper'), where((l) => wordStarts(l.url, 'juniper'))],
    ['custom text field exact_value', custom('exact_value', 'inbound chat'),
      where((l) => String(l.custom[SOURCE] ?? '').toLowerCase() === 'inbound chat')],
    ['custom text field full_words', custom('full_words', 'referral'), where((l) => wordStarts(l.custom[SOURCE] as string ?? null, 'referral\\b'))],
  ];
  for (const [label, q, expected] of cases) {
    t.ok(expected.length > 0, `${label}: the seed has matches`);
    t.same(run(q), expected, label);
  }
});
