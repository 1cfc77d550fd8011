import t from 'tap';
import { build, orgOf, shareApps } from '../helper.js';
import { matchLeadIds } from '../../src/close/query/index.js';
import { words } from '../../src/close/query/text.js';
import { EXPECTED as X } from './query-text-expected.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Text conditions (spec §3.3), one table per field. The expected ids are literal lists written once
// from the seed file (query-text-expected.ts, each id beside the value that makes it match), never
// computed here with the tokenizer or matcher under test.

const ACME = 'lead_vOrP44Zl2o1zvLQSw9WlCIcAmcxQrFF72bJE3DBKN8K'; // "ACME Inc."
const INC_ACME = 'lead_MqlERovujwB9P3MMSwIBOazY2apkEpPbVIDy6rNX68r'; // "Inc. ACME Holdings"
const BLUE_TECH = 'lead_n7pT99c0nAO4ibkvJFLtdlkwzo5KRqET7d9tonAqKF6'; // "株式会社ブルーテック"
const sorted = (ids: readonly string[]) => [...ids].sort();

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
      'full_words', 'ACME Inc.', sorted([ACME, INC_ACME])],
    ['full_words ignores case and punctuation', 'full_words', 'inc, acme', sorted([ACME, INC_ACME])],
    ['full_words with one word matches that whole word only', 'full_words', 'acme', sorted(X.acmeWord)],
    ['full_words needs every word', 'full_words', 'ACME Inc. Holdings', [INC_ACME]],
    ['full_words on full-width Latin folds to ASCII', 'full_words', 'ＡＣＭＥ　Ｉｎｃ', sorted([ACME, INC_ACME])],
    ['beginning_of_words: each word is a prefix of some word', 'beginning_of_words', 'acme inc', sorted(X.acmeAndInc)],
    ['beginning_of_words "acm" also matches ACMECorp', 'beginning_of_words', 'acm', sorted(X.acme)],
    ['beginning_of_words "meri": the Meridian names', 'beginning_of_words', 'meri', sorted(X.meri)],
    ['beginning_of_words does not match inside a word', 'beginning_of_words', 'corp', sorted(X.corp)],
    ['exact_value is the whole value, case-insensitive', 'exact_value', 'acme inc.', [ACME]],
    ['exact_value without the dot is another value', 'exact_value', 'ACME Inc', []],
    ['phrase: adjacent words in order', 'phrase', 'ACME Inc', [ACME]],
    ['phrase: "acme holdings" is adjacent in "Inc. ACME Holdings"', 'phrase', 'acme holdings', [INC_ACME]],
    ['phrase: words out of order do not match', 'phrase', 'holdings acme', []],
    ['CJK: a Japanese word matches as a substring', 'full_words', 'ブルーテック', [BLUE_TECH]],
    ['CJK: 株式会社 matches names that start or end with it', 'full_words', '株式会社', sorted(X.kabushiki)],
    ['CJK: beginning_of_words also matches mid-name', 'beginning_of_words', 'テクノロジーズ', sorted(X.technologies)],
    ['CJK: exact_value still needs the whole name', 'exact_value', '株式会社ブルーテック', [BLUE_TECH]],
  ];
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
      sorted(X.budgetApproved)],
    ['url beginning_of_words "juniper"', onField('url', 'beginning_of_words', 'juniper'), sorted(X.juniperUrl)],
    ['custom text field exact_value', custom('exact_value', 'inbound chat'), sorted(X.inboundChat)],
    ['custom text field full_words', custom('full_words', 'referral'), sorted(X.referral)],
  ];
  for (const [label, q, expected] of cases) {
    t.ok(expected.length > 0, `${label}: the seed has matches`);
    t.same(run(q), expected, label);
  }
});
