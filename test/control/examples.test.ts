import t from 'tap';
import { readFileSync } from 'node:fs';
import { build } from '../helper.js';

// docs/control-examples.md, replayed: each hand-written example's request, in the page's order,
// against one fresh emulator; the answer must have the example's status, shape and fixed values.
// The expectations are the page's, written by hand: not the TypeBox schemas the server serializes
// with (the conformance hook checks those), so a schema that drifts from the documented answer fails
// here. The page's header says how placeholders read.

const page = readFileSync(new URL('../../docs/control-examples.md', import.meta.url), 'utf8');

interface Example { line: number; method: string; path: string; body: string | undefined; status: number; answer: unknown }

/** The ```example blocks of the page. */
function examples(): Example[] {
  const out: Example[] = [];
  const lines = page.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```example') continue;
    const start = i + 1;
    const block: string[] = [];
    while (lines[++i] !== '```') block.push(lines[i]!);
    const [method, path] = block[0]!.split(' ') as [string, string];
    const arrow = block.findIndex((l) => l.startsWith('→ '));
    const body = block.slice(1, arrow).join('\n').trim() || undefined;
    const answer = block.slice(arrow + 1).join('\n').trim();
    out.push({ line: start, method, path, body, status: Number(block[arrow]!.slice(2)), answer: answer ? JSON.parse(answer) : undefined });
  }
  return out;
}

const vars = new Map<string, string>();
const fill = (s: string) => s.replace(/\{([a-z]+)\}/g, (m, name: string) => vars.get(name) ?? m);
const TYPES: Record<string, (v: unknown) => boolean> = {
  '<timestamp>': (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v),
  '<integer>': (v) => Number.isInteger(v),
  '<number>': (v) => typeof v === 'number',
  '<string>': (v) => typeof v === 'string' && v.length > 0,
};

/** Where `actual` departs from the example `expected` (placeholders per the page), as path: reason. */
function differences(expected: unknown, actual: unknown, at = '$'): string[] {
  if (typeof expected === 'string') {
    const typed = TYPES[expected];
    if (typed) return typed(actual) ? [] : [`${at}: ${JSON.stringify(actual)} is not ${expected}`];
    const named = /^<(?:([a-z]+)=)?([a-z]+_)…>$/.exec(expected);
    if (named) {
      if (typeof actual !== 'string' || !actual.startsWith(named[2]!)) return [`${at}: ${JSON.stringify(actual)} does not start with ${named[2]}`];
      if (named[1]) vars.set(named[1], actual);
      return [];
    }
    return actual === fill(expected) ? [] : [`${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(fill(expected))}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: not an array`];
    if (actual.length !== expected.length) return [`${at}: ${actual.length} items, the example shows ${expected.length}`];
    return expected.flatMap((e, i) => differences(e, actual[i], `${at}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: not an object`];
    const open = Object.hasOwn(expected, '…');
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (k === '…') continue;
      if (!Object.hasOwn(actual, k)) out.push(`${at}.${k}: missing`);
      else out.push(...differences(v, (actual as Record<string, unknown>)[k], `${at}.${k}`));
    }
    if (!open) for (const k of Object.keys(actual)) if (!Object.hasOwn(expected, k)) out.push(`${at}.${k}: not in the example`);
    return out;
  }
  return Object.is(expected, actual) ? [] : [`${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`];
}

t.test('the page has an example for every route family the control API documents', async (t) => {
  const routes = examples().map((e) => `${e.method} ${e.path}`);
  for (const family of ['/_mock/orgs', '/_mock/orgs/examples/reset', '/_mock/reset', '/_mock/clock', '/clock/advance', '/_mock/ticker',
    '/_mock/jobs', '/step', '/pause', '/resume', '/run', '/_mock/faults', '/_mock/requests', '/_mock/requests/count',
    '/_mock/webhooks/settings', '/_mock/webhooks/deliveries', '/_mock/webhooks/flush', '/blueai/members', '/blueai/sessions']) {
    t.ok(routes.some((r) => r.split('?')[0]!.endsWith(family)), family);
  }
});

t.test('every example of docs/control-examples.md answers as written, in order, on one emulator', async (t) => {
  const app = await build(t, { tickMs: 0 }, false);
  const list = examples();
  t.ok(list.length >= 30, `${list.length} examples`);
  for (const ex of list) {
    const path = fill(ex.path);
    const vendor = path.startsWith('/api/v1/');
    const headers: Record<string, string> = vendor ? { authorization: 'Basic ' + Buffer.from('examples:').toString('base64') } : {};
    if (ex.body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.inject({ method: ex.method as 'GET', url: path, headers, ...(ex.body === undefined ? {} : { payload: fill(ex.body) }) });
    const label = `docs/control-examples.md:${ex.line} ${ex.method} ${path}`;
    t.equal(res.statusCode, ex.status, `${label}: status`);
    if (ex.answer === undefined) t.equal(res.body, '', `${label}: no body`);
    else t.same(differences(ex.answer, res.json()), [], label);
  }
});
