// Derives test/fixtures/close-openapi.json from Close's published OpenAPI 3.1 (690 KB, kept outside
// the project): only the operations the emulator serves, the component schemas their responses reach
// (transitively), and the names of the query parameters Close documents for each, with
// descriptions, summaries and examples dropped. Run by hand when Close's document or our routes change,
// then commit the fixture:
//
//   node scripts/close-spec.mjs [path/to/close-openapi.yml]     (default ../shared/spec/close-openapi.yml)
//
// The operations we serve come from the app itself: src/app.ts is bundled with esbuild into a temporary
// file, built on ':memory:', and its served Close document (/_mock/openapi/close.json) lists our routes.
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = process.argv[2] ?? `${root}../shared/spec/close-openapi.yml`;
const target = `${root}test/fixtures/close-openapi.json`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const PREFIX = '/api/v1';

/**
 * Close's path for one of ours: segment by segment, a parameter of theirs takes any segment of ours
 * (our `/custom_field_schema/lead/` is their `/custom_field_schema/{object_type}/`), ours only theirs;
 * the most literal match wins. test/close/close-spec.ts finds operations the same way.
 */
function closePathOf(ours, theirPaths) {
  const seg = (p) => p.split('/').filter(Boolean);
  const param = (s) => s.startsWith('{');
  let best;
  for (const path of theirPaths) {
    const a = seg(ours), b = seg(path);
    if (a.length !== b.length || !a.every((s, i) => param(b[i]) || (!param(s) && s === b[i]))) continue;
    const literal = b.filter((s) => !param(s)).length;
    if (!best || literal > best.literal) best = { path, literal };
  }
  return best?.path;
}

async function servedOperations() {
  const tmp = `${root}scripts/.close-spec-app.tmp.mjs`;
  try {
    await build({
      entryPoints: [`${root}src/app.ts`], outfile: tmp, bundle: true, platform: 'node', format: 'esm', target: 'node20',
      packages: 'external', logLevel: 'warning',
    });
    const { buildApp } = await import(pathToFileURL(tmp).href);
    const app = await buildApp({ logger: false, tickMs: 0, seed: `${root}seed/default.json` });
    try {
      await app.ready();
      const doc = (await app.inject('/_mock/openapi/close.json')).json();
      const ops = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const method of METHODS) if (item[method]) ops.push({ method, path: path.slice(PREFIX.length) });
      }
      return ops;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Keyword objects whose keys are names (of properties, schemas, media types, statuses), not keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas', 'content', 'responses', 'dependentSchemas']);
const DROPPED = new Set(['description', 'summary', 'example', 'examples', 'externalDocs', 'x-fern-examples', 'x-readme']);

/** Close's mark of a schema that says nothing (`/me/`'s answer): kept, so the tests can tell it apart. */
const PLACEHOLDER = 'Empty response body';

/** A deep copy without annotations; a property *named* `description` stays, and so does the placeholder mark. */
function strip(node, inNameMap = false) {
  if (Array.isArray(node)) return node.map((n) => strip(n));
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inNameMap && DROPPED.has(key) && !(key === 'description' && value === PLACEHOLDER)) continue;
    out[key] = strip(value, !inNameMap && NAME_MAPS.has(key));
  }
  return out;
}

function refsIn(node, found = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const name = key === '$ref' && typeof value === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(value)?.[1] : undefined;
      if (name !== undefined) found.add(name);
      else refsIn(value, found);
    }
  }
  return found;
}

const spec = parse(readFileSync(source, 'utf8'));
const ours = await servedOperations();
const paths = {};
const missing = [];
for (const { method, path } of ours) {
  const theirPath = closePathOf(path, Object.keys(spec.paths).filter((p) => spec.paths[p][method]));
  const op = theirPath && spec.paths[theirPath][method];
  if (!op) {
    missing.push(`${method.toUpperCase()} ${path}`);
    continue;
  }
  // The answers, which the fixture checks we send, and the names of the query parameters Close documents
  // (name and `in` only), which test/close/documented-params.test.ts holds us to.
  // Path parameters and the Authorization header are left out; request bodies are checked elsewhere
  // (scripts/close-request-fields.mjs, test/close/request-fields.test.ts).
  const query = [...(spec.paths[theirPath].parameters ?? []), ...(op.parameters ?? [])].filter((p) => p.in === 'query');
  (paths[theirPath] ??= {})[method] = {
    operationId: op.operationId,
    ...(query.length ? { parameters: query.map((p) => ({ name: p.name, in: p.in })) } : {}),
    responses: strip(op.responses),
  };
}

const all = spec.components.schemas;
const used = new Set();
const queue = [...refsIn(paths)];
while (queue.length) {
  const name = queue.pop();
  if (used.has(name)) continue;
  if (!all[name]) throw new Error(`${source}: #/components/schemas/${name} is referenced but not defined`);
  used.add(name);
  queue.push(...refsIn(all[name]));
}
const schemas = Object.fromEntries([...used].sort().map((name) => [name, strip(all[name])]));

const fixture = {
  $comment: `Derived by scripts/close-spec.mjs from Close's published OpenAPI ${spec.info?.version ?? ''} (${spec.openapi}): the operations crm-bulk-emulator serves and the schemas they reference. Do not edit; rerun the script.`,
  openapi: spec.openapi,
  // How many operations Close publishes in all: docs/close.md's coverage count is `paths`' operations of this.
  'x-close-operations': Object.values(spec.paths).reduce((n, item) => n + METHODS.filter((m) => item[m]).length, 0),
  paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
  components: { schemas },
};
writeFileSync(target, JSON.stringify(fixture, null, 1) + '\n');
console.log(`${target}: ${Object.values(paths).reduce((n, item) => n + Object.keys(item).length, 0)} of Close's ${fixture['x-close-operations']} operations, ${used.size} schemas`);
if (missing.length) console.log(`served but not in Close's OpenAPI (give each a reason in docs/close.md → Close's published OpenAPI):\n  ${missing.join('\n  ')}`);
