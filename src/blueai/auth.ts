import type { Org, Tenants } from '../core/tenants.js';
import { ApiError, notFound } from '../core/errors.js';
import type { Db } from '../core/db.js';
import type { MemberT } from '../../schemas/blueai/members.js';
import type { BlueAIStore } from './store/index.js';
import { SESSION_TOKEN, type SessionRow } from './store/sessions.js';
import { SignInDirectory } from './store/sign-in.js';
import { hashPassword, verifyPassword } from './password.js';

const badSignIn = () => new ApiError(401, 'UNAUTHORIZED', 'Invalid email or password');
const badSession = (why: string) => new ApiError(401, 'UNAUTHORIZED', why);

/** The session's public face (`user_id`: its member). */
export const sessionView = (s: SessionRow) => ({ id: s.id, user_id: s.member_id, created_at: s.created_at, expires_at: s.expires_at });

/**
 * Sign-in and sessions across organizations. Which organization a sign-in reaches [D]: the one the
 * control API made a member with that e-mail in (SignInDirectory), else the seed's default
 * organization (its first credential's), where the seeded members sign in with the seed's password.
 * A session token names its organization (SESSION_TOKEN); its row, in that organization's database,
 * says whose it is and until when (the organization's clock).
 */
export class BlueAIAuth {
  readonly directory: SignInDirectory;

  constructor(
    main: Db,
    private readonly tenants: Tenants,
    private readonly store: BlueAIStore,
  ) {
    this.directory = new SignInDirectory(main);
    // A reset or deleted organization's control-made members are gone: their e-mails are free again.
    tenants.onForget({ stored: (orgId) => this.directory.forget(orgId) });
  }

  /** The organization an e-mail signs in to; undefined when none could (no default organization). */
  orgForSignIn(email: string): Org | undefined {
    const orgId = this.directory.orgOf(email);
    return orgId !== undefined ? this.tenants.find(orgId) : this.tenants.defaultOrg();
  }

  /** Checks the password and opens a session; 401 for an unknown e-mail or a wrong password alike. */
  async signIn(org: Org, email: string, password: string): Promise<{ token: string; user: MemberT; session: SessionRow }> {
    const member = this.tenants.run(org.id, () => this.store.members.signInRow(org.id, email));
    if (!member?.password_hash || !(await verifyPassword(member.password_hash, password))) throw badSignIn();
    const { password_hash: _hash, ...user } = member;
    const { token, session } = this.tenants.run(org.id, () => this.store.sessions.create(org.id, member.id));
    return { token, user, session };
  }

  /**
   * The organization of a session token; undefined for any other token (the core's credentials).
   * A session that is unknown (revoked, or its organization gone) or expired → 401, never a new organization.
   */
  resolve(token: string): Org | undefined {
    const orgId = SESSION_TOKEN.exec(token)?.[1];
    if (orgId === undefined) return undefined;
    const org = this.tenants.find(orgId);
    if (!org || org.id !== orgId) throw badSession('Session not found: signed out, revoked or never issued');
    this.session(org.id, token);
    return org;
  }

  /** The session of a token in the organization in context: 401 when missing or expired. */
  session(orgId: string, token: string): SessionRow {
    return this.tenants.run(orgId, () => {
      const s = this.store.sessions.byToken(orgId, token);
      if (!s) throw badSession('Session not found: signed out, revoked or never issued');
      if (this.store.sessions.expired(orgId, s)) throw badSession('Session expired: sign in again');
      return s;
    });
  }

  /**
   * The member a request acts as (an activity's created_by): a signed-in session's member, else
   * the organization's acting member (members.acting: its first admin).
   */
  actingMember(orgId: string, token: string | undefined): string | null {
    if (token !== undefined && SESSION_TOKEN.test(token)) return this.session(orgId, token).member_id;
    return this.store.members.acting(orgId);
  }

  /** `GET /me`: the session's member, or for a plain token the organization's first admin. */
  me(org: Org, token: string): { user: MemberT | null; session: SessionRow | null } {
    if (!SESSION_TOKEN.test(token)) return { user: this.store.members.tokenUser(org.id) ?? null, session: null };
    const session = this.session(org.id, token);
    const user = this.store.members.find(org.id, session.member_id);
    if (!user) throw badSession('The session\'s member no longer exists');
    return { user, session };
  }

  /** Control API: a member who signs in with `password` to this organization (its e-mail reserved to it). */
  async createMember(orgId: string, input: { name: string; email: string; role: string; password: string }): Promise<MemberT> {
    this.directory.assertFree(input.email);
    const password_hash = await hashPassword(input.password);
    // Checked again after the await: another request may have taken the e-mail meanwhile.
    this.directory.assertFree(input.email);
    const member = this.tenants.run(orgId, () => this.store.members.create(orgId, { ...input, password_hash }));
    this.directory.add(input.email, orgId, member.id);
    return member;
  }

  /** Control API: the organization's sessions, oldest first, with whether each has expired. */
  sessions(orgId: string): Array<ReturnType<typeof sessionView> & { email: string | null; expired: boolean }> {
    return this.tenants.run(orgId, () => this.store.sessions.list(orgId).map((s) => ({
      ...sessionView(s), email: this.store.members.find(orgId, s.member_id)?.email ?? null, expired: this.store.sessions.expired(orgId, s),
    })));
  }

  /** Control API: ends a session at once; 404 when the organization has none by that id. */
  revoke(orgId: string, id: string): void {
    if (!this.tenants.run(orgId, () => this.store.sessions.revoke(orgId, id))) throw notFound(`No session ${id} in organization ${orgId}`);
  }
}
