// Filtered list endpoints at scale, through the app (app.inject, in process), next to the same request
// answered by hand: hand-written SQL with better-sqlite3 on the same database, rendered into the same
// JSON with JSON.stringify. Both answers are parsed and compared (deep equality) before any timing, so
// the comparison cannot drift into measuring different work. Throughput is requests answered back to
// back in one event loop; rounds alternate between the two so a change in the machine's load hits both.
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/core/db.js';
import { closeDate } from '../src/close/dates.js';
import { NOW, withLeads } from './leads.js';
import { median, row } from './lib.js';

const N = Number(process.env.BENCH_LEADS ?? 100_000);
const ROUNDS = 5;
const ROUND_MS = Math.max(300, Number(process.env.BENCH_SECONDS ?? 3) * 1000 / 4);
const TOKEN = 'bench-lists';

const id = (prefix: string, i: number) => prefix + i.toString(36).padStart(43, '0');

/** 0–3 opportunities per lead (about 1.2 on average), owners and statuses drawn from the organization's. */
export function insertOpportunities(db: Db, org: string): number {
  let state = 7;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const leads = db.prepare(`SELECT id, date_created FROM close_leads WHERE org_id = ? ORDER BY id`).all(org) as { id: string; date_created: string }[];
  const users = db.prepare(`SELECT id FROM close_users WHERE org_id = ? ORDER BY id`).pluck().all(org) as string[];
  const statuses = db.prepare(`SELECT id, type FROM close_opportunity_statuses WHERE org_id = ? ORDER BY id`).all(org) as { id: string; type: string }[];
  const periods = ['one_time', 'one_time', 'monthly', 'annual'];
  const insert = db.prepare(`INSERT INTO close_opportunities (org_id, id, lead_id, status_id, value, value_period, user_id, note,
      created_by, updated_by, date_created, date_updated, confidence, contact_id, date_won, date_lost)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`);
  let n = 0;
  db.transaction(() => {
    for (const lead of leads) {
      const k = Math.floor(rand() * rand() * 4 + rand() * 0.9);
      for (let j = 0; j < k; j++) {
        const s = pick(statuses);
        const created = closeDate(new Date(Math.min(NOW.getTime(), Date.parse(lead.date_created.slice(0, 23) + 'Z') + Math.floor(rand() * 120 * 86_400_000))));
        const user = rand() < 0.05 ? null : pick(users);
        const value = rand() < 0.1 ? null : Math.floor(rand() * 5_000_000);
        insert.run(org, id('oppo_', n++), lead.id, s.id, value, pick(periods), user, rand() < 0.3 ? 'Follow up after the demo.' : null,
          user, user, created, created, Math.floor(rand() * 101), s.type === 'won' ? created.slice(0, 10) : null, s.type === 'lost' ? created : null);
      }
    }
  })();
  return n;
}

type Custom = Map<string, Record<string, unknown>>;
function customFor(db: Db, org: string, ids: string[]): Custom {
  const out: Custom = new Map(ids.map((i) => [i, {}]));
  const stmt = db.prepare(`SELECT object_id, field_id, value FROM close_custom_values WHERE org_id = ? AND object_id IN (SELECT value FROM json_each(?))`);
  for (const r of stmt.all(org, JSON.stringify(ids)) as { object_id: string; field_id: string; value: string }[]) out.get(r.object_id)![`custom.${r.field_id}`] = JSON.parse(r.value);
  return out;
}

interface OppRow {
  id: string; lead_id: string; status_id: string; status_label: string | null; status_type: string | null; value: number | null; value_period: string;
  confidence: number; contact_id: string | null; date_won: string | null; date_lost: string | null; user_id: string | null; note: string | null;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
  pipeline_id: string | null; pipeline_name: string | null; lead_name: string | null; contact_name: string | null;
  user_name: string | null; created_by_name: string | null; updated_by_name: string | null; lead_emails: string | null; lead_phones: string | null;
}
/** A user's full name (first and last, trimmed; null when both are empty or the user is unknown), as a column of `alias`. */
const fullName = (alias: string) => `NULLIF(TRIM(COALESCE(${alias}.first_name, '') || ' ' || COALESCE(${alias}.last_name, '')), '')`;
/**
 * The emails or phones (JSON) of the lead's first contact (in creation order) that has any, read through
 * the lead index (named: without statistics SQLite picks the primary key and reads every contact of the
 * organization for each opportunity).
 */
const firstContact = (column: string) => `(SELECT fc.${column} FROM close_contacts fc INDEXED BY close_contacts_lead WHERE fc.org_id = o.org_id AND fc.lead_id = o.lead_id
  AND fc.${column} <> '[]' ORDER BY fc.date_created, fc.id LIMIT 1)`;
const OPP_COLUMNS = `o.id, o.lead_id, o.status_id, s.label AS status_label, s.type AS status_type, o.value, o.value_period, o.confidence, o.contact_id,
  o.date_won, o.date_lost, o.user_id, o.note, o.created_by, o.updated_by, o.date_created, o.date_updated,
  s.pipeline_id, p.name AS pipeline_name, ol.name AS lead_name, oc.name AS contact_name,
  ${fullName('uu')} AS user_name, ${fullName('uc')} AS created_by_name, ${fullName('uv')} AS updated_by_name,
  ${firstContact('emails')} AS lead_emails, ${firstContact('phones')} AS lead_phones`;
/** Joins for the page's columns only (the aggregates read FROM_STATUS alone). */
const OPP_JOINS = `LEFT JOIN close_pipelines p ON p.org_id = o.org_id AND p.id = s.pipeline_id
  LEFT JOIN close_leads ol ON ol.org_id = o.org_id AND ol.id = o.lead_id
  LEFT JOIN close_contacts oc ON oc.org_id = o.org_id AND oc.id = o.contact_id
  LEFT JOIN close_users uu ON uu.org_id = o.org_id AND uu.id = o.user_id
  LEFT JOIN close_users uc ON uc.org_id = o.org_id AND uc.id = o.created_by
  LEFT JOIN close_users uv ON uv.org_id = o.org_id AND uv.id = o.updated_by`;
const OPP_FROM = `FROM close_opportunities o LEFT JOIN close_opportunity_statuses s ON s.org_id = o.org_id AND s.id = o.status_id`;

/** Cents as dollars grouped by thousands, cents shown only when there are some, the period after it. */
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SUFFIX: Record<string, string> = { one_time: '', monthly: ' monthly', annual: ' annually' };
function dollars(value: number | null, period: string): string | null {
  if (value === null) return null;
  const amount = Math.abs(value) / 100;
  return `${value < 0 ? '-' : ''}$${(Number.isInteger(amount) ? WHOLE : CENTS).format(amount)}${SUFFIX[period] ?? ''}`;
}
type Email = { email: string; type: string; is_unsubscribed?: boolean };
const parseEmails = (json: string) => (JSON.parse(json) as Email[]).map((e) => ({ ...e, is_unsubscribed: e.is_unsubscribed ?? false }));

function renderOpps(org: string, rows: OppRow[], custom: Custom) {
  return rows.map((r) => {
    const annualized = r.value === null ? null : r.value_period === 'monthly' ? r.value * 12 : r.value;
    return {
      id: r.id, lead_id: r.lead_id, status_id: r.status_id, status_label: r.status_label ?? '', status_type: r.status_type ?? '',
      value: r.value, value_period: r.value_period, annualized_value: annualized,
      expected_value: r.value === null ? null : Math.trunc((r.value * r.confidence) / 100),
      annualized_expected_value: annualized === null ? null : Math.trunc((annualized * r.confidence) / 100),
      confidence: r.confidence, contact_id: r.contact_id, date_won: r.date_won, date_lost: r.date_lost, user_id: r.user_id, note: r.note,
      organization_id: org, created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
      pipeline_id: r.pipeline_id, pipeline_name: r.pipeline_name, status_display_name: r.status_label ?? '',
      lead_name: r.lead_name, contact_name: r.contact_name,
      user_name: r.user_name, created_by_name: r.created_by_name, updated_by_name: r.updated_by_name,
      value_currency: 'USD', value_formatted: dollars(r.value, r.value_period),
      lead_primary_email: r.lead_emails === null ? null : parseEmails(r.lead_emails)[0]!,
      lead_primary_phone: r.lead_phones === null ? null : (JSON.parse(r.lead_phones) as { phone: string; type: string }[]).slice(0, 1),
      attachments: [], integration_links: [], comment_summary: null,
      ...custom.get(r.id),
    };
  });
}

/** GET /opportunity/?status_type=active&user_id=…&date_created__gte=…&_order_by=-value&_limit=100, by hand. */
function handOpportunities(db: Db, org: string, user: string, since: string): () => string {
  const filter = `WHERE o.org_id = @org AND o.user_id = @user AND s.type = 'active' AND o.date_created >= @since`;
  const where = `${OPP_FROM} ${filter}`;
  const page = db.prepare(`SELECT ${OPP_COLUMNS} ${OPP_FROM} ${OPP_JOINS} ${filter} ORDER BY o.value DESC, o.date_created DESC, o.id DESC LIMIT 101`);
  const totals = db.prepare(`SELECT o.value_period AS period, COUNT(*) AS n, COALESCE(SUM(o.value), 0) AS total,
      COALESCE(SUM(o.value * o.confidence / 100), 0) AS expected,
      COALESCE(SUM(CASE o.value_period WHEN 'monthly' THEN o.value * 12 ELSE o.value END), 0) AS annualized,
      COALESCE(SUM((CASE o.value_period WHEN 'monthly' THEN o.value * 12 ELSE o.value END) * o.confidence / 100), 0) AS annualized_expected
    ${where} GROUP BY o.value_period`);
  const params = { org, user, since };
  return () => {
    const rows = page.all(params) as OppRow[];
    const data = rows.slice(0, 100);
    const t = new Map((totals.all(params) as { period: string; n: number; total: number; expected: number; annualized: number; annualized_expected: number }[]).map((r) => [r.period, r]));
    const of = (p: string) => t.get(p) ?? { n: 0, total: 0, expected: 0, annualized: 0, annualized_expected: 0 };
    const all = [...t.values()];
    return JSON.stringify({
      data: renderOpps(org, data, customFor(db, org, data.map((r) => r.id))), has_more: rows.length > 100,
      total_results: all.reduce((a, r) => a + r.n, 0),
      count_by_value_period: { one_time: of('one_time').n, monthly: of('monthly').n, annual: of('annual').n },
      total_value_one_time: of('one_time').total, total_value_monthly: of('monthly').total, total_value_annual: of('annual').total,
      total_value_annualized: all.reduce((a, r) => a + r.annualized, 0),
      expected_value_one_time: of('one_time').expected, expected_value_monthly: of('monthly').expected, expected_value_annual: of('annual').expected,
      expected_value_annualized: all.reduce((a, r) => a + r.annualized_expected, 0),
    });
  };
}

/** GET /lead/?query=status:"Potential" contacts > 0 created >= 2026-01-01 sort:-created, by hand (first page of 100). */
function handLeads(db: Db, org: string, label: string, since: string): () => string {
  const status = db.prepare(`SELECT id FROM close_lead_statuses WHERE org_id = ? AND lower(label) = lower(?) ORDER BY position, id LIMIT 1`).pluck();
  const where = `FROM close_leads l WHERE l.org_id = @org AND l.status_id = @status AND l.date_created >= @since
    AND EXISTS (SELECT 1 FROM close_contacts c WHERE c.org_id = l.org_id AND c.lead_id = l.id)`;
  const page = db.prepare(`SELECT l.*, s.label AS status_label, ${fullName('uc')} AS created_by_name, ${fullName('uv')} AS updated_by_name
    ${where.replace('FROM close_leads l', `FROM close_leads l
    LEFT JOIN close_lead_statuses s ON s.org_id = l.org_id AND s.id = l.status_id
    LEFT JOIN close_users uc ON uc.org_id = l.org_id AND uc.id = l.created_by
    LEFT JOIN close_users uv ON uv.org_id = l.org_id AND uv.id = l.updated_by`)} ORDER BY l.date_created DESC, l.id DESC LIMIT 101`);
  const count = db.prepare(`SELECT COUNT(*) ${where}`).pluck();
  const contacts = db.prepare(`SELECT * FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?)) ORDER BY date_created, id`);
  const opps = db.prepare(`SELECT ${OPP_COLUMNS} ${OPP_FROM} ${OPP_JOINS} WHERE o.org_id = ? AND o.lead_id IN (SELECT value FROM json_each(?)) ORDER BY o.date_created DESC, o.id DESC`);
  return () => {
    const params = { org, status: status.get(org, label), since };
    const rows = page.all(params) as { id: string; name: string | null; status_id: string; status_label: string | null; description: string | null; url: string | null;
      created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
      created_by_name: string | null; updated_by_name: string | null }[];
    const data = rows.slice(0, 100);
    const ids = data.map((r) => r.id);
    const idJson = JSON.stringify(ids);
    type Contact = { id: string; emails: Email[]; phones: { phone: string; type: string }[]; [key: string]: unknown };
    const byLead = new Map<string, { contacts: Contact[]; opportunities: unknown[] }>(ids.map((i) => [i, { contacts: [], opportunities: [] }]));
    const cRows = contacts.all(org, idJson) as { id: string; lead_id: string; name: string | null; title: string | null; emails: string; phones: string;
      created_by: string | null; updated_by: string | null; date_created: string; date_updated: string }[];
    const cCustom = customFor(db, org, cRows.map((c) => c.id));
    for (const c of cRows) {
      const emails = parseEmails(c.emails);
      const phones = JSON.parse(c.phones) as { phone: string; type: string }[];
      byLead.get(c.lead_id)!.contacts.push({
        id: c.id, lead_id: c.lead_id, name: c.name, display_name: c.name || emails[0]?.email || phones[0]?.phone || '', title: c.title, emails, phones,
        organization_id: org, created_by: c.created_by, updated_by: c.updated_by, date_created: c.date_created, date_updated: c.date_updated,
        urls: [], recent_calls: [], subscriptions: [], integration_links: [], ...cCustom.get(c.id),
      });
    }
    const oRows = opps.all(org, idJson) as (OppRow & { lead_id: string })[];
    renderOpps(org, oRows, customFor(db, org, oRows.map((o) => o.id))).forEach((o) => byLead.get(o.lead_id)!.opportunities.push(o));
    const custom = customFor(db, org, ids);
    return JSON.stringify({
      data: data.map((r) => {
        const rel = byLead.get(r.id)!;
        return {
          id: r.id, name: r.name, display_name: r.name ?? '', status_id: r.status_id, status_label: r.status_label ?? '', description: r.description, url: r.url,
          organization_id: org, contacts: rel.contacts, contact_ids: rel.contacts.map((c) => c.id),
          html_url: `https://app.close.com/lead/${r.id}/`, opportunities: rel.opportunities,
          created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
          created_by_name: r.created_by_name, updated_by_name: r.updated_by_name,
          primary_email: rel.contacts.find((c) => c.emails.length)?.emails[0] ?? null,
          primary_phone: rel.contacts.find((c) => c.phones.length)?.phones[0] ?? null,
          addresses: [], recent_calls: [], integration_links: [], primary_address_summary: null, ...custom.get(r.id),
        };
      }),
      has_more: rows.length > 100, total_results: count.get(params),
    });
  };
}

/** Requests per second of `fn` answered back to back for `ms` (and at least `min` requests). */
async function throughput(fn: () => unknown, ms: number, min = 3): Promise<number> {
  global.gc?.();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms || n < min) {
    await fn();
    n++;
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

export async function listsStage(): Promise<void> {
  await withLeads(TOKEN, N, async ({ app, db, org }) => {
    const opps = insertOpportunities(db, org);
    const headers = { authorization: `Bearer ${TOKEN}` };
    // The user owning the most opportunities: the busiest rep's pipeline view.
    const user = db.prepare(`SELECT user_id FROM close_opportunities WHERE org_id = ? AND user_id IS NOT NULL GROUP BY user_id ORDER BY COUNT(*) DESC, user_id LIMIT 1`).pluck().get(org) as string;
    const sinceDay = '2026-01-01';
    const since = closeDate(new Date(`${sinceDay}T00:00:00Z`));
    const legacy = `status:"Potential" contacts > 0 created >= ${sinceDay} sort:-created`;
    const cases = [
      {
        figure: `GET /opportunity/ filtered (status_type, user_id, date_created__gte, -value, 100) over ${Math.round(opps / 1000)}k opportunities, req/s`,
        url: `/api/v1/opportunity/?status_type=active&user_id=${user}&date_created__gte=${sinceDay}&_order_by=-value&_limit=100`,
        hand: handOpportunities(db, org, user, since),
      },
      {
        figure: `GET /lead/?query= legacy string (${legacy}) over ${N / 1000}k leads, first 100, req/s`,
        url: `/api/v1/lead/?query=${encodeURIComponent(legacy)}&_limit=100`,
        hand: handLeads(db, org, 'Potential', since),
      },
    ];
    for (const c of cases) await measureCase(app, headers, c);
  });
}

/** One row: `c.url` through the app against `c.hand`, checked to answer the same JSON first, in alternating rounds. */
export async function measureCase(app: FastifyInstance, headers: Record<string, string>, c: { figure: string; url: string; hand: () => string }): Promise<void> {
  {
    {
      const ours = async () => {
        const res = await app.inject({ method: 'GET', url: c.url, headers });
        if (res.statusCode !== 200) throw new Error(`${c.url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        return res.body;
      };
      const a = JSON.parse(await ours()) as { data: { id: string }[]; total_results: number };
      const b = JSON.parse(c.hand()) as { data: { id: string }[]; total_results: number };
      if (a.data.length === 0) throw new Error(`${c.url}: no rows, nothing to compare`);
      if (!isDeepStrictEqual(a.data.map((r) => r.id), b.data.map((r) => r.id))) throw new Error(`${c.url}: the hand-written SQL returns other rows or another order`);
      if (!isDeepStrictEqual(a, b)) {
        const first = a.data.findIndex((r, i) => !isDeepStrictEqual(r, b.data[i]));
        const ra = (a.data[first] ?? a) as Record<string, unknown>;
        const rb = (b.data[first] ?? b) as Record<string, unknown>;
        const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => !isDeepStrictEqual(ra[k], rb[k]));
        throw new Error(`${c.url}: same rows, but the JSON differs from the hand-written answer (row ${first}: ${keys.map((k) => `${k}: ${JSON.stringify(ra[k])} vs ${JSON.stringify(rb[k])}`).join('; ')})`);
      }
      await throughput(ours, 200, 1);
      await throughput(c.hand, 200, 1);
      const rounds: { o: number; b: number }[] = [];
      for (let i = 0; i < ROUNDS; i++) rounds.push({ b: await throughput(c.hand, ROUND_MS), o: await throughput(ours, ROUND_MS) });
      const ratios = rounds.map((r) => r.o / r.b);
      const pick = rounds[ratios.indexOf(median(ratios))]!;
      const ratio = pick.o / pick.b;
      row({
        figure: c.figure, value: pick.o, unit: 'req/s', baseline: 'the same rows, order and JSON from hand-written SQL + JSON.stringify', baselineValue: pick.b,
        ratio, target: '≥ 0.5×', pass: ratio >= 0.5,
        note: `${a.total_results === undefined ? '' : `${a.total_results} matched, `}${a.data.length} returned, identical JSON checked; app.inject; median of ${ROUNDS} alternating rounds (ratios ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
      });
    }
  }
}
