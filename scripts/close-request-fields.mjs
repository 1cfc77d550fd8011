// Derives test/fixtures/close-request-fields.json from Close's published OpenAPI 3.1 (690 KB, kept
// outside the project): for each write operation we serve (as listed in test/fixtures/close-openapi.json),
// the body fields Close documents, or null where Close's document says only "Any type" (then its docs
// prose rules, and test/close/request-fields.test.ts lists the fields by hand). Run by hand after
// scripts/close-spec.mjs, then commit the fixture:
//
//   node scripts/close-request-fields.mjs [path/to/close-openapi.yml]   (default ../shared/spec/close-openapi.yml)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = process.argv[2] ?? `${root}../shared/spec/close-openapi.yml`;
const served = JSON.parse(readFileSync(`${root}test/fixtures/close-openapi.json`, 'utf8'));
const doc = parse(readFileSync(source, 'utf8'));

const resolve = (s) => {
  while (s && s.$ref) s = s.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
  return s;
};
/** The property names of a body schema, through $ref and allOf/anyOf/oneOf; null if it names none. */
function fields(schema) {
  const s = resolve(schema);
  if (!s) return null;
  const out = new Set(Object.keys(s.properties ?? {}));
  for (const k of ['allOf', 'anyOf', 'oneOf']) for (const part of s[k] ?? []) for (const f of fields(part) ?? []) out.add(f);
  return out.size ? [...out].sort() : null;
}

const result = {};
for (const [path, item] of Object.entries(served.paths)) {
  for (const method of ['post', 'put', 'patch']) {
    if (!item[method]) continue;
    const body = doc.paths[path]?.[method]?.requestBody?.content?.['application/json']?.schema;
    result[`${method.toUpperCase()} ${path}`] = fields(body);
  }
}
writeFileSync(`${root}test/fixtures/close-request-fields.json`, JSON.stringify(result, null, 2) + '\n');
console.log(`wrote ${Object.keys(result).length} operations`);
