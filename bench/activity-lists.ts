// Typed activity lists at scale (issue 23): GET /activity/call/ and GET /activity/?_type=Call over 100k
// calls, meetings and SMS, each next to the same page answered by hand (hand-written SQL + JSON.stringify),
// checked to be the same JSON before timing (bench/lists.ts measureCase).
import type { Db } from '../src/core/db.js';
import { closeDate } from '../src/close/dates.js';
import { withLeads } from './leads.js';
import { measureCase } from './lists.js';

const N = Number(process.env.BENCH_ACTIVITIES ?? 100_000);
const LEADS = Number(process.env.BENCH_ACTIVITY_LEADS ?? 10_000);
const TOKEN = 'bench-activity-lists';
const YEAR_MS = 365 * 86_400_000;
const END = Date.parse('2026-09-01T00:00:00Z');

/** `n` calls (half), SMS (three in ten) and meetings on the organization's leads, owners drawn from its users. */
function insertActivities(db: Db, org: string, n: number): number {
  let state = 11;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const leads = db.prepare(`SELECT id FROM close_leads WHERE org_id = ? ORDER BY id`).pluck().all(org) as string[];
  const users = db.prepare(`SELECT id FROM close_users WHERE org_id = ? ORDER BY id`).pluck().all(org) as string[];
  const insert = db.prepare(`INSERT INTO close_typed_activities (org_id, id, type, lead_id, contact_id, user_id, created_by, updated_by, activity_at, fields,
    date_created, date_updated) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?, ?, ?)`);
  let calls = 0;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const r = rand();
      const type = r < 0.5 ? 'Call' : r < 0.8 ? 'SMS' : 'Meeting';
      const at = closeDate(new Date(END - Math.floor(rand() * YEAR_MS)));
      const phone = `+1415555${String(Math.floor(rand() * 10_000)).padStart(4, '0')}`;
      const fields = type === 'Call'
        ? { direction: rand() < 0.7 ? 'outbound' : 'inbound', duration: Math.floor(rand() * 1800), phone, status: 'completed', source: 'External',
          note: rand() < 0.4 ? 'Discussed the renewal.' : null, note_html: null, recording_url: null, voicemail_url: null }
        : type === 'SMS'
          ? { direction: 'outbound', status: 'sent', text: 'Thanks for your time!', local_phone: '+14155550001', remote_phone: phone, source: 'External',
            date_sent: at, date_scheduled: null }
          : { title: 'Demo', starts_at: at, ends_at: at, attendees: [], location: null, note: null, status: 'completed' };
      if (type === 'Call') calls++;
      const user = pick(users);
      insert.run(org, `acti_${i.toString(36).padStart(43, '0')}`, type, pick(leads), user, user, user, JSON.stringify(fields), at, at);
    }
  })();
  return calls;
}

const fullName = (alias: string) => `NULLIF(TRIM(COALESCE(${alias}.first_name, '') || ' ' || COALESCE(${alias}.last_name, '')), '')`;

/** The newest 100 calls, by hand. */
function handCalls(db: Db, org: string): () => string {
  const page = db.prepare(`SELECT a.*, ${fullName('uu')} AS user_name, ${fullName('uc')} AS created_by_name, ${fullName('uv')} AS updated_by_name
    FROM close_typed_activities a
    LEFT JOIN close_users uu ON uu.org_id = a.org_id AND uu.id = a.user_id
    LEFT JOIN close_users uc ON uc.org_id = a.org_id AND uc.id = a.created_by
    LEFT JOIN close_users uv ON uv.org_id = a.org_id AND uv.id = a.updated_by
    WHERE a.org_id = ? AND a.type = 'Call' ORDER BY a.date_created DESC, a.id DESC LIMIT 101`);
  const DISPOSITION: Record<string, string> = { completed: 'answered' };
  return () => {
    const rows = page.all(org) as Record<string, string | null>[];
    return JSON.stringify({
      data: rows.slice(0, 100).map((r) => {
        const f = JSON.parse(r['fields']!) as Record<string, unknown>;
        return {
          id: r['id'], _type: 'Call', organization_id: org, lead_id: r['lead_id'], contact_id: r['contact_id'], user_id: r['user_id'], user_name: r['user_name'],
          users: r['user_id'] ? [r['user_id']] : [], created_by: r['created_by'], created_by_name: r['created_by_name'], updated_by: r['updated_by'],
          updated_by_name: r['updated_by_name'], activity_at: r['activity_at'] ?? r['date_created'], date_created: r['date_created'], date_updated: r['date_updated'],
          ...f, sequence_id: null, sequence_name: null, sequence_subscription_id: null, disposition: DISPOSITION[f['status'] as string] ?? null,
          local_phone: null, remote_phone: f['phone'], local_phone_formatted: null, remote_phone_formatted: f['phone'], local_country_iso: null, remote_country_iso: null,
          voicemail_duration: null, outcome_id: null, cost: null,
        };
      }),
      has_more: rows.length > 100,
    });
  };
}

export async function activityListsStage(): Promise<void> {
  await withLeads(TOKEN, LEADS, async ({ app, db, org }) => {
    const calls = insertActivities(db, org, N);
    const headers = { authorization: `Bearer ${TOKEN}` };
    const hand = handCalls(db, org);
    const of = `over ${N / 1000}k calls, meetings and SMS (${Math.round(calls / 1000)}k calls), newest 100, req/s`;
    await measureCase(app, headers, { figure: `GET /activity/call/ ${of}`, url: '/api/v1/activity/call/?_limit=100', hand });
    await measureCase(app, headers, { figure: `GET /activity/?_type=Call ${of}`, url: '/api/v1/activity/?_type=Call&_limit=100', hand });
  });
}
