// 100k Close leads (with contacts and custom values) in one organization, from a deterministic
// generator, so every run measures the same data. Shared by the s_query and bulk edit stages.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../src/core/db.js';
import { buildApp } from '../src/app.js';
import { closeDate } from '../src/close/dates.js';

export const F = {
  industry: 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM',
  products: 'cf_o22YJGjB8Gfcffr4jtgGrnQWVVJv87hc4ly0AhqOLpb',
  employees: 'cf_PBxKKkUAE5dzD0CMdQhDxXjFpK8WB9nUJQALN2EaWMw',
  lastDemo: 'cf_p7fzRReDUX1V3kiGqJiCBn0TF6IDyRs99hmACTqxVEM',
};
const INDUSTRIES = ['Software', 'Manufacturing', 'Retail', 'Financial Services', 'Healthcare', 'Logistics'];
const PRODUCTS = ['CRM', 'Analytics', 'Support Desk', 'Telephony', 'Marketing Automation'];
const WORDS = ['Acme', 'Blue', 'Orion', 'Juniper', 'Sakura', 'Nova', 'Summit', 'Harbor', 'Pine', 'Vertex', 'Inc.', 'GmbH', 'Holdings', 'Labs', 'Systems', '株式会社', 'テック', 'フーズ'];
const TITLES = ['CEO', 'CTO', 'Head of Sales', 'Office Manager', 'IT Manager', 'Buyer'];
export const NOW = new Date('2026-09-01T00:00:00Z');

const id = (prefix: string, i: number) => prefix + i.toString(36).padStart(43, '0');

/** Inserts `n` leads into the organization; returns its lead status ids. */
export function insertLeads(db: Db, org: string, n: number): string[] {
  let state = 42;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const statuses = db.prepare(`SELECT id FROM close_lead_statuses WHERE org_id = ? ORDER BY id`).pluck().all(org) as string[];
  db.transaction(() => {
    const lead = db.prepare(`INSERT INTO close_leads (org_id, id, name, status_id, description, url, created_by, updated_by, date_created, date_updated)
      VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)`);
    const contact = db.prepare(`INSERT INTO close_contacts (org_id, id, lead_id, name, title, emails, phones, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?)`);
    const value = db.prepare(`INSERT INTO close_custom_values (org_id, object_id, field_id, value) VALUES (?, ?, ?, ?)`);
    for (let i = 0; i < n; i++) {
      const leadId = id('lead_', i);
      const created = closeDate(new Date(NOW.getTime() - Math.floor(rand() * 730 * 86_400_000)));
      const name = i % 5000 === 0 ? 'ACME Inc.' : `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`;
      lead.run(org, leadId, name, pick(statuses), rand() < 0.5 ? 'Budget approved for next fiscal year.' : null, created, created);
      const contacts = Math.floor(rand() * 3);
      for (let k = 0; k < contacts; k++) {
        contact.run(org, id('cont_', i * 3 + k), leadId, `Person ${i}-${k}`, pick(TITLES), JSON.stringify([{ email: `p${i}.${k}@example.com`, type: 'office' }]), created, created);
      }
      if (rand() < 0.6) value.run(org, leadId, F.industry, JSON.stringify(pick(INDUSTRIES)));
      if (rand() < 0.5) value.run(org, leadId, F.products, JSON.stringify([...new Set([pick(PRODUCTS), pick(PRODUCTS)])]));
      if (rand() < 0.7) value.run(org, leadId, F.employees, String(Math.floor(rand() * 5000)));
      if (rand() < 0.4) value.run(org, leadId, F.lastDemo, JSON.stringify(closeDate(new Date(NOW.getTime() - Math.floor(rand() * 365 * 86_400_000)))));
    }
  })();
  return statuses;
}

/** An in-process emulator (default seed, no ticker) whose organization `token` has `n` more leads; closed after `fn`. */
export async function withLeads(token: string, n: number, fn: (ctx: { app: FastifyInstance; db: Db; org: string; statuses: string[] }) => Promise<void>): Promise<void> {
  const app = await buildApp({ logger: false, tickMs: 0 });
  await app.ready();
  try {
    const org = app.tenants.resolve(token).id;
    const db = app.tenants.db(org);
    await fn({ app, db, org, statuses: insertLeads(db, org, n) });
  } finally {
    await app.close();
  }
}
