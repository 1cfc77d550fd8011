import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';

// The seed file format (seed/default.json). One file holds the credentials the seed declares and
// each vendor's dataset; every new organization gets a copy.

const S = Type.String();
const NS = Nullable(Type.String());
const NI = Nullable(Type.Integer());

export const SeedMember = Type.Object({ id: S, name: S, email: S, role: S, created_at: S });
export const SeedStage = Type.Object({ slug: Type.String({ minLength: 1 }), name: S });
export const SeedPipeline = Type.Object({
  id: S, name: S, is_default: Type.Boolean(), sort_order: Type.Integer(), created_at: S, updated_at: S,
  stages: Type.Array(SeedStage, { minItems: 1 }),
});
export const SeedCompany = Type.Object({
  id: S, name: S, name_kana: NS, department: NS, industry: NS, employee_count: NI, website: NS,
  postal_code: NS, address: NS, phone: NS, email: NS, note: NS, created_at: S, updated_at: S,
});
export const SeedContact = Type.Object({
  id: S, first_name: NS, last_name: Type.String({ minLength: 1 }), email: NS, phone: NS, position: NS,
  company_id: NS, note: NS, created_at: S, updated_at: S,
});
export const SeedDeal = Type.Object({
  id: S, name: S, amount: NI, stage: S, pipeline_id: S, company_id: NS, contact_id: NS,
  assigned_member_id: NS, expected_close_date: NS, probability: NI, lost_reason: NS, won_date: NS,
  currency: S, created_at: S, updated_at: S,
});
export const SeedActivity = Type.Object({
  id: S, deal_id: S, type: S, subject: S, body: NS, member_id: NS, created_at: S,
});

export const BlueAISeed = Type.Object({
  members: Type.Array(SeedMember),
  pipelines: Type.Array(SeedPipeline),
  companies: Type.Array(SeedCompany),
  contacts: Type.Array(SeedContact),
  deals: Type.Array(SeedDeal),
  activities: Type.Array(SeedActivity),
});

export const SeedFile = Type.Object({
  credentials: Type.Array(Type.Object({ token: Type.String({ minLength: 1 }), description: Type.Optional(S) })),
  blueai: BlueAISeed,
  close: Type.Optional(Type.Unknown()),
});

export type SeedFileT = Static<typeof SeedFile>;
export type BlueAISeedT = Static<typeof BlueAISeed>;
