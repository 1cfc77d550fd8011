import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { tenantTables, columns } from '../../src/core/db.js';

// Hostile values: strings a careless store would pass to SQL or a parser, JSON of the wrong shape,
// and values built from a route's own schema and then broken one way (a missing, extra or mistyped
// field), so a fuzzed request gets past the first check often enough to reach the store.

type Json = Record<string, unknown>;

const SQLISH = [
  "'", '"', '`', "' OR '1'='1", "1; DROP TABLE blueai_deals; --", "name; DELETE FROM close_leads", "id) OR (1=1",
  'name DESC, (SELECT 1)', 'created_at asc;--', '-created_at', '%', '_', '\\', '%_%', "1' UNION SELECT * FROM credentials --",
  'org_id', 'rowid', '*', 'date_created,', ',,', 'name COLLATE nocase', 'json_extract(data, "$.x")', '$.a.b', '?', ':id', '@org',
];
const ODD = [
  '', ' ', '\u0000', 'a\u0000b', '\r\n', '\t', '\u202e', '\ufeff', '\ud800', '\udfff', '😀', 'e\u0301', '日本語', 'Ω≈ç√',
  '..', '../..', '%00', '%zz', '%', 'null', 'undefined', 'NaN', 'true', '-1', '1e308', '9223372036854775808', '0x10', '[]', '{}',
  '/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/x', '/' + '*'.repeat(40) + 'x', '/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', '**/**/**/**/**/**/**/**/**',
  '__proto__', 'constructor', 'toString', '=cmd|" /C calc"!A0', '+1', '-1+1', '@SUM(1)', '<script>', '${x}', '{{x}}',
];

/** encodeURIComponent, but a lone surrogate becomes U+FFFD instead of throwing. */
export const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, (c, i: number) => (isPair(s, i) ? c : '\ufffd')));
const isPair = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c < 0xdc00 ? (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 : (s.charCodeAt(i - 1) & 0xfc00) === 0xd800;
};

/** A string that has broken software before. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SQLISH, ...ODD), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u2028', '\ud800', 'x', "'", '%'), maxLength: 20 }), weight: 1 },
  { arbitrary: fc.integer({ min: 1000, max: 20000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

/** Any JSON value, with hostile strings among the ordinary ones. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, -1e308, 2 ** 63),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileString, fc.string()), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` times, as JSON text. */
export const nested = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** JSON text no parser should accept, or accept only to find the wrong shape. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '}', '[', '{"ids": [', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'nul', 'NaN', '"\\ud800"', '{"a":"\\u0000"}', '\ufeff{}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '1', '"str"', 'true', 'null', '[]', '', ' ', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.tuple(fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>, fc.constantFrom(100, 1000, 5000, 20000)).map(([kind, depth]) => nested(depth, kind)),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
);

/** A value valid-ish for a JSON schema (types, enums, required keys), or some JSON when unknown. */
export function fromSchema(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  const s = (schema ?? {}) as Json;
  if (depth > 4) return fc.constant(null);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if ('const' in s) return fc.constant(s.const);
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (union?.length) return fc.oneof(...union.map((u) => fromSchema(u, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length === 1) return fromSchema(s.allOf[0], depth + 1);
  const types = [s.type].flat().filter((x): x is string => typeof x === 'string');
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchema({ ...s, type }, depth + 1)));
  switch (types[0]) {
    case 'string':
      return fc.oneof(hostileString, fc.string({ minLength: Number(s.minLength ?? 0), maxLength: 12 }));
    case 'integer':
      return fc.integer({ min: Number(s.minimum ?? -10), max: Math.min(Number(s.maximum ?? 1000), 1e6) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(s.items, depth + 1), { minLength: Number(s.minItems ?? 0), maxLength: Math.min(Number(s.maxItems ?? 4), 4) });
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = (s.required ?? []) as string[];
      if (!Object.keys(props).length) return fc.dictionary(fc.string({ maxLength: 8 }), hostileJson, { maxKeys: 3 });
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v, depth + 1)])), { requiredKeys: required.filter((k) => k in props) });
    }
  }
  return hostileJson;
}

/** A schema-valid-ish object broken one way: a key dropped, an extra key, a value of the wrong type. */
export function broken(schema: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fromSchema(schema), fc.nat(), fc.constantFrom('keep', 'drop', 'extra', 'retype', 'null'), hostileJson).map(([value, pick, how, junk]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return how === 'keep' ? value : junk;
    const o = { ...(value as Json) };
    const keys = Object.keys(o);
    const key = keys.length ? keys[pick % keys.length]! : 'x';
    if (how === 'drop') delete o[key];
    else if (how === 'extra') o[`extra_${pick % 7}`] = junk;
    else if (how === 'retype') o[key] = junk;
    else if (how === 'null') o[key] = null;
    return o;
  });
}

/** Every id stored for one organization, to put real ids in paths and bodies. */
export function storedIds(app: FastifyInstance, orgId: string): string[] {
  const ids: string[] = [];
  const db = app.tenants.db(orgId);
  for (const table of tenantTables(db)) {
    if (!columns(db, table).includes('id')) continue;
    ids.push(...(db.prepare(`SELECT id FROM ${table} WHERE org_id = ? LIMIT 20`).pluck().all(orgId) as string[]));
  }
  return ids;
}

/** A path segment: a real id, or something odd, percent-encoded or raw. */
export function segment(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...real), weight: 3 },
    { arbitrary: hostileString.map(encode), weight: 3 },
    { arbitrary: fc.constantFrom('%00', '..', '.', '%2e%2e', '%2F', '%zz', '%', '%c0%ae', '%ff', 'a%00b', ';', '*', '~', '%20', '+', 'deal_' + 'x'.repeat(5000), encodeURIComponent('日本語'), encodeURIComponent('😀'), '%ED%A0%80'), weight: 2 },
    { arbitrary: fc.constantFrom(...real).map((id) => id + '%00'), weight: 1 },
  );
}
