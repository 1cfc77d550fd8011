import t from 'tap';
import { mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listening, seed } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import type { AppOptions } from '../../src/app.js';

// A real browser walks every panel: about 2.5 min on a loaded 2-core machine, near tap's 180 s per file.
t.setTimeout(360_000);

// The dashboard in a real headless browser (playwright-core driving Debian's chromium): each test
// does through the page what a user would, and checks the answer on the page, in the control API
// and in the database. Screenshots of each panel go to .tap/dashboard/ (UPDATE_SCREENSHOT=1 also
// refreshes docs/dashboard.png, shown in the README).

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = new URL('../../.tap/dashboard/', import.meta.url);
mkdirSync(OUT, { recursive: true });

let browser: Browser | undefined;
try {
  browser = await chromium.launch({
    executablePath: EXECUTABLE,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
} catch (err) {
  const reason = (err as Error).message.split('\n')[0];
  // `dashboard:` names the suite .ci/run's ALLOW_SKIP can allow (scripts/skips.mjs).
  console.error(`\n*** SKIPPED: the dashboard browser tests: no browser could start at ${EXECUTABLE} (${reason}).\n` +
    `*** Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.\n`);
  t.test("the dashboard in a browser", { skip: `dashboard: no browser could start (${reason})` }, async () => {});
}
if (browser) t.teardown(() => browser!.close());
/** A browser test, registered only when a browser started (else the file says SKIPPED, above). */
const test = (name: string, fn: (t: Test) => Promise<void>) => (browser ? t.test(name, async (t) => {
  pageErrors = [];
  await fn(t);
  t.same(pageErrors, [], 'no script error on the page');
}) : undefined);
/** Uncaught errors of the current test's pages. */
let pageErrors: string[] = [];

const five = seed.close!.leads.slice(0, 5).map((l) => l.id);
const json = { 'content-type': 'application/json' };

interface World { app: FastifyInstance; url: string; page: Page; requests: string[] }

/** An emulator listening on a free port, and a page on its dashboard (laptop-sized unless told). */
async function world(t: Test, opts: AppOptions = {}, viewport = { width: 1280, height: 900 }): Promise<World> {
  const { app, url } = await listening(t, opts);
  const context = await browser!.newContext({ viewport });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  return { app, url, page, requests };
}

async function openDashboard(w: World) {
  await w.page.goto(`${w.url}/_mock/ui`);
  await w.page.locator('#live[data-mode="live"]').waitFor();
  // Each panel stamps body[data-*-loaded] once its first load has finished.
  for (const panel of ['orgs', 'jobs', 'requests', 'outbox', 'faults', 'webhooks']) await w.page.locator(`body[data-${panel}-loaded]`).waitFor({ state: 'attached' });
}

async function closeApi(w: World, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${w.url}/api/v1${path}`, { method, headers: { ...basic(key), ...json }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

async function control(w: World, method: string, path: string, body?: unknown) {
  const res = await fetch(`${w.url}/_mock${path}`, { method, headers: body === undefined ? {} : json, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? null : await res.json() as Record<string, any> };
}

/** The database that holds the organization of a credential. */
const orgDb = (w: World, key: string) => w.app.tenants.db(w.app.tenants.get(key).id);
const shot = (w: World, name: string, selector = 'body') => w.page.locator(selector).screenshot({ path: new URL(`${name}.png`, OUT).pathname });

test('a bulk edit started through the Close API appears and its progress bar climbs to done without a reload', async (t) => {
  const w = await world(t, { tickMs: 40, batchSize: 10 });
  await openDashboard(w);
  await w.page.evaluate(() => {
    // Every value the progress bar shows, and proof the page never reloads.
    (window as any).seen = [];
    (window as any).sameDocument = true;
    new MutationObserver(() => {
      const p = document.querySelector('#jobs-body progress') as HTMLProgressElement | null;
      if (p && p.hasAttribute('value')) (window as any).seen.push(p.value);
    }).observe(document.querySelector('#jobs-body')!, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const edit = await closeApi(w, 'ui-live', 'POST', '/bulk_action/edit/', {
    type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: { type: 'object_type', object_type: 'lead' }, send_done_email: true,
  });
  t.equal(edit.status, 200);
  const id = edit.body.id as string;
  const row = w.page.locator(`#jobs-body tr[data-job-id="${id}"]`);
  await row.waitFor();
  t.match(await row.textContent(), /edit · set_lead_status/, 'the kind and the type');
  t.match(await row.textContent(), /ui-live/, 'names the organization by its credential');
  await w.page.locator(`#jobs-body tr[data-job-id="${id}"][data-status="done"]`).waitFor({ timeout: 15_000 });
  const n = seed.close!.leads.length;
  t.match(await row.locator('.progress-text').textContent(), `${n} / ${n} leads`);
  const progress = await row.locator('progress').evaluate((p: HTMLProgressElement) => ({ value: p.value, max: p.max }));
  t.same(progress, { value: n, max: n }, 'the bar is full');
  const seen = await w.page.evaluate(() => (window as any).seen as number[]);
  t.ok(seen.some((v) => v > 0 && v < n), `the bar showed progress on the way: ${[...new Set(seen)].join(', ')}`);
  t.ok(await w.page.evaluate(() => (window as any).sameDocument), 'no reload');
  const stored = orgDb(w, 'ui-live').prepare(`SELECT status, n_leads_processed FROM close_bulk_actions WHERE id = ?`).get(id);
  t.same(stored, { status: 'done', n_leads_processed: n });

  // Its full BulkEditAction and s_query, exactly as the vendor API answers it.
  await row.locator('button.link').click();
  const dialog = w.page.locator('#details');
  await dialog.waitFor();
  const vendor = (await closeApi(w, 'ui-live', 'GET', `/bulk_action/edit/${id}/`)).body;
  t.same(JSON.parse((await dialog.locator('pre[data-part="action"]').textContent())!), vendor);
  t.same(JSON.parse((await dialog.locator('pre[data-part="s_query"]').textContent())!), { type: 'object_type', object_type: 'lead' });
  await shot(w, 'job-details', '#details');
  await w.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  // The done email reached the outbox panel.
  await w.page.locator('#outbox-list li', { hasText: 'complete' }).waitFor();
  t.match(await w.page.locator('#outbox-list').textContent(), id);
  await shot(w, 'bulk-edits', '#jobs');
  await shot(w, 'outbox', '#outbox');
});

test('before the first answers every panel says it is loading and the ticker button waits; then the data replaces them', async (t) => {
  const w = await world(t, { tickMs: 1000 }); // a running ticker, so the button has a state to wait for
  const PANELS = ['orgs', 'jobs', 'requests', 'outbox', 'faults', 'webhooks'];
  // The HTML as served: the first paint, whatever the script and the network do next.
  const html = await (await fetch(`${w.url}/_mock/ui`)).text();
  for (const panel of PANELS) t.match(html, new RegExp(`<section id="${panel}"[^>]*aria-busy="true"[\\s\\S]*?<p class="loading muted">Loading [^<]+…</p>[\\s\\S]*?</section>`), `${panel} is busy, with a Loading line`);
  t.match(html, /<button type="button" id="ticker-toggle" disabled>Ticker…<\/button>/, 'the ticker button neither says Stop nor Start, and cannot be pressed');

  // The same in the browser, with every control API answer held until the page has been looked at.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await w.page.route((u) => u.pathname.startsWith('/_mock/') && !u.pathname.startsWith('/_mock/ui') && u.pathname !== '/_mock/events', async (route) => {
    await held;
    await route.continue();
  });
  await w.page.goto(`${w.url}/_mock/ui`);
  for (const panel of PANELS) {
    t.equal(await w.page.locator(`#${panel}`).getAttribute('aria-busy'), 'true');
    t.ok(await w.page.locator(`#${panel} > .loading`).isVisible(), `${panel}: "${await w.page.locator(`#${panel} > .loading`).textContent()}" shows`);
    t.notOk(await w.page.locator(`#${panel}-empty`).isVisible(), `${panel}: no "empty" message before it knows`);
  }
  const toggle = w.page.locator('#ticker-toggle');
  t.ok(await toggle.isDisabled());
  t.equal(await toggle.textContent(), 'Ticker…');
  t.equal(await w.page.locator('#ticker').textContent(), 'Ticker: asking the emulator…');

  release();
  for (const panel of PANELS) await w.page.locator(`body[data-${panel}-loaded]`).waitFor({ state: 'attached' });
  for (const panel of PANELS) {
    t.equal(await w.page.locator(`#${panel}`).getAttribute('aria-busy'), null, `${panel} is no longer busy`);
    t.notOk(await w.page.locator(`#${panel} > .loading`).isVisible());
  }
  t.ok(await w.page.locator('#orgs-empty').isVisible(), 'an emulator with no organizations now says so');
  t.ok(await toggle.isEnabled());
  t.equal(await toggle.textContent(), 'Stop ticker');
  t.match(await w.page.locator('#ticker').textContent(), /^Ticker running: a step every \d+ ms/);
});

test('with the ticker stopped from the page, Step, Pause, Resume and Run walk a job through each state', async (t) => {
  const w = await world(t, { tickMs: 1000, batchSize: 2 });
  await openDashboard(w);
  await w.page.getByRole('button', { name: 'Stop ticker' }).click();
  await w.page.getByRole('button', { name: 'Start ticker' }).waitFor();
  t.match((await control(w, 'GET', '/ticker')).body, { running: false }, 'the page stopped the real ticker');

  const id = (await closeApi(w, 'ui-step', 'POST', '/bulk_action/edit/', {
    type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...five),
  })).body.id as string;
  const row = w.page.locator(`#jobs-body tr[data-job-id="${id}"]`);
  const state = async (status: string, progress?: string) => {
    await w.page.locator(`#jobs-body tr[data-job-id="${id}"][data-status="${status}"]`).waitFor();
    if (progress) await w.page.waitForFunction(([sel, text]) => document.querySelector(sel!)?.textContent === text, [`#jobs-body tr[data-job-id="${id}"] .progress-text`, progress]);
    return (await row.locator('td').nth(3).textContent())!.trim();
  };
  const click = (label: string) => row.getByRole('button', { name: `${label} ${id}` }).click();

  t.equal(await state('created'), 'created');
  t.ok(await row.getByRole('button', { name: `Resume ${id}` }).isDisabled(), 'Resume is off for a running job');
  await click('Step');
  t.equal(await state('loading'), 'loading');
  await click('Step');
  t.equal(await state('processing', '0 / 5 leads'), 'processing');
  await click('Step');
  t.equal(await state('processing', '2 / 5 leads'), 'processing');
  await click('Pause');
  t.equal(await state('paused'), 'paused (from processing)');
  t.ok(await row.getByRole('button', { name: `Step ${id}` }).isDisabled(), 'Step is off while paused');
  t.match(orgDb(w, 'ui-step').prepare(`SELECT status, paused_from FROM close_bulk_actions WHERE id = ?`).get(id), { status: 'paused', paused_from: 'processing' });
  await click('Resume');
  t.equal(await state('resuming'), 'resuming');
  await click('Step');
  t.equal(await state('processing', '2 / 5 leads'), 'processing');
  await click('Run');
  t.equal(await state('done', '5 / 5 leads'), 'done');
  t.match(orgDb(w, 'ui-step').prepare(`SELECT status, n_leads_processed FROM close_bulk_actions WHERE id = ?`).get(id), { status: 'done', n_leads_processed: 5 });
  for (const label of ['Step', 'Run', 'Pause', 'Resume', 'Fail']) {
    t.ok(await row.getByRole('button', { name: `${label} ${id}` }).isDisabled(), `${label} is off once done`);
  }

  const other = (await closeApi(w, 'ui-step', 'POST', '/bulk_action/edit/', {
    type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...five),
  })).body.id as string;
  const otherRow = w.page.locator(`#jobs-body tr[data-job-id="${other}"]`);
  await otherRow.getByRole('button', { name: `Fail ${other}` }).click();
  await w.page.locator(`#jobs-body tr[data-job-id="${other}"][data-status="error"]`).waitFor();
  t.match(orgDb(w, 'ui-step').prepare(`SELECT status, error_reason FROM close_bulk_actions WHERE id = ?`).get(other), { status: 'error', error_reason: /control API/ });
  await otherRow.locator('button.link').click();
  t.match(await w.page.locator('#details').textContent(), /Error: failed by the control API/);
});

test('a BlueAI call appears at the top of the request tail; its bodies open; an unmatched one stands out with its nearest route', async (t) => {
  const w = await world(t);
  await openDashboard(w);
  const created = await fetch(`${w.url}/api/v1/crm/companies`, {
    method: 'POST', headers: { authorization: 'Bearer ui-tail', ...json }, body: JSON.stringify({ name: 'Tail 株式会社' }),
  });
  t.equal(created.status, 201);
  const top = w.page.locator('#requests-body tr').first();
  await w.page.locator('#requests-body tr', { hasText: 'POST /api/v1/crm/companies' }).waitFor();
  t.match(await top.textContent(), /POST \/api\/v1\/crm\/companies/);
  t.match(await top.textContent(), /blueai/);
  t.match(await top.textContent(), /201/);
  await top.locator('button.link').click();
  const dialog = w.page.locator('#details');
  t.same(JSON.parse((await dialog.locator('pre[data-part="request"]').textContent())!), { name: 'Tail 株式会社' });
  t.match(JSON.parse((await dialog.locator('pre[data-part="response"]').textContent())!), { name: 'Tail 株式会社', id: /^comp_/ });
  await dialog.getByRole('button', { name: 'Close' }).click();

  const miss = await fetch(`${w.url}/api/v1/crm/deal`, { headers: { authorization: 'Bearer ui-tail' } });
  t.equal(miss.status, 404);
  const unmatched = w.page.locator('#requests-body tr.unmatched').first();
  await unmatched.waitFor();
  t.match(await unmatched.textContent(), /Unmatched route · nearest: GET \/api\/v1\/crm\/deals/);
  t.match(await w.page.locator('#requests-body tr').first().textContent(), /GET \/api\/v1\/crm\/deal/, 'newest first');
  const colours = await unmatched.locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
  const plain = await w.page.locator('#requests-body tr:not(.unmatched) td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
  t.not(colours, plain, 'an unmatched row has its own background');

  await closeApi(w, 'ui-tail', 'GET', '/me/');
  await w.page.locator('#requests-body tr', { hasText: 'GET /api/v1/me/' }).waitFor();
  await w.page.getByLabel('Vendor').first().selectOption('close');
  await w.page.waitForFunction(() => [...document.querySelectorAll('#requests-body tr')].every((r) => r.textContent!.includes('close')) &&
    document.querySelectorAll('#requests-body tr').length === 1);
  await w.page.getByLabel('Vendor').first().selectOption('');
  await w.page.getByLabel('Status').first().selectOption('4xx');
  await w.page.waitForFunction(() => document.querySelectorAll('#requests-body tr').length === 1 && document.querySelector('#requests-body tr.unmatched') !== null);
  t.pass('vendor and status-class filters narrow the tail');
  await w.page.getByLabel('Status').first().selectOption('');
  await w.page.locator('#requests-body tr').nth(2).waitFor();
  await shot(w, 'requests', '#requests');
});

test('an organization is one row; its counts load when asked and follow changes; Manage resets it, advances its clock, snapshots and deletes it', async (t) => {
  const w = await world(t);
  t.equal((await control(w, 'POST', '/orgs', { credential: 'ui-reset' })).status, 201);
  await openDashboard(w);
  const orgId = w.app.tenants.get('ui-reset').id;
  const row = w.page.locator(`#orgs-table tbody[data-org-id="${orgId}"]`);
  t.equal(await row.locator('.org-key').textContent(), 'ui-reset');
  t.equal(await row.locator('.org-id').textContent(), orgId);
  t.equal(await row.locator('time').getAttribute('datetime'), (await control(w, 'GET', '/orgs/ui-reset')).body!.created_at, 'created');
  const counts = row.locator('.org-counts');
  t.ok(await counts.isHidden(), 'no counts until asked');
  const countsButton = row.getByRole('button', { name: 'Row counts of ui-reset' });
  await countsButton.click();
  await counts.waitFor();
  const companies = seed.blueai!.companies.length;
  t.match(await counts.textContent(), `companies ${companies}`);
  // Close's rows include its users, pipelines and tasks.
  const cs = seed.close!;
  const closeRows = await counts.locator('[data-vendor="close"] dd').textContent();
  for (const n of [`users ${cs.users.length}`, `pipelines ${cs.pipelines!.length}`, `tasks ${cs.leads.flatMap((l) => l.tasks ?? []).length}`]) {
    t.match(closeRows, new RegExp(`\\b${n}\\b`), n);
  }
  for (let i = 0; i < 2; i++) {
    await fetch(`${w.url}/api/v1/crm/companies`, { method: 'POST', headers: { authorization: 'Bearer ui-reset', ...json }, body: JSON.stringify({ name: `Extra ${i}` }) });
  }
  await counts.getByText(`companies ${companies + 2}`).waitFor();
  t.pass('shown counts follow the data');

  await row.getByRole('button', { name: 'Manage ui-reset' }).click();
  const card = w.page.locator(`#details[open] .card[data-org-id="${orgId}"]`);
  await card.waitFor();
  t.equal(await w.page.locator('#details-h').textContent(), 'ui-reset');
  t.equal(await card.locator('[data-field="Id"]').textContent(), orgId);
  t.equal(await card.locator('[data-field="Dataset"]').textContent(), 'seed');
  await card.getByRole('button', { name: 'Reset ui-reset' }).click();
  await counts.getByText(`companies ${companies},`).waitFor();
  t.equal(w.app.tenants.db(orgId).prepare(`SELECT count(*) FROM blueai_companies WHERE org_id = ?`).pluck().get(orgId), companies, 'the database is back too');

  const before = Date.parse((await control(w, 'GET', '/orgs/ui-reset/clock')).body!.now);
  await card.getByLabel('Advance clock by').fill('3d');
  await card.getByRole('button', { name: 'Advance' }).click();
  await card.getByText('(own clock)').waitFor();
  await row.locator('[data-field="clock"]', { hasText: 'own clock' }).waitFor();
  t.pass('the dialog and the row both show the clock of its own');
  const clock = (await control(w, 'GET', '/orgs/ui-reset/clock')).body!;
  t.equal(clock.source, 'organization');
  t.ok(Date.parse(clock.now) - before >= 3 * 86_400_000, 'three days ahead');
  await card.getByLabel('Advance clock by').fill('soon');
  await card.getByRole('button', { name: 'Advance' }).click();
  await w.page.locator('#notice[data-kind="error"]').waitFor();
  t.match(await w.page.locator('#notice').textContent(), /failed/, "the control API's 400 is shown");

  // Snapshot downloads the organization as a dataset.
  const download = w.page.waitForEvent('download');
  await card.getByRole('button', { name: 'Snapshot ui-reset' }).click();
  const file = await download;
  t.equal(file.suggestedFilename(), 'ui-reset-snapshot.json');
  await shot(w, 'organization-dialog', '#details');
  await shot(w, 'organizations', '#orgs');

  await card.getByRole('button', { name: 'Delete ui-reset' }).click();
  await row.waitFor({ state: 'detached' });
  await w.page.locator('#details').waitFor({ state: 'hidden' });
  t.pass('its row is gone and its dialog closed');
  t.equal(w.app.db.prepare(`SELECT count(*) FROM orgs WHERE id = ?`).pluck().get(orgId), 0);
});

test('a fault added from the page fails the next vendor call; a bad one is refused with its reason; Remove takes it away', async (t) => {
  const w = await world(t);
  await openDashboard(w);
  const form = w.page.locator('#fault-add');
  await form.getByRole('button', { name: 'Add fault' }).click();
  await form.locator('.form-error:not([hidden])').waitFor();
  t.match(await form.locator('.form-error').textContent(), /status|latency_ms|drop/, 'a rule that does nothing is refused, saying why');
  t.equal(w.app.db.prepare(`SELECT count(*) FROM control_faults`).pluck().get(), 0);

  await form.getByLabel('Vendor').selectOption('blueai');
  await form.getByLabel('Method').selectOption('GET');
  await form.getByLabel('Path (glob)').fill('/api/v1/crm/deals');
  await form.getByLabel('Status').fill('503');
  await form.getByLabel('Times').fill('1');
  await form.getByRole('button', { name: 'Add fault' }).click();
  const rule = w.page.locator('#faults-body tr').first();
  await rule.waitFor();
  t.match(await rule.textContent(), /blueai · GET · \/api\/v1\/crm\/deals/);
  const stored = w.app.db.prepare(`SELECT rule, remaining FROM control_faults`).get() as { rule: string; remaining: number };
  t.match({ ...JSON.parse(stored.rule), remaining: stored.remaining }, { vendor: 'blueai', method: 'GET', path: '/api/v1/crm/deals', status: 503, remaining: 1 });

  const failed = await fetch(`${w.url}/api/v1/crm/deals`, { headers: { authorization: 'Bearer ui-fault' } });
  t.equal(failed.status, 503);
  t.match(await failed.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: /Injected fault/ } });
  t.equal((await fetch(`${w.url}/api/v1/crm/deals`, { headers: { authorization: 'Bearer ui-fault' } })).status, 200, 'times: 1');
  await rule.getByText('1×, 0 left').waitFor();
  await w.page.locator('#requests-body tr', { hasText: 'fault' }).first().waitFor();
  await shot(w, 'faults', '#faults');
  await rule.getByRole('button', { name: /^Remove fault_/ }).click();
  await w.page.locator('#faults-empty:not([hidden])').waitFor();
  t.equal(w.app.db.prepare(`SELECT count(*) FROM control_faults`).pluck().get(), 0);
});

test('with CONTROL_TOKEN the page asks once, refuses a wrong token, and keeps the right one for the tab', async (t) => {
  const w = await world(t, { controlToken: 'ui-token' });
  await w.page.goto(`${w.url}/_mock/ui`);
  const login = w.page.locator('#login');
  await login.waitFor();
  await login.getByLabel('Token').fill('wrong');
  await login.getByRole('button', { name: 'Unlock' }).click();
  await login.getByText('That token was refused').waitFor();
  await login.getByLabel('Token').fill('ui-token');
  await login.getByRole('button', { name: 'Unlock' }).click();
  await w.page.locator('#live[data-mode="live"]').waitFor();
  await w.page.locator('body[data-orgs-loaded]').waitFor({ state: 'attached' });
  await w.page.reload();
  await w.page.locator('#live[data-mode="live"]').waitFor();
  t.notOk(await login.isVisible(), 'not asked again in the same tab');
  const other = await w.page.context().newPage();
  await other.goto(`${w.url}/_mock/ui`);
  await other.locator('#login').waitFor();
  t.pass('a new tab asks for itself');
  await other.close();
  await shot(w, 'with-token');
  // The same tab's API docs page sends the kept token for the documents it loads.
  await w.page.getByRole('link', { name: 'API docs' }).click();
  await w.page.locator('#swagger-ui .info .title').waitFor();
  t.match(await w.page.locator('#swagger-ui .info .title').textContent(), /crm-bulk-emulator/);
  t.equal(await w.page.getByText('Failed to load API definition').count(), 0, 'the documents loaded with the token');
});

test('when the event stream is unavailable the page polls, and still shows new requests', async (t) => {
  const w = await world(t);
  await w.page.route('**/_mock/events', (route) => route.abort());
  await w.page.goto(`${w.url}/_mock/ui`);
  await w.page.locator('#live[data-mode="polling"]').waitFor();
  await fetch(`${w.url}/api/v1/crm/deals`, { headers: { authorization: 'Bearer ui-poll' } });
  await w.page.locator('#requests-body tr', { hasText: 'GET /api/v1/crm/deals' }).waitFor({ timeout: 6000 });
  t.equal(w.app.changes.size, 0, 'nobody watches the feed');
  t.pass('a polling page sees new requests');
});

test('keyboard and labels: every control has a name, Tab reaches them with a visible focus ring, all assets are local', async (t) => {
  const w = await world(t);
  await closeApi(w, 'ui-keys', 'POST', '/bulk_action/edit/', { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...five) });
  await openDashboard(w);
  await w.page.locator('#jobs-body tr').first().waitFor();
  const unnamed = await w.page.evaluate(() => [...document.querySelectorAll('input, select, button, textarea')]
    .filter((el) => !(el.closest('dialog') && !(el.closest('dialog') as HTMLDialogElement).open))
    .filter((el) => {
      const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      return !labelled && !(el.tagName === 'BUTTON' && el.textContent!.trim());
    }).map((el) => el.outerHTML.slice(0, 80)));
  t.same(unnamed, [], 'every control is labelled');
  const landmarks = await w.page.evaluate(() => ({
    main: document.querySelectorAll('main').length, navs: document.querySelectorAll('nav').length, h1: document.querySelectorAll('h1').length,
    sections: [...document.querySelectorAll('main section')].map((s) => s.querySelector('h2')?.textContent),
    nav: [...document.querySelectorAll('nav a[href^="#"]')].map((a) => a.textContent),
  }));
  // The busy panels first (and, from 1200 px, in the wide column): reading and Tab order follow what the page shows.
  const order = ['Bulk actions', 'Requests', 'Webhooks', 'Organizations', 'Outbox', 'Faults'];
  t.same(landmarks, { main: 1, navs: 1, h1: 1, sections: order, nav: order });

  await w.page.keyboard.press('Tab');
  t.equal(await w.page.evaluate(() => document.activeElement?.textContent), 'Skip to the panels', 'the first Tab offers the skip link');
  const rings = new Set<string>();
  for (let i = 0; i < 25; i++) {
    await w.page.keyboard.press('Tab');
    const ring = await w.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return `${el.tagName}:${s.outlineStyle}:${s.outlineWidth}`;
    });
    t.notMatch(ring, /:none:|:0px$/, `focus is visible on ${ring}`);
    rings.add(ring.split(':')[0]!);
  }
  t.ok(rings.has('BUTTON') && rings.has('SELECT') && rings.has('INPUT'), `Tab reaches ${[...rings].join(', ')}`);
  // Enter on a focused job id opens its details; Escape closes them.
  await w.page.locator('#jobs-body button.link').first().focus();
  await w.page.keyboard.press('Enter');
  await w.page.locator('#details[open]').waitFor();
  await w.page.keyboard.press('Escape');
  await w.page.locator('#details').waitFor({ state: 'hidden' });
  // Run pressed from the keyboard: when the job is done the button turns itself off, and focus moves
  // to the job's id in the same row instead of being lost to the page.
  const job = w.page.locator('#jobs-body tr').first();
  const jobId = (await job.getAttribute('data-job-id'))!;
  await job.getByRole('button', { name: `Run ${jobId}` }).focus();
  await w.page.keyboard.press('Enter');
  await w.page.locator(`#jobs-body tr[data-job-id="${jobId}"][data-status="done"]`).waitFor();
  await w.page.waitForFunction(() => document.activeElement?.matches('#jobs-body button.link'));
  t.equal(await w.page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-job-id')), jobId, 'focus stays in the row');

  const foreign = w.requests.filter((u) => !u.startsWith(w.url) && !u.startsWith('data:'));
  t.same(foreign, [], 'nothing is fetched from anywhere but the emulator');
});

/** Width and height of a PNG file, from its IHDR chunk. */
function pngSize(file: URL): { width: number; height: number } {
  const head = readFileSync(file).subarray(0, 24);
  if (head.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error(`${file.pathname} is not a PNG`);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 390, height: 844 };

test('one busy world at 1400×1000: bulk actions and requests fit the first screen beside a compact organization table (the README screenshots)', async (t) => {
  const w = await world(t, { tickMs: 0, batchSize: 2 }, DESKTOP);
  t.equal((await control(w, 'POST', '/orgs', { credential: 'acme-close-key' })).status, 201);
  t.equal((await control(w, 'POST', '/orgs', { credential: 'blueai-staging', dataset: 'empty' })).status, 201);
  await control(w, 'PUT', '/orgs/blueai-staging/clock', { now: '2026-01-15T09:00:00Z', frozen: true });
  // A bulk email: its outbox messages are the template rendered, as HTML.
  const intro = seed.close!.email_templates!.find((x) => x.name === 'Introduction')!.id;
  const email = (await closeApi(w, 'acme-close-key', 'POST', '/bulk_action/email/', { template_id: intro, s_query: leadsQuery(five[0]!), send_done_email: false })).body.id as string;
  await control(w, 'POST', `/jobs/${email}/run`);
  const start = async (extra: Record<string, unknown>) => (await closeApi(w, 'acme-close-key', 'POST', '/bulk_action/edit/', {
    type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: { type: 'object_type', object_type: 'lead' }, ...extra,
  })).body.id as string;
  const done = await start({ send_done_email: true });
  await control(w, 'POST', `/jobs/${done}/run`);
  const running = await start({});
  await control(w, 'POST', `/jobs/${running}/step`, { ticks: 40 });
  const paused = await start({});
  await control(w, 'POST', `/jobs/${paused}/step`, { ticks: 12 });
  await control(w, 'POST', `/jobs/${paused}/pause`);
  await fetch(`${w.url}/api/v1/crm/deals?limit=5`, { headers: { authorization: 'Bearer blueai-staging' } });
  await fetch(`${w.url}/api/v1/crm/companies`, { method: 'POST', headers: { authorization: 'Bearer blueai-staging', ...json }, body: JSON.stringify({ name: 'Sakura Trading' }) });
  await fetch(`${w.url}/api/v1/crm/deal`, { headers: { authorization: 'Bearer blueai-staging' } });
  await control(w, 'POST', '/faults', { vendor: 'close', method: 'POST', path: '/api/v1/bulk_action/edit/', status: 503, times: 1 });
  await control(w, 'POST', '/faults', { vendor: 'blueai', path: '/api/v1/crm/**', latency_ms: [50, 200], probability: 0.2 });
  const outbox = (await control(w, 'GET', '/outbox')).body!.data as { kind: string; body: string }[];
  const htmlMails = outbox.filter((m) => m.kind === 'email');
  t.ok(htmlMails.length >= 1 && htmlMails.every((m) => m.body.startsWith('<p>')), `the bulk email sent ${htmlMails.length} HTML email(s)`);
  await openDashboard(w);

  // Organizations: one row each, no counts until asked.
  const rows = w.page.locator('#orgs-table tbody.org');
  t.equal(await rows.count(), 2, 'one row per organization');
  t.same(await rows.locator('.org-key').allTextContents(), ['acme-close-key', 'blueai-staging']);
  t.equal(await rows.nth(1).locator('[data-field="clock"]').textContent(), 'own clock, frozen', 'a clock of its own is marked');
  t.ok(await rows.nth(0).locator('[data-field="clock"]').isHidden(), 'the default clock is not');
  t.match(await rows.nth(0).locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/, 'created');
  t.equal(await w.page.locator('#orgs-table .org-counts:visible').count(), 0, 'no row counts before they are asked for');
  t.equal(w.requests.filter((u) => /\/_mock\/orgs\/orga_/.test(u)).length, 0, 'nor fetched');
  t.ok(w.requests.some((u) => u.endsWith('/_mock/orgs?counts=false')), 'the list is asked for without counts');
  t.notOk(w.requests.some((u) => u.endsWith('/_mock/orgs')), 'never with them');
  const acme = rows.nth(0);
  await acme.getByRole('button', { name: 'Row counts of acme-close-key' }).click();
  const counts = acme.locator('.org-counts');
  await counts.waitFor();
  const cs = seed.close!;
  t.match(await counts.locator('[data-vendor="close"] dd').textContent(), new RegExp(`\\bleads ${cs.leads.length}\\b`), 'Close row counts, loaded on demand');
  t.match(await counts.locator('[data-vendor="blueai"] dd').textContent(), new RegExp(`\\bcompanies ${seed.blueai!.companies.length}\\b`), 'BlueAI row counts');
  t.equal(await acme.getByRole('button', { name: 'Row counts of acme-close-key' }).getAttribute('aria-expanded'), 'true');
  t.equal(w.requests.filter((u) => u.endsWith(`/_mock/orgs/${w.app.tenants.get('acme-close-key').id}`)).length, 1, 'one GET /_mock/orgs/{id}');

  t.equal(await w.page.locator('#jobs-body tr').count(), 4);
  t.same(await w.page.locator('#jobs-body tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status)), ['done', 'done', 'processing', 'paused']);
  t.ok(await w.page.locator('#requests-body tr').count() >= 4);
  t.equal(await w.page.locator('#requests-body tr.unmatched').count(), 1);
  t.equal(await w.page.locator('#outbox-list li').count(), outbox.length);
  t.equal(await w.page.locator('#faults-body tr').count(), 2);

  // The first screen: both busy panels whole inside the window, beside each other's column neighbours.
  for (const panel of ['#jobs', '#requests']) {
    const box = (await w.page.locator(panel).boundingBox())!;
    t.ok(box.y >= 0 && box.y + box.height <= DESKTOP.height, `${panel} is above the fold: y ${Math.round(box.y)} to ${Math.round(box.y + box.height)} of ${DESKTOP.height}`);
    t.ok(box.x >= 0 && box.x + box.width <= DESKTOP.width, `${panel} fits the width`);
  }
  const orgsBox = (await w.page.locator('#orgs').boundingBox())!;
  const jobsBox = (await w.page.locator('#jobs').boundingBox())!;
  t.ok(orgsBox.x > jobsBox.x + jobsBox.width, 'the organizations sit in the second column');
  t.ok(await w.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  for (const panel of ['#jobs', '#requests', '#orgs']) {
    const [inner, outer] = await w.page.locator(`${panel} .scroll`).evaluate((el) => [el.scrollWidth, el.clientWidth]);
    t.ok(inner! <= outer!, `${panel}: the table fits its column (${inner} of ${outer} px)`);
  }

  // An HTML email reads as text; the toggle renders it in a frame that may run nothing.
  const mail = w.page.locator('#outbox-list li[data-mail-id]', { has: w.page.locator('.mail-toggle') }).first();
  const text = (await mail.locator('.mail-text').textContent())!;
  t.notMatch(text, /<\/?p>|<br>/, 'no tags in the text view');
  t.match(text, /^Hi .+,\n\nI am reaching out to /, "paragraphs become lines, a blank one between");
  t.equal(await mail.locator('iframe').count(), 0, 'no frame until asked for');
  await mail.getByRole('button', { name: 'Show as HTML' }).click();
  const frame = mail.locator('iframe.mail-html');
  await frame.waitFor();
  t.equal(await frame.getAttribute('sandbox'), '', 'sandboxed, with no allowance at all');
  t.notMatch(await frame.getAttribute('sandbox'), /allow-scripts/);
  t.match(await frame.getAttribute('srcdoc'), /^<p>Hi /, 'the body as sent');
  t.ok(await mail.locator('.mail-text').isHidden(), 'the text view is hidden');
  t.match(await frame.contentFrame().locator('p').first().textContent(), /^Hi /, 'rendered as HTML in the frame');
  t.equal(await mail.getAttribute('data-view'), 'html');
  await shot(w, 'outbox-html', '#outbox');
  await mail.getByRole('button', { name: 'Show as text' }).click();
  t.ok(await mail.locator('.mail-text').isVisible());
  t.ok(await frame.isHidden());
  // The bulk edit's done email is plain text: no toggle.
  const plain = w.page.locator('#outbox-list li', { hasText: 'Your bulk edit is complete' });
  t.equal(await plain.locator('.mail-toggle').count(), 0);
  t.match(await plain.locator('.mail-text').textContent(), /^Bulk edit bulkedit_/);

  await w.page.evaluate(() => window.scrollTo(0, 0));
  await w.page.screenshot({ path: new URL('dashboard.png', OUT).pathname });
  // The same world on a phone: the bulk edits as labelled blocks.
  await w.page.setViewportSize(PHONE);
  await w.page.evaluate(() => document.querySelector('#jobs')!.scrollIntoView());
  t.ok(await w.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits a phone');
  await w.page.screenshot({ path: new URL('dashboard-phone.png', OUT).pathname });
  if (process.env.UPDATE_SCREENSHOT === '1') {
    copyFileSync(new URL('dashboard.png', OUT), new URL('../../docs/dashboard.png', import.meta.url));
    copyFileSync(new URL('dashboard-phone.png', OUT), new URL('../../docs/dashboard-phone.png', import.meta.url));
  }
  // The README's pictures are of this page as it renders now (UPDATE_SCREENSHOT=1 remakes them).
  for (const [name, size] of [['dashboard.png', DESKTOP], ['dashboard-phone.png', PHONE]] as const) {
    t.same(pngSize(new URL(name, OUT)), size, `${name} as rendered is the window's size`);
    t.same(pngSize(new URL(`../../docs/${name}`, import.meta.url)), size, `docs/${name} is the size the test renders`);
  }
});

test('an HTML email reads as text; shown as HTML it is rendered in a sandboxed frame where no script runs and nothing loads', async (t) => {
  const w = await world(t);
  // Where the email's image points: another origin, a server that counts what reaches it.
  const hits: string[] = [];
  const tracker = createServer((req, res) => {
    hits.push(req.url!);
    res.end();
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => tracker.close(() => resolve())));
  const pixel = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/p.gif`;
  const template = await closeApi(w, 'ui-mail', 'POST', '/email_template/', { name: 'Hostile', subject: 'Hostile mail', body:
    '<p>Dear <b>{{ contact.first_name }}</b>,</p><ul><li>one</li><li>two</li></ul><p>See <a href="https://example.com/x">the offer</a><br>Bye</p>' +
    `<script>window.top.pwned = 1; parent.document.title = "pwned"</script><img src="${pixel}" onerror="window.top.pwned = 2">` +
    '<p class="styled" style="color: rgb(255, 0, 0)">Styled</p>' });
  t.equal(template.status, 200);
  const job = await closeApi(w, 'ui-mail', 'POST', '/bulk_action/email/', { template_id: template.body.id, s_query: leadsQuery(five[0]!), send_done_email: false });
  t.equal((await control(w, 'POST', `/jobs/${job.body.id}/run`)).status, 200);
  const stored = orgDb(w, 'ui-mail').prepare(`SELECT body FROM close_outbox WHERE kind = 'email'`).pluck().get() as string;
  t.match(stored, /<script>window\.top\.pwned = 1/, 'the outbox holds the body as rendered, script and all');
  await openDashboard(w);
  const mail = w.page.locator('#outbox-list li', { hasText: 'Hostile mail' });
  await mail.waitFor();
  t.match(await mail.locator('.mail-text').textContent(), /^Dear \S+,\n\n• one\n• two\n\nSee the offer <https:\/\/example\.com\/x>\nBye\n\nStyled$/,
    'paragraphs, list items and line breaks kept; the link shows its address; the script is gone');
  t.equal(await mail.locator('iframe').count(), 0);
  const title = await w.page.title();

  await mail.getByRole('button', { name: 'Show as HTML' }).click();
  const frame = mail.locator('iframe.mail-html');
  await frame.waitFor();
  t.equal(await frame.getAttribute('sandbox'), '', 'sandbox with no allowance: no scripts, no same origin');
  t.equal(await frame.getAttribute('srcdoc'), stored, 'the body as stored');
  const inside = frame.contentFrame();
  t.match(await inside.locator('b').textContent(), /\S/, 'rendered: the bold name is an element');
  t.equal(await inside.locator('li').count(), 2);
  await sleep(300); // time for a script or an image error handler, were either allowed
  t.equal(await w.page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined, 'no script of the email ran');
  t.equal(await w.page.title(), title);
  t.same(hits, [], 'its image was not fetched');
  // The page's CSP holds in the frame (a srcdoc document inherits it): an inline style is not applied either.
  t.not(await inside.locator('p.styled').evaluate((p) => getComputedStyle(p).color), 'rgb(255, 0, 0)', 'inline style not applied');
  await shot(w, 'outbox-html-frame', '#outbox');

  await mail.getByRole('button', { name: 'Show as text' }).click();
  t.ok(await frame.isHidden());
  t.ok(await mail.locator('.mail-text').isVisible());
  t.equal(await mail.getAttribute('data-view'), 'text');
});

test('when the emulator stops, the page says it is offline instead of showing stale data as live', async (t) => {
  const w = await world(t);
  await openDashboard(w);
  await w.app.close();
  await w.page.locator('#live[data-mode="offline"]').waitFor({ timeout: 10_000 });
  t.match(await w.page.locator('#live').textContent(), /Offline: the emulator does not answer/);
  t.match(await w.page.locator('#notice[data-kind="error"]').textContent(), /Could not load/);
});

test('on a phone-sized screen the page fits its width, and a closed tab leaves no watcher behind', async (t) => {
  const w = await world(t, {}, { width: 390, height: 844 });
  await closeApi(w, 'ui-phone', 'POST', '/bulk_action/edit/', { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...five) });
  await fetch(`${w.url}/api/v1/crm/deal`, { headers: { authorization: 'Bearer ui-phone' } });
  await openDashboard(w);
  await w.page.locator('#jobs-body tr').first().waitFor();
  await w.page.locator('#requests-body tr').first().waitFor();
  const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
  t.equal(w.app.changes.size, 1, 'the open tab watches');
  await shot(w, 'phone');
  await w.page.close();
  for (let i = 0; i < 100 && w.app.changes.size > 0; i++) await sleep(20);
  t.equal(w.app.changes.size, 0, 'closing the tab ends its stream');
});

test('the webhooks panel shows deliveries with their status and next attempt; Flush sends them, Redeliver sends one again, Hold holds', async (t) => {
  const w = await world(t, { webhookHosts: ['127.0.0.1'] });
  const got: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => { got.push(body); res.end('thanks'); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const sub = await closeApi(w, 'ui-hooks', 'POST', '/webhook/', { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`, events: [{ object_type: 'lead', action: 'created' }] });
  t.equal(sub.status, 201);
  const orgId = w.app.tenants.get('ui-hooks').id;
  const event = { id: 'ev_ui1', object_type: 'lead', object_id: 'lead_x', lead_id: 'lead_x', action: 'created', changed_fields: [], previous_data: null,
    data: { name: 'Panel Co' }, meta: {}, request_id: null, user_id: null, api_key_id: null, organization_id: orgId, date_created: 'x', date_updated: 'x' };
  w.app.tenants.run(orgId, () => w.app.orgDbs.routed.transaction(() => w.app.closeStore.webhooks.enqueueEvent(orgId, event, 'created'))());
  await openDashboard(w);
  await w.page.locator('body[data-webhooks-loaded]').waitFor({ state: 'attached' });
  const row = w.page.locator('#webhooks-body tr', { hasText: 'ev_ui1' });
  await row.waitFor();
  t.equal(await row.locator('td[data-label="Status"]').textContent(), 'pending');
  t.match(await row.locator('td[data-label="Next attempt"]').textContent(), /^\d{4}-\d\d-\d\dT/);
  t.match(await row.locator('td[data-label="Organization"]').textContent(), 'ui-hooks');

  await w.page.locator('#webhooks-hold').click();
  await w.page.locator('#webhooks-hold', { hasText: 'Release' }).waitFor();
  await w.page.locator('#webhooks-flush').click();
  await w.page.locator('#webhooks-state', { hasText: 'Held' }).waitFor();
  t.equal(got.length, 0, 'held: nothing sent');
  await w.page.locator('#webhooks-hold').click();
  await w.page.locator('#webhooks-hold', { hasText: 'Hold' }).waitFor();

  await w.page.locator('#webhooks-flush').click();
  await row.locator('td[data-label="Status"]', { hasText: 'succeeded' }).waitFor();
  t.equal(got.length, 1);
  t.match(await row.locator('td[data-label="Last answer"]').textContent(), /^200 in \d+ ms$/);
  t.equal(await row.locator('td[data-label="Next attempt"]').textContent(), '—');
  await row.getByRole('button', { name: /Redeliver/ }).click();
  await row.locator('td[data-label="Attempts"]', { hasText: '2' }).waitFor();
  t.equal(got.length, 2);
  t.same(JSON.parse(got[1]!), { subscription_id: sub.body.id, event });
  await shot(w, 'webhooks', '#webhooks');
});
