import t from 'tap';
import { build, bearer, orgOf, count, snapshot, multipart, isError, SEED_IDS, shareApps } from '../helper.js';
import { MAX_CELL_CHARS } from '../../src/blueai/store/import.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const url = '/api/v1/crm/bulk/contacts/import';
const HEADER = 'first_name,last_name,email,phone,position,company_id,note';

async function upload(app: Awaited<ReturnType<typeof build>>, content: string | Buffer, token = 'test-token', name = 'file') {
  const { payload, headers } = multipart([{ name, filename: 'contacts.csv', content }]);
  return app.inject({ method: 'POST', url, headers: { ...bearer(token), ...headers }, payload });
}

function contactsNamed(app: Awaited<ReturnType<typeof build>>, lastName: string) {
  const org = orgOf(app);
  return app.tenants.db(org).prepare(`SELECT * FROM blueai_contacts WHERE org_id = ? AND last_name = ? ORDER BY first_name`).all(org, lastName) as Record<string, unknown>[];
}

t.test('importing a UTF-8 CSV with BOM, CRLF, quoted commas/newlines and Japanese text stores every row', async (t) => {
  const app = await build(t);
  const csv = '\uFEFF' + [
    HEADER,
    `太郎,試験山田,taro@example.jp,03-1234-5678,部長,${SEED_IDS.company},"メモ, カンマ入り"`,
    `花子,試験山田,,,"課長",,"1行目\r\n2行目 ""引用"""`,
    '',
  ].join('\r\n');
  const res = await upload(app, csv);
  t.equal(res.statusCode, 200);
  t.same(res.json(), { processed: 2, errors: [] });
  const rows = contactsNamed(app, '試験山田');
  t.equal(rows.length, 2);
  t.match(rows.find((r) => r.first_name === '太郎'), { email: 'taro@example.jp', phone: '03-1234-5678', position: '部長', company_id: SEED_IDS.company, note: 'メモ, カンマ入り' });
  t.match(rows.find((r) => r.first_name === '花子'), { email: null, phone: null, position: '課長', company_id: null, note: '1行目\r\n2行目 "引用"' });
  t.match(rows[0]!.id, /^cont_[0-9a-f]{32}$/);
});

t.test('invalid rows are skipped with an error naming the spreadsheet row; the rest are imported', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = count(app, 'blueai_contacts', org);
  const csv = [
    HEADER,
    '一郎,試験鈴木,ichiro@example.jp,,,,', // row 2: ok
    '二郎,,jiro@example.jp,,,,', // row 3: no last_name
    '三郎,試験鈴木,not-an-email,,,,', // row 4: bad email
    '', // blank line: not a record
    '四郎,試験鈴木,,,,comp_00000000000000000000000000000000,', // row 6: unknown company
    '"五郎",試験鈴木,goro@example.jp,,,,"複数\n行の\nメモ"', // row 7: ok, spans lines
    '六郎,試験鈴木,,,,,', // row 8: ok
  ].join('\n');
  const res = await upload(app, csv);
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    processed: 3,
    errors: [
      'row 3: last_name is required',
      'row 4: email "not-an-email" is invalid',
      'row 6: company_id comp_00000000000000000000000000000000 does not exist',
    ],
  });
  t.equal(count(app, 'blueai_contacts', org), before + 3);
  t.same(contactsNamed(app, '試験鈴木').map((r) => r.first_name).sort(), ['一郎', '五郎', '六郎'].sort());
});

t.test('a cell over 32,767 characters is that row\'s error; a cell of exactly 32,767 imports', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = count(app, 'blueai_contacts', org);
  const fits = 'x'.repeat(MAX_CELL_CHARS);
  const csv = [
    'last_name,first_name,note',
    `試験長文,ok,${fits}`, // row 2: at the limit
    `試験長文,long,${fits}y`, // row 3: one over
    `試験長文,padded,  ${fits}  `, // row 4: at the limit once trimmed
    `${'z'.repeat(MAX_CELL_CHARS + 1)},both,${fits}yy`, // row 5: two long cells
  ].join('\n');
  const res = await upload(app, csv);
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    processed: 2,
    errors: [
      'row 3: note is 32768 characters long; a cell may hold at most 32767',
      'row 5: last_name is 32768 characters long; a cell may hold at most 32767; note is 32769 characters long; a cell may hold at most 32767',
    ],
  });
  t.equal(count(app, 'blueai_contacts', org), before + 2);
  const rows = contactsNamed(app, '試験長文');
  t.same(rows.map((r) => [r.first_name, (r.note as string).length]), [['ok', MAX_CELL_CHARS], ['padded', MAX_CELL_CHARS]]);
});

t.test('errors quote at most 200 characters of a long header or cell, so a huge bad file gets a small answer', async (t) => {
  const app = await build(t);
  const before = count(app, 'blueai_contacts', orgOf(app));
  const header = await upload(app, `first_name,${'x'.repeat(100_000)}\nHanako,Yamada\n`);
  isError(t, header, 400, 'VALIDATION_ERROR');
  t.match(header.json().error.message, /^The CSV header must include last_name \(found: first_name, x{188}…\)$/);
  t.ok(header.body.length < 1000, `the answer is ${header.body.length} bytes`);
  const long = `${'a'.repeat(30_000)}@`;
  const cells = await upload(app, `${HEADER}\nHanako,Yamada,${long},,,comp_${'9'.repeat(30_000)},\n`);
  t.equal(cells.statusCode, 200);
  t.same(cells.json(), { processed: 0, errors: [`row 2: email "${long.slice(0, 200)}…" is invalid; company_id comp_${'9'.repeat(195)}… does not exist`] });
  t.equal(count(app, 'blueai_contacts', orgOf(app)), before, 'nothing was imported');
});

t.test('unknown headers are ignored and columns may come in any order', async (t) => {
  const app = await build(t);
  const res = await upload(app, 'Last_Name,shoe_size,first_name\n試験佐藤,27,次郎\n');
  t.same(res.json(), { processed: 1, errors: [] });
  t.match(contactsNamed(app, '試験佐藤').find((r) => r.first_name === '次郎'), { email: null, note: null });
});

t.test('a header-only file imports nothing and reports no errors', async (t) => {
  const app = await build(t);
  const res = await upload(app, HEADER + '\r\n');
  t.same(res.json(), { processed: 0, errors: [] });
});

t.test('files the import cannot read are a 400 in the envelope and import nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org);
  // "山田,太郎" in Shift_JIS, as Excel saves a CSV on a Japanese Windows machine.
  const shiftJis = Buffer.concat([Buffer.from('last_name,first_name\n'), Buffer.from([0x8e, 0x52, 0x93, 0x63, 0x2c, 0x91, 0xbe, 0x98, 0x59, 0x0a])]);
  const cases: [string, string | Buffer, RegExp][] = [
    ['Shift_JIS bytes', shiftJis, /UTF-8/],
    ['an empty file', '', /empty/],
    ['no last_name header', 'first_name,email\n太郎,a@b.jp\n', /last_name/],
    ['binary content', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), /text/],
  ];
  for (const [name, content, message] of cases) {
    const res = await upload(app, content);
    t.equal(res.statusCode, 400, name);
    t.equal(res.json().error.code, 'VALIDATION_ERROR', name);
    t.match(res.json().error.message, message, name);
    t.ok(res.json().error.details.fields.file, name);
  }
  t.equal(snapshot(app, 'blueai_contacts', org), before);
});

t.test('a request that is not multipart, or has no file part, is a 400', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org);
  // The documentation's own curl example sends no body at all.
  const bare = await app.inject({ method: 'POST', url, headers: bearer() });
  t.equal(bare.statusCode, 400);
  t.same(bare.json().error.code, 'VALIDATION_ERROR');
  t.match(bare.json().error.message, /multipart\/form-data/);
  const json = await app.inject({ method: 'POST', url, headers: bearer(), payload: { file: 'a,b' } });
  t.equal(json.statusCode, 400);
  const csvBody = await app.inject({ method: 'POST', url, headers: { ...bearer(), 'content-type': 'text/csv' }, payload: HEADER + '\n' });
  t.equal(csvBody.statusCode, 400);
  const wrongPart = await upload(app, HEADER + '\n,試験山田,,,,,\n', 'test-token', 'attachment');
  t.equal(wrongPart.statusCode, 400);
  t.match(wrongPart.json().error.message, /"file"/);
  t.equal(snapshot(app, 'blueai_contacts', org), before);
});

t.test('an upload over UPLOAD_LIMIT is a 413 in the envelope and imports nothing', async (t) => {
  const app = await build(t, { uploadLimit: 1024 });
  const org = orgOf(app);
  const before = count(app, 'blueai_contacts', org);
  const big = HEADER + '\n' + Array.from({ length: 100 }, (_, i) => `名${i},試験大山,,,,,`).join('\n');
  const res = await upload(app, big);
  t.equal(res.statusCode, 413);
  t.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE');
  t.equal(count(app, 'blueai_contacts', org), before);
  const small = await upload(app, HEADER + '\n名,試験大山,,,,,\n');
  t.same(small.json(), { processed: 1, errors: [] }, 'a file under the limit still imports');
});

t.test('a multipart Content-Type with a body that is not multipart is a 400 in BlueAI\'s envelope and imports nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org);
  for (const payload of ['{', '[1,2', 'null', '', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nlast_name\r\nA']) {
    const res = await app.inject({ method: 'POST', url, headers: { ...bearer(), 'content-type': 'multipart/form-data; boundary=x' }, payload });
    const e = isError(t, res, 400, 'VALIDATION_ERROR');
    t.same(Object.keys(e.details.fields ?? {}), ['file'], JSON.stringify(payload));
  }
  t.equal(snapshot(app, 'blueai_contacts', org), before);
});
