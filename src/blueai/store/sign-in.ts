import { cached, type Db } from '../../core/db.js';
import { conflict } from '../../core/errors.js';

/**
 * Which organization a sign-in e-mail belongs to, for members the control API made (process-wide,
 * in the main database: the seeded members' e-mails repeat in every organization, so they are not
 * here and sign in to the seed's default organization). E-mails are compared lowercased.
 */
export class SignInDirectory {
  constructor(private readonly main: Db) {}

  orgOf(email: string): string | undefined {
    return cached(this.main, `SELECT org_id FROM control_blueai_sign_in WHERE email = ?`).pluck().get(email.toLowerCase()) as string | undefined;
  }

  /** 409 when the e-mail already signs in to an organization. */
  assertFree(email: string): void {
    const org = this.orgOf(email);
    if (org !== undefined) throw conflict(`The e-mail ${email} already signs in to organization ${org}`, { field: 'email' });
  }

  add(email: string, orgId: string, memberId: string): void {
    this.assertFree(email);
    cached(this.main, `INSERT INTO control_blueai_sign_in (email, org_id, member_id) VALUES (?, ?, ?)`).run(email.toLowerCase(), orgId, memberId);
  }

  /** An organization's entries (null: every organization's), when it is reset or deleted. */
  forget(orgId: string | null): void {
    if (orgId === null) cached(this.main, `DELETE FROM control_blueai_sign_in`).run();
    else cached(this.main, `DELETE FROM control_blueai_sign_in WHERE org_id = ?`).run(orgId);
  }
}
