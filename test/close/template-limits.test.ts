import t from 'tap';
import { build, count, seed, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { createAction, orgRows } from './bulk-helper.js';
import { closeOrg, isFieldError } from './helper.js';
import { CustomFieldReader } from '../../src/close/store/custom-fields.js';
import { MAX_TEMPLATE_BODY } from '../../src/close/store/email-render.js';
import { EMAIL_STEP_BUDGET } from '../../src/close/jobs/email.js';

// Templates cannot freeze the process: a size cap on subject and body, each variable looked up once
// per render, and a bulk email step that stops once its budget of rendered characters is spent.
shareApps(t);

const KEY = 'close-key';
const close = seed.close!;
const TEMPLATES = '/api/v1/email_template/';
const industryLead = close.leads.find((l) => l.custom[close.custom_fields.find((f) => f.name === 'Industry')!.id] !== undefined)!;
const industry = String(industryLead.custom[close.custom_fields.find((f) => f.name === 'Industry')!.id]);

t.test('a template past the size cap is a 400 naming the field, on create and update, and nothing changes', async (t) => {
  const app = await build(t);
  const hostile = '{{lead.custom.Industry}}'.repeat(40_000);
  const before = count(app, 'close_email_templates', closeOrg(app, KEY));
  const created = await app.inject({ method: 'POST', url: TEMPLATES, headers: basic(KEY), payload: { name: 'Huge', subject: 'Hi', body: hostile } });
  isFieldError(t, created, 'body');
  t.match(created.json()['field-errors'].body, /no more than 100000 characters/);
  isFieldError(t, await app.inject({ method: 'POST', url: TEMPLATES, headers: basic(KEY), payload: { name: 'Long subject', subject: 'x'.repeat(1001) } }), 'subject');
  t.equal(count(app, 'close_email_templates', closeOrg(app, KEY)), before, 'nothing stored');

  const id = close.email_templates![0]!.id;
  const updated = await app.inject({ method: 'PUT', url: `${TEMPLATES}${id}/`, headers: basic(KEY), payload: { body: hostile } });
  isFieldError(t, updated, 'body');
  const stored = app.tenants.db(closeOrg(app, KEY)).prepare(`SELECT body FROM close_email_templates WHERE org_id = ? AND id = ?`).pluck().get(closeOrg(app, KEY), id);
  t.equal(stored, close.email_templates![0]!.body, 'the template is unchanged');
});

t.test('a dataset with a template past the cap is a 400 naming the path inside it', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'tmpl-ds' });
  const good = (await ctl(app, 'GET', '/orgs/tmpl-ds/snapshot')).json();
  const bad = { ...good, close: { ...good.close, email_templates: [{ ...good.close.email_templates[0], body: 'x'.repeat(MAX_TEMPLATE_BODY + 1) }] } };
  const res = await ctl(app, 'PUT', '/orgs/tmpl-ds/snapshot', bad);
  t.equal(res.statusCode, 400);
  t.equal(res.json().error.field, 'dataset/close/email_templates/0/body');
});

t.test('a template just under the cap renders with each variable looked up once, and the stored email holds the text', async (t) => {
  const app = await build(t);
  const piece = '{{ lead.custom.Industry }}|';
  const body = `Hello {{contact.first_name}}: ${piece.repeat(Math.floor((MAX_TEMPLATE_BODY - 40) / piece.length))}`;
  t.ok(body.length <= MAX_TEMPLATE_BODY);
  const tmpl = await app.inject({ method: 'POST', url: TEMPLATES, headers: basic(KEY), payload: { name: 'Near the cap', subject: '{{lead.custom.Industry}} news', body } });
  t.equal(tmpl.statusCode, 200);
  // Count the custom field lookups a render makes.
  const original = CustomFieldReader.prototype.findByName;
  let lookups = 0;
  CustomFieldReader.prototype.findByName = function (this: CustomFieldReader, ...args: Parameters<typeof original>) {
    lookups++;
    return original.apply(this, args);
  };
  t.teardown(() => void (CustomFieldReader.prototype.findByName = original));
  const res = await createAction(app, 'email', { template_id: tmpl.json().id, s_query: leadsQuery(industryLead.id) }, KEY);
  t.equal(res.statusCode, 200);
  await ctl(app, 'POST', `/jobs/${res.json().id}/run`);
  t.equal(lookups, 2, 'Industry once for the subject, once for the body, not once per occurrence');
  const [email] = orgRows(app, `SELECT * FROM close_email_activities WHERE org_id = ? AND bulk_action_id = ?`, KEY, res.json().id);
  t.equal(email!.subject, `${industry} news`);
  const occurrences = (body.length - body.indexOf(piece)) / piece.length;
  t.ok((email!.body_html as string).endsWith(`${industry}|`.repeat(occurrences)), 'every occurrence rendered');
});

t.test('a bulk email step stops once its budget of rendered characters is spent, and each recipient gets one email', async (t) => {
  const app = await build(t, { batchSize: 100 });
  const size = 90_000;
  const tmpl = await app.inject({ method: 'POST', url: TEMPLATES, headers: basic(KEY), payload: { name: 'Heavy', subject: 'Hi', body: `${'x'.repeat(size)}{{lead.id}}` } });
  const leads = close.leads.slice(0, 40).map((l) => l.id);
  const res = await createAction(app, 'email', { template_id: tmpl.json().id, s_query: leadsQuery(...leads) }, KEY);
  const id = res.json().id as string;
  const perStep = Math.ceil(EMAIL_STEP_BUDGET.chars / size);
  let done = 0;
  let before = '';
  const steps: number[] = [];
  for (let i = 0; i < 100; i++) {
    const job = (await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 1 })).json();
    // Steps that apply a batch: those that start in processing.
    if (before === 'processing') steps.push(job.items_done - done);
    done = job.items_done;
    before = job.status;
    if (job.status === 'done') break;
  }
  t.ok(steps.length > 1, `more than one step (${steps.join(', ')})`);
  t.ok(steps.every((n) => n >= 1 && n <= perStep), `each step does at most ${perStep} of a batch of 100 (${steps.join(", ")})`);
  const sent = orgRows(app, `SELECT lead_id, body_html FROM close_email_activities WHERE org_id = ? AND bulk_action_id = ?`, KEY, id) as { lead_id: string; body_html: string }[];
  const n = (await app.inject({ url: `/api/v1/bulk_action/email/${id}/`, headers: basic(KEY) })).json().n_objects as number;
  t.equal(sent.length, n, 'every recipient once');
  t.equal(new Set(sent.map((e) => e.lead_id)).size, sent.length, 'none twice');
  t.ok(sent.every((e) => e.body_html === 'x'.repeat(size) + e.lead_id));
});
