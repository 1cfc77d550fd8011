import { createHash } from 'node:crypto';
import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';

/**
 * How long a session lasts from sign-in, on the organization's clock.
 * Real API: Better Auth's default, 7 days, renewed once a day while in use; here: 7 days, never renewed [D].
 */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A session as stored (the token itself never is: only its SHA-256). */
export interface SessionRow {
  id: string;
  token_hash: string;
  member_id: string;
  created_at: string;
  expires_at: string;
}

/**
 * A session token names its organization: `<orga_ id>.<64 hex>`, so a request finds the session's
 * organization (and so its database) without a process-wide index, and a snapshot restored into the
 * same organization keeps its sessions working.
 */
export const SESSION_TOKEN = /^(orga_[0-9A-Za-z]{1,64})\.[0-9a-f]{64}$/;

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Sign-in sessions of an organization's members. */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly ids: Ids,
    private readonly clock: Clocks,
  ) {}

  /** A new session for the member; the token is returned once and stored only hashed. */
  create(orgId: string, memberId: string): { token: string; session: SessionRow } {
    const token = `${orgId}.${this.ids.hex('')}${this.ids.hex('')}`;
    const now = this.clock.nowMs(orgId);
    const session: SessionRow = {
      id: this.ids.hex('sess_'), token_hash: tokenHash(token), member_id: memberId,
      created_at: new Date(now).toISOString(), expires_at: new Date(now + SESSION_TTL_MS).toISOString(),
    };
    cached(this.db, `INSERT INTO blueai_sessions (org_id, id, token_hash, member_id, created_at, expires_at)
      VALUES (@org_id, @id, @token_hash, @member_id, @created_at, @expires_at)`).run({ org_id: orgId, ...session });
    return { token, session };
  }

  byToken(orgId: string, token: string): SessionRow | undefined {
    return cached(this.db, `SELECT id, token_hash, member_id, created_at, expires_at FROM blueai_sessions WHERE org_id = ? AND token_hash = ?`)
      .get(orgId, tokenHash(token)) as SessionRow | undefined;
  }

  /** Whether the session's expiry has passed on the organization's clock. */
  expired(orgId: string, session: SessionRow): boolean {
    return Date.parse(session.expires_at) <= this.clock.nowMs(orgId);
  }

  /** Oldest first. */
  list(orgId: string): SessionRow[] {
    return cached(this.db, `SELECT id, token_hash, member_id, created_at, expires_at FROM blueai_sessions WHERE org_id = ? ORDER BY created_at, id`)
      .all(orgId) as SessionRow[];
  }

  /** Deletes the session; false when there is none by that id. */
  revoke(orgId: string, id: string): boolean {
    return cached(this.db, `DELETE FROM blueai_sessions WHERE org_id = ? AND id = ?`).run(orgId, id).changes > 0;
  }
}
