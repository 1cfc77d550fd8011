import { Type, type Static } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';
import { closeList } from './common.js';
import { EmailActivityPartial, EMAIL_FILTERS } from './emails.js';
import { EMAIL_STATUSES } from '../seed.js';
import { GivenDate, listQuery, optionalStrings, Required, S } from './objects.js';

const NS = Nullable(S);
const Addresses = Type.Optional(Nullable(Type.Array(S)));

/** The statuses Close's CreateEmailActivity / UpdateEmailActivity take (an email's `status`). */
const Status = stringEnum(EMAIL_STATUSES);

const Writable = {
  contact_id: Type.Optional(NS), user_id: Type.Optional(NS), subject: Type.Optional(NS), body_text: Type.Optional(NS),
  body_html: Type.Optional(NS), sender: Type.Optional(NS), to: Addresses, cc: Addresses, bcc: Addresses, template_id: Type.Optional(NS),
  /** The email this one answers: it joins that email's thread. */
  in_reply_to_id: Type.Optional(NS),
  /** When a `scheduled` email is sent (required with that status). */
  date_scheduled: GivenDate,
  /** `outbox` only: seconds before it is sent (Close: "must be less than 60"); 0 when omitted. */
  send_in: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 59 }))),
};

/** POST /activity/email/ (Close's CreateEmailActivity: `lead_id` and `status` required). */
export const EmailCreate = Type.Object({
  lead_id: Required, status: Status, ...Writable,
  /** As given; the clock's now when omitted. */
  date_created: GivenDate, activity_at: GivenDate,
});
export type EmailCreateT = Static<typeof EmailCreate>;
/** PUT /activity/email/{id}/ (Close's UpdateEmailActivity). */
export const EmailUpdate = Type.Object({ status: Type.Optional(Status), ...Writable });
export type EmailUpdateT = Static<typeof EmailUpdate>;

/** A participant of a thread: an address, and the name its `"Name" <address>` form gives (else ''). */
export const Participant = Type.Object({ email: S, name: S });

/**
 * An email thread: the emails of one conversation. Real API: its shape is not in Close's OpenAPI
 * ("Empty response body"); here: the keys Close's activity feed shows for it, `emails` newest first.
 */
export const EmailThread = Type.Object({
  id: S, _type: S, organization_id: S, lead_id: NS, contact_id: NS, user_id: NS, user_name: NS,
  created_by: NS, created_by_name: NS, updated_by: NS, updated_by_name: NS,
  activity_at: S, date_created: S, date_updated: S,
  latest_normalized_subject: S, n_emails: Type.Integer(), participants: Type.Array(Participant),
  emails: Type.Array(EmailActivityPartial),
  /** The newest email's id. */
  latest_email_id: S,
});
export type EmailThreadT = Static<typeof EmailThread>;
export const EmailThreadPartial = Type.Partial(EmailThread);
export const EmailThreadList = closeList(EmailThreadPartial);
/** The same filters as the email list (Close's OpenAPI lists them for both); `_type` takes only `EmailThread`. */
export const EmailThreadListQuery = listQuery(optionalStrings(EMAIL_FILTERS));
