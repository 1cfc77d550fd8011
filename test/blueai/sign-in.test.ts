import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { build, bearer, count, isError, row, SEED_IDS, shareApps } from '../helper.js';
import { ctl, isControlError } from '../control/helper.js';
import { basic } from '../close/seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The seed's members sign in with this password (seed/generate.mjs, README "Sign-in").
const DEMO_PASSWORD = 'blueai-demo-password';
const SATO = 'kenta.sato@blueai-demo.example';
const signIn = (app: FastifyInstance, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/sign-in/email', payload: payload as object, headers });
/** The cookie a response sets, as the request header a browser would send back. */
const cookieOf = (res: LightMyRequestResponse) => {
  const c = res.cookies.find((x) => x.name === 'better-auth.session_token');
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return { cookie: `better-auth.session_token=${c.value}` };
};
/** The seed's default organization: its first credential's. */
const defaultOrg = (app: FastifyInstance) => app.tenants.resolve('blueai-demo-token').id;
const sessions = (app: FastifyInstance, orgId: string) => app.tenants.db(orgId).prepare(`SELECT * FROM blueai_sessions WHERE org_id = ?`).all(orgId) as Record<string, string>[];

t.test('a seeded member signs in, calls /me, bulk-updates with the cookie, loses the session after 7 days, signs in again', async (t) => {
  const app = await build(t);
  // Frozen, so the expiry is exact however long the machine takes.
  t.equal((await ctl(app, 'PUT', '/clock', { now: '2026-03-01T09:00:00Z', frozen: true })).statusCode, 200);
  const res = await signIn(app, { email: SATO, password: DEMO_PASSWORD });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  const org = defaultOrg(app);
  t.same(body.user, { id: SEED_IDS.member, name: '佐藤 健太', email: SATO, role: 'admin', created_at: '2025-01-01T07:14:00.000Z' });
  t.match(body.token, new RegExp(`^${org}\\.[0-9a-f]{64}$`));
  t.equal(body.session.user_id, SEED_IDS.member);
  t.same([body.session.created_at, body.session.expires_at], ['2026-03-01T09:00:00.000Z', '2026-03-08T09:00:00.000Z'], '7 days on the organization\'s clock');
  const setCookie = String(res.headers['set-cookie']);
  t.match(setCookie, /^better-auth\.session_token=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
  // Stored: one session, its token only as a hash.
  const stored = sessions(app, org);
  t.equal(stored.length, 1);
  t.equal(stored[0]!.id, body.session.id);
  t.not(stored[0]!.token_hash, body.token);
  t.notMatch(JSON.stringify(stored), body.token.split('.')[1]);

  const cookie = cookieOf(res);
  const me = await app.inject({ url: '/api/v1/me', headers: cookie });
  t.equal(me.statusCode, 200, me.body);
  t.same(me.json().user.id, SEED_IDS.member);
  t.same(me.json().organization.id, org);
  t.equal(me.json().session.id, body.session.id);

  const update = await app.inject({
    method: 'POST', url: '/api/v1/crm/bulk/deals/update', headers: cookie, payload: { ids: [SEED_IDS.deal1], stage: 'negotiation' },
  });
  t.same(update.json(), { processed: 1, errors: [] });
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal1)?.stage, 'negotiation', 'the session\'s organization is the default one');

  // Just before the expiry it still works; at it, 401 (the organization's clock follows the default one).
  t.equal((await ctl(app, 'POST', '/clock/advance', { by: 7 * 24 * 3600 * 1000 - 1000 })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/me', headers: cookie })).statusCode, 200);
  t.equal((await ctl(app, 'POST', '/clock/advance', { by: '1s' })).statusCode, 200);
  const expired = await app.inject({ url: '/api/v1/me', headers: cookie });
  isError(t, expired, 401, 'UNAUTHORIZED');
  t.match(expired.json().error.message, /expired/);
  const refused = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/update', headers: cookie, payload: { ids: [SEED_IDS.deal1], stage: 'proposal' } });
  isError(t, refused, 401, 'UNAUTHORIZED');
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal1)?.stage, 'negotiation', 'an expired session changes nothing');
  t.equal(app.tenants.list().length, 1, 'an expired session never makes an organization of its own');

  const again = await signIn(app, { email: SATO.toUpperCase(), password: DEMO_PASSWORD, rememberMe: true });
  t.equal(again.statusCode, 200, 'the e-mail is compared case-insensitively; unknown keys are ignored');
  const fresh = await app.inject({ url: '/api/v1/me', headers: cookieOf(again) });
  t.equal(fresh.statusCode, 200);
  t.equal(sessions(app, org).length, 2);
});

t.test('the session token works as a Bearer token too, and plain tokens keep working unchanged', async (t) => {
  const app = await build(t);
  const { token } = (await signIn(app, { email: SATO, password: DEMO_PASSWORD })).json();
  const me = await app.inject({ url: '/api/v1/me', headers: bearer(token) });
  t.equal(me.json().user.id, SEED_IDS.member);
  const deals = await app.inject({ url: '/api/v1/crm/deals?limit=1', headers: bearer(token) });
  t.equal(deals.statusCode, 200);
  // A plain token: its own organization, and /me answers that organization's first admin, no session.
  const plain = await app.inject({ url: '/api/v1/me', headers: bearer('my-suite-token') });
  t.equal(plain.statusCode, 200);
  t.equal(plain.json().organization.id, app.tenants.resolve('my-suite-token').id);
  t.not(plain.json().organization.id, defaultOrg(app));
  t.equal(plain.json().user.id, SEED_IDS.member);
  t.equal(plain.json().session, null);
  const viaCookie = await app.inject({ url: '/api/v1/crm/deals?limit=1', headers: { cookie: 'better-auth.session_token=my-suite-token' } });
  t.equal(viaCookie.statusCode, 200);
});

t.test('a wrong password and an unknown e-mail are the same 401, and open no session', async (t) => {
  const app = await build(t);
  const wrong = await signIn(app, { email: SATO, password: 'not-the-password' });
  isError(t, wrong, 401, 'UNAUTHORIZED');
  t.equal(wrong.json().error.message, 'Invalid email or password');
  t.equal(wrong.headers['set-cookie'], undefined);
  const unknown = await signIn(app, { email: 'nobody@example.com', password: DEMO_PASSWORD });
  isError(t, unknown, 401, 'UNAUTHORIZED');
  t.equal(unknown.json().error.message, 'Invalid email or password');
  t.equal(sessions(app, defaultOrg(app)).length, 0);
});

t.test('a malformed sign-in body is a 400 in the envelope and changes nothing', async (t) => {
  const app = await build(t);
  for (const payload of [{ email: SATO }, { password: DEMO_PASSWORD }, { email: SATO, password: 5 }, { email: '', password: 'x' },
    { email: SATO, password: 'x'.repeat(1025) }, ['not', 'an', 'object']]) {
    isError(t, await signIn(app, payload), 400, 'VALIDATION_ERROR');
  }
  isError(t, await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in/email', payload: '{"email":', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR');
  t.equal(sessions(app, defaultOrg(app)).length, 0);
});

t.test('other /api/v1/auth paths are BlueAI 404s (sign-out is not in its reference)', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out' });
  isError(t, res, 404, 'NOT_FOUND');
});

t.test('/api/v1/me: Basic (or no credential) gets Close\'s redirect, Bearer and the cookie get BlueAI', async (t) => {
  const app = await build(t);
  const viaBasic = await app.inject({ url: '/api/v1/me?x=1', headers: basic('test-token') });
  t.equal(viaBasic.statusCode, 301);
  t.equal(viaBasic.headers.location, '/api/v1/me/?x=1');
  const none = await app.inject({ url: '/api/v1/me' });
  t.equal(none.statusCode, 301);
  const close = await app.inject({ url: '/api/v1/me/', headers: basic('test-token') });
  t.equal(close.statusCode, 200);
  t.ok(close.json().id.startsWith('user_'), 'Close\'s own /me/ is unchanged');
  const viaBearer = await app.inject({ url: '/api/v1/me', headers: bearer('test-token') });
  t.equal(viaBearer.statusCode, 200);
  t.equal(viaBearer.json().organization.id, app.tenants.resolve('test-token').id);
  const viaCookie = await app.inject({ url: '/api/v1/me', headers: { cookie: 'better-auth.session_token=test-token' } });
  t.same(viaCookie.json(), viaBearer.json());
});

t.test('a member made through the control API signs in to its own organization; its e-mail is one organization\'s', async (t) => {
  const app = await build(t);
  const created = await ctl(app, 'POST', '/orgs', { credential: 'suite-a' });
  t.equal(created.statusCode, 201);
  const org = created.json().id;
  const member = await ctl(app, 'POST', `/orgs/${org}/blueai/members`, { name: 'Test User', email: 'qa@suite-a.example', password: 'correct horse' });
  t.equal(member.statusCode, 201, member.body);
  t.same(Object.keys(member.json()).sort(), ['created_at', 'email', 'id', 'name', 'role']);
  t.equal(member.json().role, 'member');
  const stored = row(app, 'blueai_members', org, member.json().id)!;
  t.match(stored.password_hash, /^[0-9a-f]{32}:[0-9a-f]{128}$/, 'stored hashed');
  t.notMatch(JSON.stringify(stored), 'correct horse');

  const res = await signIn(app, { email: 'qa@suite-a.example', password: 'correct horse' });
  t.equal(res.statusCode, 200);
  const me = await app.inject({ url: '/api/v1/me', headers: cookieOf(res) });
  t.equal(me.json().organization.id, org);
  t.equal(me.json().user.id, member.json().id);

  // The snapshot carries the hash and the session, never the password or the token.
  const snap = await ctl(app, 'GET', `/orgs/${org}/snapshot`);
  t.notMatch(snap.body, 'correct horse');
  t.notMatch(snap.body, res.json().token.split('.')[1]);
  t.equal(snap.json().blueai.sessions.length, 1);
  t.equal(snap.json().blueai.members.find((m: { id: string }) => m.id === member.json().id).password_hash, stored.password_hash);
  // Restored into its own organization (after a reset dropped it), the session works again.
  t.equal((await ctl(app, 'POST', `/orgs/${org}/reset`)).statusCode, 200);
  isError(t, await app.inject({ url: '/api/v1/me', headers: cookieOf(res) }), 401, 'UNAUTHORIZED');
  t.equal((await ctl(app, 'PUT', `/orgs/${org}/snapshot`, snap.json())).statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/me', headers: cookieOf(res) })).statusCode, 200);

  const other = (await ctl(app, 'POST', '/orgs', { credential: 'suite-b' })).json().id;
  isControlError(t, await ctl(app, 'POST', `/orgs/${other}/blueai/members`, { name: 'X', email: 'other@suite-b.example', password: 'short' }), 400, 'VALIDATION_ERROR');
  const before = count(app, 'blueai_members', other);
  t.equal((await ctl(app, 'POST', `/orgs/${other}/blueai/members`, { name: 'Again', email: SATO, password: 'long enough' })).statusCode, 409,
    'a seeded e-mail is taken in that organization already');
  t.equal(count(app, 'blueai_members', other), before);
  isControlError(t, await ctl(app, 'POST', `/orgs/nope/blueai/members`, { name: 'X', email: 'x@y.example', password: 'long enough' }), 404, 'NOT_FOUND');
});

t.test('/_mock lists an organization\'s sessions and revokes one', async (t) => {
  const app = await build(t);
  const a = (await signIn(app, { email: SATO, password: DEMO_PASSWORD })).json();
  const b = (await signIn(app, { email: 'misaki.suzuki@blueai-demo.example', password: DEMO_PASSWORD })).json();
  const org = defaultOrg(app);
  const list = await ctl(app, 'GET', `/orgs/${org}/blueai/sessions`);
  t.equal(list.statusCode, 200);
  t.same(list.json().data.map((s: { id: string }) => s.id).sort(), [a.session.id, b.session.id].sort());
  t.same(list.json().data.find((s: { id: string }) => s.id === a.session.id), { ...a.session, email: SATO, expired: false });
  t.notMatch(list.body, a.token.split('.')[1]);

  const revoked = await ctl(app, 'DELETE', `/orgs/${org}/blueai/sessions/${a.session.id}`);
  t.equal(revoked.statusCode, 204);
  t.same(sessions(app, org).map((s) => s.id), [b.session.id]);
  const gone = await app.inject({ url: '/api/v1/me', headers: bearer(a.token) });
  isError(t, gone, 401, 'UNAUTHORIZED');
  t.equal(app.tenants.list().length, 1, 'a revoked token never makes an organization of its own');
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(b.token) })).statusCode, 200);
  isControlError(t, await ctl(app, 'DELETE', `/orgs/${org}/blueai/sessions/${a.session.id}`), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'GET', `/orgs/nope/blueai/sessions`), 404, 'NOT_FOUND');
});

t.test('sign-in and /me are BlueAI\'s for fault rules, the journal and the organization\'s rate limit', async (t) => {
  const app = await build(t);
  const org = defaultOrg(app);
  const rule = await ctl(app, 'POST', '/faults', { vendor: 'blueai', path: '/api/v1/auth/**', org, status: 503, times: 1 });
  t.equal(rule.statusCode, 201, rule.body);
  const faulted = await signIn(app, { email: SATO, password: DEMO_PASSWORD });
  t.equal(faulted.statusCode, 503);
  t.equal(faulted.json().error.code, 'SERVICE_UNAVAILABLE');
  t.equal(sessions(app, org).length, 0, 'a faulted sign-in opens no session');
  const ok = await signIn(app, { email: SATO, password: DEMO_PASSWORD });
  t.equal(ok.statusCode, 200);
  await app.inject({ url: '/api/v1/me', headers: bearer(ok.json().token) });

  const journal = (await ctl(app, 'GET', '/requests?vendor=blueai')).json();
  const seen = journal.data.map((e: { method: string; path: string; status: number; org: string | null }) => [e.method, e.path, e.status, e.org]);
  t.same(seen, [['GET', '/api/v1/me', 200, org], ['POST', '/api/v1/auth/sign-in/email', 200, org], ['POST', '/api/v1/auth/sign-in/email', 503, org]]);
  t.notMatch(JSON.stringify(journal), DEMO_PASSWORD, 'the journal does not keep the password');
  t.notMatch(JSON.stringify(journal), ok.json().token.split('.')[1], '... nor the session token');
  t.same(JSON.parse(journal.data[1].request_body), { email: SATO, password: '[redacted]' });
  t.equal(JSON.parse(journal.data[1].response_body).token, '[redacted]');

  t.equal((await ctl(app, 'PUT', `/orgs/${org}/rate-limit`, { limit: 1 })).statusCode, 200);
  t.equal((await signIn(app, { email: SATO, password: DEMO_PASSWORD })).statusCode, 200);
  const limited = await signIn(app, { email: SATO, password: DEMO_PASSWORD });
  isError(t, limited, 429, 'RATE_LIMITED');
  t.equal(limited.headers['x-ratelimit-limit'], '1');
  t.equal(sessions(app, org).length, 2, 'the refused sign-in opened none');
});

t.test('BlueAI\'s served OpenAPI has sign-in (no security) and /me; Close\'s has neither', async (t) => {
  const app = await build(t);
  const blueai = (await ctl(app, 'GET', '/openapi/blueai.json')).json();
  t.same(blueai.paths['/api/v1/auth/sign-in/email'].post.security, []);
  t.ok(blueai.paths['/api/v1/auth/sign-in/email'].post.requestBody, 'the body schema is described');
  t.ok(blueai.paths['/api/v1/me'].get.responses['200'], '/me is described');
  t.notOk(blueai.paths['/api/v1/auth/*'], 'the catch-all 404 is hidden');
  const close = (await ctl(app, 'GET', '/openapi/close.json')).json();
  t.notOk(close.paths['/api/v1/auth/sign-in/email']);
  t.notOk(close.paths['/api/v1/me']);
  t.ok(close.paths['/api/v1/me/']);
});

t.test('an e-mail signs in to one organization only; a deleted organization\'s sessions and e-mails are gone', async (t) => {
  const app = await build(t);
  const a = (await ctl(app, 'POST', '/orgs', { credential: 'one-a' })).json().id;
  const b = (await ctl(app, 'POST', '/orgs', { credential: 'one-b' })).json().id;
  t.equal((await ctl(app, 'POST', `/orgs/${a}/blueai/members`, { name: 'A', email: 'Same@One.example', password: 'password-a' })).statusCode, 201);
  const taken = await ctl(app, 'POST', `/orgs/${b}/blueai/members`, { name: 'B', email: 'same@one.example', password: 'password-b' });
  isControlError(t, taken, 409, 'CONFLICT', 'email');
  t.match(taken.json().error.message, a);
  t.equal(count(app, 'blueai_members', b, 'lower(email) = ?', 'same@one.example'), 0);
  const session = (await signIn(app, { email: 'same@one.example', password: 'password-a' })).json();
  t.equal((await app.inject({ url: '/api/v1/me', headers: bearer(session.token) })).json().organization.id, a);

  t.equal((await ctl(app, 'DELETE', `/orgs/${a}`)).statusCode, 204);
  const gone = await app.inject({ url: '/api/v1/me', headers: bearer(session.token) });
  isError(t, gone, 401, 'UNAUTHORIZED');
  t.equal(app.tenants.find(session.token), undefined, 'the token made no organization');
  isError(t, await signIn(app, { email: 'same@one.example', password: 'password-a' }), 401, 'UNAUTHORIZED');
  t.equal((await ctl(app, 'POST', `/orgs/${b}/blueai/members`, { name: 'B', email: 'same@one.example', password: 'password-b' })).statusCode, 201,
    'the e-mail is free again');
});

t.test('a dataset\'s sessions and password hashes are checked before anything is written', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'ds-check' })).json().id;
  const snap = (await ctl(app, 'GET', `/orgs/${org}/snapshot`)).json();
  const session = { id: 'sess_00000000000000000000000000000001', token_hash: 'a'.repeat(64), member_id: 'usr_00000000000000000000000000000000', created_at: '2030-01-01T00:00:00.000Z', expires_at: '2030-01-08T00:00:00.000Z' };
  const before = count(app, 'blueai_sessions', org);
  const unknownMember = await ctl(app, 'PUT', `/orgs/${org}/snapshot`, { ...snap, blueai: { ...snap.blueai, sessions: [session] } });
  isControlError(t, unknownMember, 400, 'VALIDATION_ERROR', 'dataset/blueai/sessions/0/member_id');
  const badHash = await ctl(app, 'PUT', `/orgs/${org}/snapshot`, { ...snap, blueai: { ...snap.blueai, members: [{ ...snap.blueai.members[0], password_hash: 'plain-text' }, ...snap.blueai.members.slice(1)] } });
  isControlError(t, badHash, 400, 'VALIDATION_ERROR');
  const twice = [{ ...snap.blueai.members[1], email: snap.blueai.members[0].email }];
  const shared = await ctl(app, 'PUT', `/orgs/${org}/snapshot`, { ...snap, blueai: { ...snap.blueai, members: [snap.blueai.members[0], ...twice, ...snap.blueai.members.slice(2)] } });
  isControlError(t, shared, 400, 'VALIDATION_ERROR', 'dataset/blueai/members/1/email');
  t.equal(count(app, 'blueai_sessions', org), before);
  t.equal(count(app, 'blueai_members', org, 'password_hash = ?', 'plain-text'), 0);
});

t.test('an activity logged with a session cookie is created_by the signed-in member; with a plain token, by the first admin', async (t) => {
  const app = await build(t);
  const org = defaultOrg(app);
  const tanaka = 'usr_efef9eb8fa5fea1b9e49566ad4aa77b7';
  const res = await signIn(app, { email: 'aya.tanaka@blueai-demo.example', password: DEMO_PASSWORD });
  t.equal(res.statusCode, 200, res.body);
  const viaCookie = await app.inject({
    method: 'POST', url: '/api/v1/crm/activities', headers: cookieOf(res), payload: { type: 'call', content: 'called', deal_id: SEED_IDS.deal1 },
  });
  t.equal(viaCookie.statusCode, 201, viaCookie.body);
  t.equal(viaCookie.json().created_by, tanaka);
  t.equal(row(app, 'blueai_activities', org, viaCookie.json().id)?.created_by, tanaka, 'stored as the session\'s member');
  const viaToken = await app.inject({
    method: 'POST', url: '/api/v1/crm/activities', headers: bearer('blueai-demo-token'), payload: { type: 'note', content: 'noted', deal_id: SEED_IDS.deal1 },
  });
  t.equal(viaToken.statusCode, 201, viaToken.body);
  t.equal(viaToken.json().created_by, SEED_IDS.member, 'a plain token acts as the first admin');
  t.equal(row(app, 'blueai_activities', org, viaToken.json().id)?.created_by, SEED_IDS.member);
});
