import type { FastifyReply, FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ErrorEnvelope } from '../schemas/blueai/common.js';
import { CloseError } from '../schemas/close/common.js';
import { ControlError } from '../schemas/control/common.js';
import { surfaceOf } from '../src/control/openapi.js';
import { contractErrors } from './close/contract.js';
import { closeSpecProblem } from './close/close-spec.js';

// The test-wide conformance check: every JSON answer any test provokes is validated against the
// response schema its route declares for that status (the same TypeBox schemas the served OpenAPI is
// made from). Fastify serialises through those schemas, which drops unknown keys but lets a wrong
// type, a missing key or a value outside an enum through; and a status the route does not declare is
// sent unchecked. Both are failures here. Unmatched requests (404s with no route) are held to the
// envelope of the surface their path belongs to.

// No coercion, no defaults, no removal: the answer is checked as sent.
const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: false, useDefaults: false, removeAdditional: false });
addFormats.default(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const id = (schema as { $id?: unknown }).$id;
    v = (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Fastify's own choice: the exact status, then `4xx`, then `default`. */
export function responseSchema(responses: Record<string, object>, status: number): object | undefined {
  return responses[String(status)] ?? responses[`${String(status)[0]}xx`] ?? responses.default;
}

const ENVELOPES = { blueai: ErrorEnvelope, close: CloseError, control: ControlError } as const;

/** Null when the answer conforms; else what is wrong, in words. */
export function conformanceProblem(request: FastifyRequest, reply: FastifyReply, payload: unknown): string | null {
  const status = reply.statusCode;
  const type = String(reply.getHeader('content-type') ?? '');
  const route = request.routeOptions;
  const responses = (route.schema?.response ?? undefined) as Record<string, object> | undefined;
  const path = request.url.split('?')[0]!;
  let schema: object | undefined;
  if (route.url === undefined) {
    // No route matched: the not-found answer of the surface the path belongs to, or Close's redirect of
    // a path without its trailing slash (a Location and no body, as Django sends).
    const surface = surfaceOf(path);
    if (!surface) return null;
    if (status === 301) {
      const location = String(reply.getHeader('location') ?? '');
      return surface === 'close' && location.startsWith('/api/v1/') && (payload === '' || payload === undefined || payload === null)
        ? null : `answered 301 with Location ${JSON.stringify(location)} and a body`;
    }
    schema = ENVELOPES[surface];
  } else {
    // Documentation pages (swagger-ui), the OpenAPI documents and CORS preflights (@fastify/cors's
    // own route, no body) are not API answers.
    if (!responses) {
      const exempt = path.startsWith('/_mock/docs') || path.startsWith('/_mock/openapi') || (request.method === 'OPTIONS' && status === 204);
      return exempt ? null : `declares no response schema`;
    }
    schema = responseSchema(responses, status);
    if (!schema) return `answered ${status}, which its schema does not declare (declares ${Object.keys(responses).join(', ')})`;
  }
  if ('content' in schema) {
    // A route answering other media types (the CSV exports) names them; its body is checked in its own tests.
    const media = Object.keys((schema as { content: object }).content);
    return media.some((m) => type.startsWith(m)) ? null : `answered ${status} as ${type || 'no content type'}; its schema declares ${media.join(', ')}`;
  }
  if (status === 204 || payload === null || payload === undefined || payload === '') {
    return status === 204 || (schema as { type?: string }).type === 'null' ? null : `answered ${status} with no body`;
  }
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return null; // a stream: CSV exports, checked in their own tests
  if (!/json/.test(type)) return `answered ${status} as ${type || 'no content type'} where its schema describes JSON`;
  let body: unknown;
  try {
    body = JSON.parse(String(payload));
  } catch {
    return `answered ${status} with a body that is not JSON`;
  }
  const validate = validatorFor(schema);
  if (!validate(body)) return `answered ${status} with a body its schema rejects: ${ajv.errorsText(validate.errors)}`;
  // Close's 2xx answers also meet Close's published response schema for the operation (./close/close-spec.ts),
  // untrimmed ones only: `_fields` asks Close itself for fewer keys than its schema requires.
  if (surfaceOf(path) === 'close' && status < 300 && !/[?&]_fields=/.test(request.url)) {
    const problem = closeSpecProblem(request.method, route.url!, status, body);
    if (problem) return `answered ${status} with a body Close's OpenAPI rejects: ${problem}`;
  }
  // Bulk edit objects also meet Close's published BulkEditAction (untrimmed 200 answers).
  if (/\/bulk_action\/edit\//.test(request.url) && status === 200 && !request.url.includes('_fields=') && body && typeof body === 'object') {
    for (const obj of 'data' in body ? (body as { data: unknown[] }).data : [body]) {
      const problem = contractErrors(obj);
      if (problem) return `answered a bulk edit that breaks BulkEditAction: ${problem}`;
    }
  }
  return null;
}
