import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFound } from '../core/errors.js';
import { own } from '../core/own.js';
import { controlErrors } from '../../schemas/control/common.js';
import { UiFile, UiFileParams } from '../../schemas/control/ui.js';

// The dashboard's files, as they are in src/ui/ (read once, then kept): this module runs from
// src/control/ (tests), dist/ (the bundled server) or dist/src/control/ (the library entry).
const UI_DIR = ['../ui/', '../src/ui/', '../../../src/ui/']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(`${dir}index.html`)) ?? fileURLToPath(new URL('../ui/', import.meta.url));

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

// Everything comes from this server: a CDN asset (or an injected script) would be refused by the browser.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'";

const cache = new Map<string, Buffer>();

function sendFile(reply: FastifyReply, name: string) {
  const type = own(TYPES, name);
  if (!type) throw notFound(`No dashboard file ${name}; there are ${Object.keys(TYPES).join(', ')}`);
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(`${UI_DIR}${name}`);
    cache.set(name, body);
  }
  return reply
    .type(type)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', CSP)
    .send(body);
}

/**
 * GET /_mock/ui: the dashboard, a page on the control API (src/ui/). Its files hold no data, so they
 * are served without CONTROL_TOKEN; the page asks for the token and sends it on every control call.
 */
export default async function uiRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const page = { hide: true, response: { 200: { description: 'The dashboard page', content: { 'text/html': { schema: UiFile } } }, ...controlErrors } };
  app.get('/ui', { schema: page }, async (_req, reply) => sendFile(reply, 'index.html'));
  app.get('/ui/', { schema: page }, async (_req, reply) => sendFile(reply, 'index.html'));
  app.get('/ui/:file', {
    schema: {
      hide: true,
      params: UiFileParams,
      response: { 200: { description: 'A dashboard file', content: { 'text/javascript': { schema: UiFile }, 'text/css': { schema: UiFile }, 'text/html': { schema: UiFile } } }, ...controlErrors },
    },
  }, async (req, reply) => sendFile(reply, req.params.file));
}

/** Paths (no query) of the dashboard's own files, which hold no data: open without CONTROL_TOKEN. */
export function isUiFile(path: string): boolean {
  return path === '/_mock/ui' || path.startsWith('/_mock/ui/');
}
