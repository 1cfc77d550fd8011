// The dashboard: a page on the control API (/_mock/…), nothing else. It reads what a test could read
// and does what a test could do, with the same calls. Plain JavaScript, no build step, no dependency.
//
//   api()        one control call (adds the token; asks for it on a 401)
//   panels       one loader per panel: fetch, then update the DOM in place (focus and inputs survive)
//   live()       GET /_mock/events (Server-Sent Events, read with fetch so the token can be sent);
//                when the stream fails, polling every 2 s until it works again
//
// Text from the emulator (bodies, credentials, paths) only ever goes into textContent, never HTML; an
// email's HTML body is rendered only inside a sandboxed frame (see makeMail).

const TOKEN_KEY = 'crm-bulk-emulator.control-token';
const POLL_MS = 2000;
const RETRY_STREAM_MS = 10_000;
const MIN_REFRESH_MS = 200;
const REQUEST_LIMIT = 100;

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let orgs = [];
/** The request tail on the page: the filter it was loaded with, newest entry first. */
const shown = { filter: null, entries: [] };

// ----------------------------------------------------------------------------------------- helpers

const $ = (selector) => document.querySelector(selector);

/** h('td', { class: 'x', dataset: {…}, onclick }, child, …): an element; strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Sets text only when it changed (keeps screen readers and selection calm). */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Keyed list update: rows for new items are made, existing rows updated in place, missing ones
 * removed, and nodes moved only when out of order (moving a focused button would drop focus).
 */
function sync(container, items, key, make, update) {
  // Children without a key (a table's caption and head) stay in front.
  const fixed = [...container.children].filter((el) => el.dataset.key === undefined).length;
  const existing = new Map([...container.children].filter((el) => el.dataset.key !== undefined).map((el) => [el.dataset.key, el]));
  items.forEach((item, index) => {
    const i = fixed + index;
    const k = key(item);
    let el = existing.get(k);
    if (el) existing.delete(k);
    else {
      el = make(item);
      el.dataset.key = k;
    }
    update(el, item);
    if (container.children[i] !== el) container.insertBefore(el, container.children[i] ?? null);
  });
  for (const el of existing.values()) el.remove();
}

/** Organization ids already asked for once (a deleted one must not reload the panel forever). */
const unknownOrgs = new Set();

/** An organization's first credential (its id until the organizations panel has loaded it). */
function orgLabel(orgId) {
  const org = orgs.find((o) => o.id === orgId);
  return org ? (org.credentials[0] ?? org.id) : (orgId ?? '—');
}

/**
 * Before rows naming organizations are drawn: one the page has not seen (just made by a vendor call)
 * loads the organizations first, so it shows by its credential at once (each id asked for once).
 */
async function knowOrgs(ids) {
  const fresh = ids.filter((id) => id && !orgs.some((o) => o.id === id) && !unknownOrgs.has(id));
  if (fresh.length === 0) return;
  for (const id of fresh) unknownOrgs.add(id);
  await run('orgs');
}

/** An element showing an organization: relabelled whenever the organizations are loaded. */
function orgRef(tag, orgId, attrs = {}) {
  return h(tag, { ...attrs, dataset: { ...(attrs.dataset ?? {}), orgRef: orgId } }, orgLabel(orgId));
}

function relabel() {
  for (const el of document.querySelectorAll('[data-org-ref]')) setText(el, orgLabel(el.dataset.orgRef));
}

const enc = encodeURIComponent;

function pretty(text) {
  if (text === null || text === undefined) return '(none)';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function notice(message, kind = 'info') {
  const el = $('#notice');
  el.hidden = false;
  el.dataset.kind = kind;
  el.textContent = message;
}

// ------------------------------------------------------------------------------------ control API

class ControlError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
    this.field = error?.field;
  }
}

/** The emulator did not answer at all (fetch itself failed): not a bug of the page, not an API error. */
class Offline extends Error {
  name = 'Offline';
}

async function reach(url, init) {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new Offline(`the emulator does not answer (${err.message})`);
  }
}

let pendingLogin = null;

/** One control API call; on a 401, asks for the token (once for all waiting calls) and retries. */
async function api(method, path, body) {
  for (;;) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await reach(`/_mock${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status === 401) {
      await askToken(Boolean(token));
      continue;
    }
    const text = await res.text();
    let data;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!res.ok) throw new ControlError(res.status, data?.error);
    return data;
  }
}

function askToken(refused) {
  pendingLogin ??= new Promise((resolve) => {
    const dialog = $('#login');
    const form = $('#login-form');
    const error = form.querySelector('.form-error');
    error.hidden = !refused;
    error.textContent = refused ? 'That token was refused. Check CONTROL_TOKEN.' : '';
    form.onsubmit = (event) => {
      event.preventDefault();
      token = form.elements.token.value.trim();
      sessionStorage.setItem(TOKEN_KEY, token);
      form.reset();
      dialog.close();
      pendingLogin = null;
      resolve();
      restartStream();
    };
    // Without the token the page can show nothing: keep asking.
    dialog.oncancel = (event) => event.preventDefault();
    dialog.showModal();
    form.elements.token.focus();
  });
  return pendingLogin;
}

/**
 * Runs a control call from a button: marked busy (not disabled, so keyboard focus stays on it) while it
 * runs, a second press meanwhile ignored. Success shows the text `fn` returns (else "<label>: done");
 * a failure goes to `failed` (by default the notice, with the answer's message). The live stream
 * announces the change itself; without it the page refreshes at once.
 */
async function act(button, label, fn, failed = (err) => notice(`${label} failed: ${err.message}`, 'error')) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  try {
    const said = await fn();
    notice(typeof said === 'string' ? said : `${label}: done`);
  } catch (err) {
    failed(err);
  } finally {
    button.removeAttribute('aria-busy');
    if (mode !== 'live') schedule(['control']);
  }
}

/** Enables or disables a button; a focused button about to be disabled hands focus to `fallback` first. */
function enable(button, on, fallback) {
  if (!on && document.activeElement === button) fallback.focus();
  button.disabled = !on;
}

// ------------------------------------------------------------------------------------ panels

const STATUS_TONE = { created: 'run', loading: 'run', processing: 'run', resuming: 'run', paused: 'warn', done: 'ok', error: 'bad' };
const ACTIVE = ['created', 'loading', 'processing', 'resuming'];
const RUNNING = ['created', 'loading', 'processing'];

function badge(text, tone) {
  return h('span', { class: 'badge', dataset: { tone } }, text);
}

function clockText(clock) {
  const when = clock.now.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return `${clock.frozen ? 'frozen' : 'running'} · ${when}${clock.source === 'organization' ? ' (own clock)' : ''}`;
}

/** Shows a clock and remembers when it was read, so a running one can tick on the page. */
function showClock(el, clock, prefix = '') {
  el.clock = clock;
  el.dataset.prefix = prefix;
  el.dataset.clockMs = String(Date.parse(clock.now));
  el.dataset.clockAt = String(Date.now());
  setText(el, `${prefix}${clockText(clock)}`);
}

function countsText(counts) {
  return Object.entries(counts).map(([vendor, tables]) => [vendor, Object.entries(tables).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ') || 'no rows']);
}

const panels = {
  async orgs() {
    const [list, clock] = await Promise.all([api('GET', '/orgs?counts=false'), api('GET', '/clock')]);
    orgs = list.data;
    showClock($('#default-clock'), { ...clock, source: 'default' }, 'Default clock: ');
    $('#orgs-empty').hidden = orgs.length > 0;
    sync($('#orgs-table'), orgs, (o) => o.id, makeOrgBody, updateOrgBody);
    relabel();
    const known = new Set(orgs.map((o) => o.id));
    for (const id of countsShown) if (!known.has(id)) countsShown.delete(id);
    if (managed) {
      const org = orgs.find((o) => o.id === managed.id);
      if (org) updateOrgCard(managed.card, org);
      else {
        $('#details-body').replaceChildren();
        $('#details').close();
      }
    }
    // Shown counts follow the data; one deleted meanwhile (a 404) is simply no longer shown.
    await Promise.all([...countsShown].map((id) => loadCounts(document.querySelector(`#orgs-table tbody[data-org-id="${CSS.escape(id)}"]`)).catch((err) => {
      if (err.status !== 404) throw err;
      countsShown.delete(id);
    })));
    for (const select of document.querySelectorAll('.org-select')) {
      sync(select, [{ id: '', credentials: ['any'] }, ...orgs], (o) => o.id || '(any)', (o) => h('option', { value: o.id }), (el, o) => setText(el, o.credentials[0] ?? o.id));
    }
  },

  async jobs() {
    const [list, ticker] = await Promise.all([api('GET', '/jobs'), api('GET', '/ticker')]);
    setText($('#ticker'), ticker.running ? `Ticker running: a step every ${ticker.tick_ms} ms, ${ticker.batch_size} items per step` : 'Ticker stopped: bulk edits move only when stepped');
    const toggle = $('#ticker-toggle');
    toggle.dataset.running = String(ticker.running);
    setText(toggle, ticker.running ? 'Stop ticker' : 'Start ticker');
    toggle.disabled = false; // disabled in the page's HTML until the ticker's state is known
    await knowOrgs(list.data.map((j) => j.org_id));
    $('#jobs-empty').hidden = list.data.length > 0;
    sync($('#jobs-body'), list.data, (j) => `${j.org_id}/${j.id}`, makeJobRow, updateJobRow);
  },

  // A full load on a new filter or any control call (a clear or reset removes entries); in between,
  // only the entries newer than the newest shown (after=<id>), so a busy journal costs little to watch.
  async requests({ tail = false } = {}) {
    const form = $('#request-filter');
    const filter = new URLSearchParams();
    for (const name of ['vendor', 'org', 'method', 'status']) if (form.elements[name].value) filter.set(name, form.elements[name].value);
    const incremental = tail && shown.filter === String(filter) && shown.entries.length > 0;
    const query = new URLSearchParams(filter);
    query.set('limit', String(REQUEST_LIMIT));
    if (incremental) query.set('after', String(shown.entries[0].id));
    const [list, count] = await Promise.all([api('GET', `/requests?${query}`), api('GET', `/requests/count?${filter}`)]);
    await knowOrgs(list.data.map((e) => e.org));
    shown.filter = String(filter);
    shown.entries = (incremental ? [...list.data, ...shown.entries] : list.data).slice(0, REQUEST_LIMIT);
    setText($('#requests-total'), count.count > shown.entries.length ? `newest ${shown.entries.length} of ${count.count}` : `${count.count} in the journal`);
    $('#requests-empty').hidden = shown.entries.length > 0;
    sync($('#requests-body'), shown.entries, (e) => String(e.id), makeRequestRow, () => {});
  },

  async outbox() {
    const list = await api('GET', '/outbox');
    const mails = [...list.data].reverse();
    $('#outbox-empty').hidden = mails.length > 0;
    sync($('#outbox-list'), mails, (m) => `${m.org_id}/${m.id}`, makeMail, () => {});
  },

  async faults() {
    const list = await api('GET', '/faults');
    $('#faults-empty').hidden = list.data.length > 0;
    sync($('#faults-body'), list.data, (f) => f.id, makeFaultRow, updateFaultRow);
  },

  async webhooks() {
    const [list, settings] = await Promise.all([api('GET', '/webhooks/deliveries?limit=50'), api('GET', '/webhooks/settings')]);
    await knowOrgs(list.data.map((d) => d.org));
    const hold = $('#webhooks-hold');
    hold.dataset.held = String(settings.held);
    setText(hold, settings.held ? 'Release' : 'Hold');
    setText($('#webhooks-state'), `${settings.held ? 'Held: nothing is sent' : 'Sending'} · timeout ${settings.timeout_ms} ms`);
    $('#webhooks-empty').hidden = list.data.length > 0;
    sync($('#webhooks-body'), list.data, (d) => `${d.org}/${d.id}`, makeDeliveryRow, updateDeliveryRow);
  },
};

function makeDeliveryRow(d) {
  const tr = h('tr', { dataset: { deliveryId: d.id } });
  const cell = (label) => h('td', { dataset: { label } });
  tr.append(h('td', { dataset: { label: 'Delivery' } }, h('span', { class: 'mono' }, d.id)), h('td', { dataset: { label: 'Organization' } }, orgRef('span', d.org)),
    cell('Subscription · event'), cell('Status'), cell('Attempts'), cell('Last answer'), cell('Next attempt'),
    h('td', { class: 'actions', dataset: { label: 'Actions' } }, h('button', { type: 'button', 'aria-label': `Redeliver ${d.id}`,
      onclick: (event) => act(event.currentTarget, `Redeliver ${d.id}`, () => api('POST', `/webhooks/deliveries/${enc(d.id)}/redeliver?org=${enc(d.org)}`)) }, 'Redeliver')));
  return tr;
}

function updateDeliveryRow(tr, d) {
  const [, , what, status, attempts, last, next] = tr.children;
  setText(what, `${d.subscription_id} · ${d.event_id}`);
  setText(status, d.status);
  status.dataset.status = d.status;
  setText(attempts, String(d.attempts));
  setText(last, d.last_status_code !== null ? `${d.last_status_code}${d.latency_ms !== null ? ` in ${d.latency_ms} ms` : ''}` : (d.last_error ?? '—'));
  setText(next, d.next_attempt_at ?? '—');
}

// Organizations: one compact row each (a tbody: the row, and its row counts when asked for). The rest
// (credentials, dataset, clock, advance, reset, snapshot, delete) is in its Manage dialog, kept up to date.

/** Organizations whose row counts are shown: each refetched (GET /_mock/orgs/{id}) when the panel reloads. */
const countsShown = new Set();
/** The organization the details dialog manages, while it does: { id, card }. */
let managed = null;

const VENDOR_NAMES = { close: 'Close', blueai: 'BlueAI' };

function makeOrgBody(org) {
  const label = org.credentials[0] ?? org.id;
  const countsId = `org-counts-${org.id}`;
  const body = h('tbody', { class: 'org', dataset: { orgId: org.id } });
  const counts = h('button', { type: 'button', dataset: { action: 'counts' }, 'aria-expanded': 'false', 'aria-controls': countsId, 'aria-label': `Row counts of ${label}`,
    onclick: (event) => toggleCounts(body, event.currentTarget) }, 'Counts');
  const manage = h('button', { type: 'button', dataset: { action: 'manage' }, 'aria-label': `Manage ${label}`, onclick: () => manageOrg(org.id) }, 'Manage');
  body.append(
    h('tr', { class: 'org-row' },
      h('td', { dataset: { label: 'Organization' } }, h('strong', { class: 'org-key' }), ' ', h('span', { class: 'badge', dataset: { tone: 'warn', field: 'clock' } }),
        h('span', { class: 'mono org-id muted' })),
      h('td', { dataset: { label: 'Created' } }, h('time', {}, h('span'), ' ', h('span'))),
      h('td', { class: 'actions', dataset: { label: 'Actions' } }, h('span', { class: 'buttons' }, counts, manage))),
    h('tr', { class: 'org-counts', id: countsId, hidden: true }, h('td', { colspan: '3', dataset: { label: 'Rows' } }, h('dl', { class: 'counts' }))));
  return body;
}

function updateOrgBody(body, org) {
  body.dataset.label = org.credentials[0] ?? org.id;
  setText(body.querySelector('.org-key'), body.dataset.label);
  setText(body.querySelector('.org-id'), org.id);
  const created = body.querySelector('time');
  created.setAttribute('datetime', org.created_at);
  created.title = org.created_at;
  const [day, time] = created.querySelectorAll('span');
  setText(day, org.created_at.slice(0, 10));
  setText(time, org.created_at.slice(11, 16));
  // Only a clock of its own, or a frozen one, is worth a mark in the row (the dialog shows the time).
  const clock = body.querySelector('[data-field="clock"]');
  const mark = [org.clock.source === 'organization' ? 'own clock' : null, org.clock.frozen ? 'frozen' : null].filter(Boolean).join(', ');
  setText(clock, mark);
  clock.hidden = !mark;
  clock.title = clockText(org.clock);
}

/** Shows or hides an organization's row counts; showing asks the control API for them now. */
async function toggleCounts(body, button) {
  const id = body.dataset.orgId;
  const row = body.querySelector('.org-counts');
  const shown = !countsShown.has(id);
  if (shown) {
    if (button.getAttribute('aria-busy') === 'true') return;
    button.setAttribute('aria-busy', 'true');
    try {
      await loadCounts(body);
    } catch (err) {
      notice(`Row counts of ${body.dataset.label} failed: ${err.message}`, 'error');
      return;
    } finally {
      button.removeAttribute('aria-busy');
    }
    countsShown.add(id);
  } else {
    countsShown.delete(id);
  }
  row.hidden = !shown;
  button.setAttribute('aria-expanded', String(shown));
}

async function loadCounts(body) {
  const org = await api('GET', `/orgs/${enc(body.dataset.orgId)}`);
  const dl = body.querySelector('.counts');
  sync(dl, countsText(org.counts), ([vendor]) => vendor, ([vendor]) => h('div', { dataset: { vendor } }, h('dt', {}, VENDOR_NAMES[vendor] ?? vendor), h('dd')),
    (el, [, text]) => setText(el.querySelector('dd'), text));
}

function manageOrg(id) {
  const org = orgs.find((o) => o.id === id);
  if (!org) return;
  const card = makeOrgCard(org);
  updateOrgCard(card, org);
  openDetails(card.dataset.label, [card]);
  managed = { id, card };
}

function makeOrgCard(org) {
  const card = h('article', { class: 'card', dataset: { orgId: org.id }, 'aria-labelledby': 'details-h' });
  const dl = h('dl');
  const field = (name) => {
    const dd = h('dd', { dataset: { field: name } });
    dl.append(h('dt', {}, name), dd);
  };
  ['Id', 'Credentials', 'Dataset', 'Created', 'Clock'].forEach(field);
  const byInput = h('input', { name: 'by', value: '1h', autocomplete: 'off', spellcheck: 'false' });
  const advance = h('form', { class: 'advance', 'aria-label': `Advance the clock of ${org.credentials[0] ?? org.id}` },
    h('label', {}, 'Advance clock by', byInput), h('button', { type: 'submit' }, 'Advance'));
  advance.addEventListener('submit', (event) => {
    event.preventDefault();
    const by = /^\d+$/.test(byInput.value.trim()) ? Number(byInput.value.trim()) : byInput.value.trim();
    act(advance.querySelector('button'), `Advance ${card.dataset.label} by ${by}`, () => api('POST', `/orgs/${enc(org.id)}/clock/advance`, { by }));
  });
  const button = (label, cls, fn) => h('button', { type: 'button', class: cls, 'aria-label': `${label} ${org.credentials[0] ?? org.id}`,
    onclick: (event) => fn(event.currentTarget) }, label);
  const actions = h('div', { class: 'actions' },
    button('Reset', undefined, (b) => {
      if (confirm(`Reset ${card.dataset.label} to its ${card.dataset.dataset} data? Its jobs, outbox, journal entries and faults go too.`)) {
        act(b, `Reset ${card.dataset.label}`, () => api('POST', `/orgs/${enc(org.id)}/reset`));
      }
    }),
    button('Snapshot', undefined, (b) => act(b, `Snapshot of ${card.dataset.label}`, async () => {
      const snapshot = await api('GET', `/orgs/${enc(org.id)}/snapshot`);
      const url = URL.createObjectURL(new Blob([JSON.stringify(snapshot, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: `${card.dataset.label}-snapshot.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    })),
    button('Delete', 'danger', (b) => {
      if (confirm(`Delete ${card.dataset.label} and everything it owns?`)) act(b, `Delete ${card.dataset.label}`, () => api('DELETE', `/orgs/${enc(org.id)}`));
    }),
    advance);
  card.append(dl, actions);
  return card;
}

function updateOrgCard(card, org) {
  const label = org.credentials[0] ?? org.id;
  card.dataset.label = label;
  card.dataset.dataset = org.dataset;
  const set = (name, text) => setText(card.querySelector(`[data-field="${name}"]`), text);
  set('Id', org.id);
  set('Credentials', org.credentials.join(', ') || '(none)');
  set('Dataset', org.dataset);
  set('Created', org.created_at);
  showClock(card.querySelector('[data-field="Clock"]'), org.clock);
}

// Outbox: a body is shown as text. An HTML one (a bulk email's rendered template) reads as the text it
// renders to, with a button to see it rendered in a sandboxed frame: `sandbox` with no allowance (no
// script, no same origin, no form, no navigation of this page), and the page's CSP applies inside too,
// so nothing loads from anywhere. The HTML is parsed for the text by DOMParser: an inert document,
// where no script runs and nothing loads.

function makeMail(m) {
  const doc = new DOMParser().parseFromString(m.body, 'text/html');
  const isHtml = doc.body.querySelector('*') !== null;
  const text = h('pre', { class: 'mail-text' }, isHtml ? htmlToText(doc) : m.body);
  const li = h('li', { dataset: { mailId: m.id, view: 'text' } },
    h('strong', {}, m.subject), ' ', h('span', { class: 'meta' }, `to ${m.recipient} · `, orgRef('span', m.org_id), ` · ${m.date_created}`),
    text);
  if (!isHtml) return li;
  let frame = null;
  const toggle = h('button', { type: 'button', class: 'mail-toggle', onclick: () => {
    const html = li.dataset.view === 'text';
    // Made on first use: a frame per email would cost a document each.
    if (!frame) {
      frame = h('iframe', { class: 'mail-html', sandbox: true, srcdoc: m.body, referrerpolicy: 'no-referrer', title: `The email “${m.subject}”, rendered` });
      text.after(frame);
    }
    li.dataset.view = html ? 'html' : 'text';
    text.hidden = html;
    frame.hidden = !html;
    setText(toggle, html ? 'Show as text' : 'Show as HTML');
  } }, 'Show as HTML');
  text.before(h('span', { class: 'mail-actions' }, toggle));
  return li;
}

const BLOCK_TAGS = 'p, div, h1, h2, h3, h4, h5, h6, ul, ol, table, tr, blockquote, pre, hr, section, article, header, footer, address';

/** What an HTML body reads as: paragraphs and line breaks kept, links followed by their address. No recursion, no pattern with backtracking. */
function htmlToText(doc) {
  const body = doc.body;
  for (const el of body.querySelectorAll('script, style, template, noscript, title')) el.remove();
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('pre')) node.data = node.data.replace(/\s+/g, ' ');
  }
  for (const br of body.querySelectorAll('br')) br.replaceWith('\n');
  for (const a of body.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (href !== a.textContent.trim()) a.append(` <${href}>`);
  }
  for (const li of body.querySelectorAll('li')) li.before('\n• ');
  for (const cell of body.querySelectorAll('td, th')) cell.after(' ');
  for (const el of body.querySelectorAll(BLOCK_TAGS)) {
    el.before('\n');
    el.after('\n');
  }
  const lines = body.textContent.split('\n').map((line) => line.trim());
  return lines.filter((line, i) => line !== '' || (i > 0 && lines[i - 1] !== '')).join('\n').trim();
}

// Bulk actions of every kind: one row each, updated in place as they progress.

function makeJobRow(job) {
  const tr = h('tr', { dataset: { jobId: job.id, orgId: job.org_id } });
  const cell = (label, ...kids) => h('td', { dataset: { label } }, ...kids);
  const idButton = h('button', { type: 'button', class: 'link mono', title: job.id, onclick: () => showJob(tr.job) }, job.id);
  const progress = h('progress', { 'aria-label': `Progress of ${job.id}` });
  const buttons = ['Step', 'Run', 'Pause', 'Resume', 'Fail'].map((label) => h('button', {
    type: 'button', dataset: { action: label.toLowerCase() }, 'aria-label': `${label} ${job.id}`,
    class: label === 'Fail' ? 'danger' : undefined,
    onclick: (event) => act(event.currentTarget, `${label} ${job.id}`, () => api('POST', `/jobs/${enc(job.id)}/${label.toLowerCase()}?org=${enc(job.org_id)}`)),
  }, label));
  tr.append(
    cell('Bulk action', idButton),
    cell('Kind · type', h('span', { class: 'mono' })),
    h('td', { dataset: { label: 'Organization', orgRef: job.org_id } }),
    cell('Status'),
    cell('Progress', h('span', { class: 'progress' }, progress, h('span', { class: 'progress-text' }))),
    h('td', { class: 'actions', dataset: { label: 'Actions' } }, h('span', { class: 'buttons' }, buttons)),
  );
  return tr;
}

function updateJobRow(tr, job) {
  tr.job = job;
  tr.dataset.status = job.status;
  const [, type, org, status, progressCell, actions] = tr.children;
  setText(type.firstChild, `${job.kind} · ${job.type}`);
  setText(org, orgLabel(org.dataset.orgRef));
  const tone = STATUS_TONE[job.status] ?? 'run';
  const text = job.status === 'paused' && job.paused_from ? `paused (from ${job.paused_from})` : job.status;
  if (status.textContent !== text) status.replaceChildren(badge(text, tone));
  const progress = progressCell.querySelector('progress');
  const progressText = progressCell.querySelector('.progress-text');
  if (job.n_leads === null) {
    progress.removeAttribute('value');
    setText(progressText, job.status === 'error' ? 'not loaded' : 'loading…');
  } else {
    progress.max = Math.max(job.n_leads, 1);
    progress.value = job.n_leads === 0 && job.status === 'done' ? 1 : job.n_leads_processed;
    setText(progressText, `${job.n_leads_processed} / ${job.n_leads} leads`);
  }
  const can = { step: ACTIVE.includes(job.status), run: ACTIVE.includes(job.status), pause: RUNNING.includes(job.status) || job.status === 'resuming',
    resume: job.status === 'paused', fail: ACTIVE.includes(job.status) || job.status === 'paused' };
  const idButton = tr.querySelector('button.link');
  for (const b of actions.querySelectorAll('button')) enable(b, can[b.dataset.action], idButton);
}

function showJob(job) {
  openDetails(`Bulk ${job.kind.replace('_', ' ')} ${job.id}`, [
    h('p', {}, badge(job.status, STATUS_TONE[job.status] ?? 'run'), ` ${job.type} · ${orgLabel(job.org_id)} · ${job.n_leads_processed} / ${job.n_leads ?? '?'} leads, `,
      `${job.n_objects_processed} / ${job.n_objects ?? '?'} objects · items ${job.items_done} / ${job.items_total}`),
    job.error_reason ? h('p', { class: 'notice', dataset: { kind: 'error' } }, `Error: ${job.error_reason}`) : null,
    h('h3', { class: 'detail' }, 's_query'),
    h('pre', { dataset: { part: 's_query' } }, JSON.stringify(job.action.s_query, null, 2)),
    h('h3', { class: 'detail' }, 'BulkEditAction (as GET /api/v1/bulk_action/edit/{id}/ answers)'),
    h('pre', { dataset: { part: 'action' } }, JSON.stringify(job.action, null, 2)),
  ]);
}

// Requests: the journal, newest first. Entries never change, so rows are only made.

function makeRequestRow(e) {
  const unmatched = e.nearest_route !== null;
  const tr = h('tr', { class: unmatched ? 'unmatched' : undefined, dataset: { requestId: String(e.id), status: String(e.status ?? '') } });
  const cell = (label, ...kids) => h('td', { dataset: { label } }, ...kids);
  const statusTone = e.status === null ? 'bad' : e.status >= 500 ? 'bad' : e.status >= 400 ? 'warn' : 'ok';
  const target = `${e.method} ${e.path}${Object.keys(e.query).length ? `?${new URLSearchParams(flatQuery(e.query))}` : ''}`;
  tr.append(
    cell('Time', h('time', { datetime: e.time, title: e.time }, e.time.slice(11, 23))),
    cell('Vendor', e.vendor ?? '—'),
    e.org ? orgRef('td', e.org, { dataset: { label: 'Organization' } }) : cell('Organization', '(not authenticated)'),
    cell('Request', h('button', { type: 'button', class: 'link mono path', onclick: () => showRequest(e) }, target),
      unmatched ? h('span', { class: 'nearest' }, h('strong', {}, 'Unmatched route'), ` · nearest: ${e.nearest_route}`) : null,
      e.fault ? h('span', { class: 'nearest' }, `fault ${e.fault}`) : null),
    cell('Status', badge(e.status === null ? 'dropped' : String(e.status), statusTone)),
    cell('ms', e.duration_ms.toFixed(1)),
  );
  return tr;
}

function flatQuery(query) {
  return Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
}

function showRequest(e) {
  openDetails(`${e.method} ${e.path}`, [
    h('p', {}, `${e.time} · ${e.vendor ?? 'no vendor'} · ${e.org ? orgLabel(e.org) : 'not authenticated'} · `,
      e.status === null ? 'no answer (dropped)' : `status ${e.status}`, ` · ${e.duration_ms.toFixed(1)} ms`),
    e.nearest_route ? h('p', { class: 'notice', dataset: { kind: 'error' } }, `No such route. Nearest: ${e.nearest_route}`) : null,
    e.fault ? h('p', { class: 'notice', dataset: { kind: 'error' } }, `Answered by fault rule ${e.fault}`) : null,
    Object.keys(e.query).length ? [h('h3', { class: 'detail' }, 'Query'), h('pre', {}, JSON.stringify(e.query, null, 2))] : null,
    h('h3', { class: 'detail' }, `Request body${e.request_body_truncated ? ' (truncated)' : ''}`),
    h('pre', { dataset: { part: 'request' } }, pretty(e.request_body)),
    h('h3', { class: 'detail' }, `Response body${e.response_body_truncated ? ' (truncated)' : ''}`),
    h('pre', { dataset: { part: 'response' } }, pretty(e.response_body)),
  ]);
}

// Faults.

function makeFaultRow(f) {
  const tr = h('tr', { dataset: { faultId: f.id } });
  const cell = (label) => h('td', { dataset: { label } });
  tr.append(cell('Rule'), cell('Matches'), cell('Does'), cell('Fired'),
    h('td', { class: 'actions', dataset: { label: 'Actions' } }, h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${f.id}`,
      onclick: (event) => act(event.currentTarget, `Remove ${f.id}`, () => api('DELETE', `/faults/${enc(f.id)}`)) }, 'Remove')));
  tr.children[0].append(h('span', { class: 'mono' }, f.id));
  return tr;
}

function updateFaultRow(tr, f) {
  const [, matches, does, fired] = tr.children;
  setText(matches, [f.vendor ?? 'any vendor', f.method ?? 'any method', f.path ?? 'any path', f.org ? orgLabel(f.org) : 'any organization'].join(' · '));
  const effects = [];
  if (f.latency_ms !== null) effects.push(`wait ${Array.isArray(f.latency_ms) ? f.latency_ms.join('–') : f.latency_ms} ms`);
  if (f.status !== null) effects.push(`answer ${f.status}`);
  if (f.drop) effects.push('drop the connection');
  if (f.probability < 1) effects.push(`with probability ${f.probability}`);
  setText(does, effects.join(', '));
  setText(fired, `${f.hits}×${f.remaining === null ? '' : `, ${f.remaining} left`}`);
}

// The details dialog.

function openDetails(title, body) {
  const dialog = $('#details');
  managed = null;
  setText($('#details-h'), title);
  $('#details-body').replaceChildren(...body.flat().filter(Boolean));
  if (!dialog.open) dialog.showModal();
}

// ------------------------------------------------------------------------------------ refreshing

// Which panels a change touches. `hello` (a new stream) and `control` refresh everything; a vendor
// call alone (`requests`) only tails the journal.
const TOPIC_PANELS = {
  requests: ['requests:tail'],
  jobs: ['jobs', 'outbox', 'webhooks'],
  data: ['orgs', 'jobs'],
  faults: ['faults'],
  control: Object.keys(panels),
};
// Shown row counts cost the server a count per table of each such organization: at most once a second.
const MIN_PANEL_MS = { orgs: 1000 };

const dirty = new Set();
const loadedAt = {};
let refreshing = false;
let lastRefresh = 0;
let refreshTimer = null;

/** Marks panels to refresh; refreshes run one at a time, at most every MIN_REFRESH_MS. */
function schedule(topics) {
  for (const t of topics) for (const p of TOPIC_PANELS[t] ?? Object.keys(panels)) dirty.add(p);
  // A hidden tab only remembers what changed, and catches up when it is shown again.
  if (document.hidden || refreshing || refreshTimer || dirty.size === 0) return;
  const wait = Math.max(0, lastRefresh + MIN_REFRESH_MS - Date.now());
  refreshTimer = setTimeout(refresh, wait);
}

async function refresh() {
  refreshTimer = null;
  refreshing = true;
  lastRefresh = Date.now();
  // A panel refreshed too recently waits for its turn (it stays dirty).
  const due = [...dirty].filter((n) => !(Date.now() - (loadedAt[n] ?? 0) < (MIN_PANEL_MS[n] ?? 0)));
  for (const n of due) dirty.delete(n);
  // A full load of the requests includes the tail.
  if (due.includes('requests')) dirty.delete('requests:tail');
  const names = due.filter((n) => n !== 'requests:tail' || !due.includes('requests'));
  // Organizations first: the other panels name organizations by credential.
  if (names.includes('orgs')) await run('orgs');
  await Promise.all(names.filter((n) => n !== 'orgs').map(run));
  refreshing = false;
  if (dirty.size) schedule([]);
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) schedule([]);
});

async function run(name) {
  const [panel, variant] = name.split(':');
  try {
    await panels[panel]({ tail: variant === 'tail' });
    loadedAt[name] = Date.now();
    document.body.dataset[`${panel}Loaded`] = String(Date.now());
    // The page's HTML marks each panel busy, with a "Loading…" line, until its first load.
    document.getElementById(panel).removeAttribute('aria-busy');
    if (mode === 'offline') setMode('polling', `Polling every ${POLL_MS / 1000} s (reconnecting the live stream)`);
  } catch (err) {
    if (err instanceof Offline) setMode('offline', 'Offline: the emulator does not answer; retrying');
    notice(`Could not load ${name}: ${err.message}`, 'error');
  }
}

// ------------------------------------------------------------------------------------ live updates

let mode = 'connecting';
let stream = null;
let pollTimer = null;

function setMode(next, text) {
  mode = next;
  const el = $('#live');
  el.dataset.mode = next;
  setText(el, text);
}

/** Reads GET /_mock/events with fetch (EventSource cannot send the token); falls back to polling. */
async function live() {
  const controller = new AbortController();
  stream = controller;
  try {
    const res = await reach('/_mock/events', { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: controller.signal });
    if (res.status === 401) {
      await askToken(Boolean(token));
      return;
    }
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    stopPolling();
    setMode('live', 'Live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        onEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    throw new Error('stream ended');
  } catch (err) {
    if (controller.signal.aborted) return;
    startPolling(err);
  }
}

function onEvent(block) {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (event !== 'hello' && event !== 'change') return;
  try {
    schedule(event === 'hello' ? ['control'] : JSON.parse(data).topics);
  } catch {
    schedule(['control']);
  }
}

function startPolling(err) {
  if (err instanceof Offline) setMode('offline', 'Offline: the emulator does not answer; retrying');
  else setMode('polling', `Polling every ${POLL_MS / 1000} s (live updates unavailable: ${err.message})`);
  if (pollTimer) return;
  schedule(['control']);
  let sinceRetry = 0;
  pollTimer = setInterval(() => {
    sinceRetry += POLL_MS;
    if (sinceRetry >= RETRY_STREAM_MS) {
      sinceRetry = 0;
      live();
    }
    if (!document.hidden) schedule(['control']);
  }, POLL_MS);
}

function stopPolling() {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
}

function restartStream() {
  stream?.abort();
  stopPolling();
  schedule(['control']);
  live();
}

// ------------------------------------------------------------------------------------ forms and buttons

function formError(form, err) {
  const el = form.querySelector('.form-error');
  el.hidden = !err;
  el.textContent = err ? `${err.message}${err.field ? ` (field: ${err.field})` : ''}` : '';
}

$('#org-create').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  act(form.querySelector('button'), 'Create organization', async () => {
    const org = await api('POST', '/orgs', { credential: form.elements.credential.value.trim(), dataset: form.elements.dataset.value });
    formError(form, null);
    form.reset();
    return `Created ${org.credentials[0]} (${org.id})`;
  }, (err) => formError(form, err));
});

$('#fault-add').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const el = form.elements;
  const rule = {};
  for (const name of ['vendor', 'method', 'path', 'org']) if (el[name].value.trim()) rule[name] = el[name].value.trim();
  for (const name of ['status', 'latency_ms', 'probability', 'times']) if (el[name].value.trim()) rule[name] = Number(el[name].value);
  if (el.drop.checked) rule.drop = true;
  act(form.querySelector('button[type="submit"]'), 'Add fault', async () => {
    const created = await api('POST', '/faults', rule);
    formError(form, null);
    form.reset();
    return `Added fault ${created.id}`;
  }, (err) => formError(form, err));
});

$('#details').addEventListener('close', () => {
  managed = null;
});

$('#request-filter').addEventListener('change', () => {
  $('#requests-body').replaceChildren();
  schedule(['requests']);
});

$('#ticker-toggle').addEventListener('click', (event) => {
  const running = event.currentTarget.dataset.running === 'true';
  act(event.currentTarget, running ? 'Stop ticker' : 'Start ticker', () => api('PUT', '/ticker', { running: !running }));
});
$('#reset-all').addEventListener('click', (event) => {
  if (confirm('Reset everything: every organization, the clock, the ticker and the journal?')) act(event.currentTarget, 'Reset everything', () => api('POST', '/reset'));
});
$('#requests-clear').addEventListener('click', (event) => act(event.currentTarget, 'Clear journal', () => api('DELETE', '/requests')));
$('#outbox-clear').addEventListener('click', (event) => act(event.currentTarget, 'Clear outbox', () => api('DELETE', '/outbox')));
$('#webhooks-flush').addEventListener('click', (event) => act(event.currentTarget, 'Flush webhooks', async () => {
  const c = await api('POST', '/webhooks/flush', {});
  return `Flushed: ${c.attempted} attempted, ${c.succeeded} succeeded, ${c.failed} failed, ${c.dropped} dropped`;
}));
$('#webhooks-hold').addEventListener('click', (event) => {
  const held = event.currentTarget.dataset.held === 'true';
  act(event.currentTarget, held ? 'Release webhooks' : 'Hold webhooks', () => api('PUT', '/webhooks/settings', { held: !held }));
});
$('#faults-clear').addEventListener('click', (event) => act(event.currentTarget, 'Remove all faults', () => api('DELETE', '/faults')));

// Running clocks move on the page between refreshes (frozen ones stay put).
setInterval(() => {
  if (document.hidden) return;
  for (const el of document.querySelectorAll('[data-clock-ms]')) {
    if (!el.clock || el.clock.frozen) continue;
    const now = new Date(Number(el.dataset.clockMs) + Date.now() - Number(el.dataset.clockAt)).toISOString();
    setText(el, `${el.dataset.prefix ?? ''}${clockText({ ...el.clock, now })}`);
  }
}, 1000);

schedule(['control']);
live();
