import t from 'tap';
import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { bearer, listening } from '../helper.js';
import { closeAuth } from '../close/helper.js';
import { ctl } from '../control/helper.js';

// An organization deleted (DELETE /_mock/orgs/{org}) while one of its requests is still arriving: the
// handler finds no database to work on. That is a 404 in the vendor's own envelope, not a 500, and
// nothing is written anywhere.

/**
 * Sends `body` to a listening server in two halves; between them, `between` runs (the request has
 * passed its onRequest hooks by then: the headers are in, the body is not).
 */
function slowPost(url: string, path: string, headers: Record<string, string>, body: string, between: () => Promise<void>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    // Give the server time to read the headers and run the request's onRequest hooks.
    setTimeout(() => {
      between().then(() => req.end(body.slice(half)), reject);
    }, 100);
  });
}

async function orgWith(app: FastifyInstance, credential: string): Promise<string> {
  const res = await ctl(app, 'POST', '/orgs', { credential });
  t.equal(res.statusCode, 201);
  return res.json().id as string;
}

async function deleteOrg(app: FastifyInstance, credential: string) {
  const res = await ctl(app, 'DELETE', `/orgs/${credential}`);
  if (res.statusCode !== 204) throw new Error(`delete: ${res.statusCode} ${res.body}`);
}

t.test('a Close request whose organization is deleted while its body arrives is a 404 in Close\'s envelope', async (t) => {
  const { app, url } = await listening(t);
  const orgId = await orgWith(app, 'gone-close');
  const res = await slowPost(url, '/api/v1/lead/', closeAuth('gone-close'), JSON.stringify({ name: 'Never stored' }), () => deleteOrg(app, 'gone-close'));
  t.equal(res.status, 404);
  t.same(JSON.parse(res.body), { error: `Organization ${orgId} does not exist (it was deleted).` });
  t.equal(app.db.prepare(`SELECT count(*) FROM orgs WHERE id = ?`).pluck().get(orgId), 0, 'it is not made again');
  t.equal(app.orgDbs.peek(orgId), undefined, 'no database was opened for it');
  t.equal(app.db.prepare(`SELECT count(*) FROM close_leads WHERE name = 'Never stored'`).pluck().get(), 0, 'nothing in the process-wide database');
});

t.test('a BlueAI request whose organization is deleted while its body arrives is a 404 in BlueAI\'s envelope', async (t) => {
  const { app, url } = await listening(t);
  const orgId = await orgWith(app, 'gone-blueai');
  const res = await slowPost(url, '/api/v1/crm/companies', bearer('gone-blueai'), JSON.stringify({ name: 'Never stored' }), () => deleteOrg(app, 'gone-blueai'));
  t.equal(res.status, 404);
  t.same(JSON.parse(res.body), { error: { code: 'NOT_FOUND', message: `Organization ${orgId} does not exist (it was deleted).`, details: {} } });
  t.equal(app.orgDbs.peek(orgId), undefined, 'no database was opened for it');
  t.equal(app.db.prepare(`SELECT count(*) FROM blueai_companies WHERE name = 'Never stored'`).pluck().get(), 0, 'nothing in the process-wide database');
});

t.test('a request of another organization is untouched by the deletion', async (t) => {
  const { app, url } = await listening(t);
  await orgWith(app, 'gone-other');
  await orgWith(app, 'stays');
  const res = await slowPost(url, '/api/v1/crm/companies', bearer('stays'), JSON.stringify({ name: 'Stored' }), () => deleteOrg(app, 'gone-other'));
  t.equal(res.status, 201);
  t.equal(JSON.parse(res.body).name, 'Stored');
});
