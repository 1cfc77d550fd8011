import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// Close's published OpenAPI 3.1, cut down by scripts/close-spec.mjs to the operations we serve
// (test/fixtures/close-openapi.json), is the contract for every Close 2xx answer: the conformance hook
// (../conformance.ts) validates each against Close's own response schema for its operation and status,
// besides our declared one. OpenAPI 3.1 schemas are JSON Schema 2020-12.

type Json = Record<string, unknown>;
type Responses = Record<string, { content?: Record<string, { schema?: Json }> }>;
/** Close's documented query parameters (names only), besides the answers. */
export interface FixtureOp { parameters?: { name: string; in: string }[]; responses: Responses }
interface Fixture { paths: Record<string, Record<string, FixtureOp>>; components: { schemas: Record<string, Json> } }

export const fixture = JSON.parse(readFileSync(new URL('../fixtures/close-openapi.json', import.meta.url), 'utf8')) as Fixture;
export const PREFIX = '/api/v1';
/** Close's mark of a response schema that says nothing (kept by the script). */
export const PLACEHOLDER = 'Empty response body';

const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: false, useDefaults: false, removeAdditional: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'close-openapi', components: fixture.components });
const withRefs = (schema: object) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"close-openapi#/components/')) as Json;
const compiled = new Map<string, ValidateFunction>();

const segments = (path: string) => path.split('/').filter(Boolean);
const isParam = (s: string) => s.startsWith('{');

/** Our route (`/api/v1/lead/:id/` or `/lead/{id}/`) as a template under the prefix: `/lead/{id}/`. */
export function ourTemplate(url: string): string {
  return (url.startsWith(PREFIX + '/') ? url.slice(PREFIX.length) : url).replace(/:(\w+)/g, '{$1}');
}

/**
 * Close's path for one of ours, as scripts/close-spec.mjs finds it: segment by segment a parameter of
 * theirs takes any segment of ours, a parameter of ours only one of theirs; the most literal match wins.
 */
export function closePathOf(method: string, url: string): string | undefined {
  const ours = segments(ourTemplate(url));
  let best: { path: string; literal: number } | undefined;
  for (const [path, item] of Object.entries(fixture.paths)) {
    if (!item[method.toLowerCase()]) continue;
    const theirs = segments(path);
    if (theirs.length !== ours.length || !ours.every((s, i) => isParam(theirs[i]!) || (!isParam(s) && s === theirs[i]))) continue;
    const literal = theirs.filter((s) => !isParam(s)).length;
    if (!best || literal > best.literal) best = { path, literal };
  }
  return best?.path;
}

const resolve = (schema: Json | undefined): Json | undefined => {
  const ref = schema?.$ref;
  return typeof ref === 'string' ? fixture.components.schemas[ref.split('/').pop()!] : schema;
};

export interface CloseAnswer {
  /** Close's path template, or undefined when its OpenAPI lacks the operation. */
  path?: string;
  /** Close's 2xx statuses for it. */
  statuses: string[];
  /** The JSON schema our answer is held to: Close's for that status (or its only 2xx); undefined for a placeholder. */
  schema?: Json;
  placeholder: boolean;
}

/** What Close's OpenAPI says of one of our operations' 2xx answer with this status. */
export function closeAnswer(method: string, url: string, status: number): CloseAnswer {
  const path = closePathOf(method, url);
  if (!path) return { statuses: [], placeholder: false };
  const responses = fixture.paths[path]![method.toLowerCase()]!.responses;
  const statuses = Object.keys(responses).filter((s) => s.startsWith('2'));
  // Real API: a few operations answer 201/204 where we (and close.md) answer 200; the body is still theirs.
  const key = responses[String(status)] ? String(status) : statuses.length === 1 ? statuses[0]! : undefined;
  const schema = key ? resolve(responses[key]!.content?.['application/json']?.schema) : undefined;
  const placeholder = schema?.description === PLACEHOLDER;
  return { path, statuses, schema: placeholder ? undefined : schema, placeholder };
}

/** Null when a Close 2xx answer meets Close's response schema (or Close has none for it); else what is wrong. */
export function closeSpecProblem(method: string, url: string, status: number, body: unknown): string | null {
  const { path, schema } = closeAnswer(method, url, status);
  if (!path || !schema) return null;
  const key = `${method} ${path} ${status}`;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ajv.compile(withRefs(schema))));
  if (validate(body)) return null;
  const errors = validate.errors ?? [];
  // One line per kind of fault: `data/0`, `data/1`, … are one `data/*`.
  const seen = new Set(errors.map((e) => `body${e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*')} ${e.message}`));
  return [...seen].join('; ');
}

/** Every property a schema may carry (a union's or intersection's branches together), its $refs resolved. */
function propertiesOf(schema: Json | undefined, seen = new Set<Json>()): Set<string> {
  const s = resolve(schema);
  const out = new Set<string>();
  if (!s || seen.has(s)) return out;
  seen.add(s);
  for (const k of Object.keys((s.properties as Json | undefined) ?? {})) out.add(k);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const branch of (s[key] as Json[] | undefined) ?? []) for (const k of propertiesOf(branch, seen)) out.add(k);
  }
  return out;
}

/** The object a Close answer is made of: its schema's title and every property it may carry. */
export interface CloseObject { name: string; properties: string[] }

/**
 * The object Close's schema says one of our operations answers with: the answer itself, or, for a
 * `{data: [...]}` list, its item. Undefined when Close's OpenAPI lacks the operation or leaves its
 * answer a placeholder.
 */
export function closeObject(method: string, url: string, status: number): CloseObject | undefined {
  const { schema } = closeAnswer(method, url, status);
  if (!schema) return undefined;
  const data = resolve((schema.properties as Record<string, Json> | undefined)?.data);
  const object = data?.type === 'array' ? resolve(data.items as Json)! : schema;
  return { name: String(object.title), properties: [...propertiesOf(object)] };
}

/** The properties of one of Close's component schemas, by name (`Contact`, `Opportunity`…). */
export const closeSchemaProperties = (name: string): string[] => [...propertiesOf(fixture.components.schemas[name])];
