import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList, pageQuery } from './common.js';
import { listQuery, optionalStrings, Required, S } from './objects.js';

const NS = Nullable(S);
const B = Type.Boolean();

/** An email template. `subject` and `body` may carry Close's template variables (`{{ lead.display_name }}`). */
export const EmailTemplate = Type.Object({
  id: S, organization_id: S, name: S, subject: S, body: S, is_shared: B, is_archived: B,
  attachments: Type.Array(Type.Unknown()), created_by: NS, updated_by: NS, date_created: S, date_updated: S,
});
export type EmailTemplateT = Static<typeof EmailTemplate>;
export const EmailTemplatePartial = Type.Partial(EmailTemplate);
export const EmailTemplateList = closeList(EmailTemplatePartial);

const Writable = {
  subject: Type.Optional(S),
  body: Type.Optional(S),
  is_shared: Type.Optional(B),
  is_archived: Type.Optional(B),
};
export const EmailTemplateCreate = Type.Object({ name: Required, ...Writable });
export type EmailTemplateCreateT = Static<typeof EmailTemplateCreate>;
export const EmailTemplateUpdate = Type.Object({ name: Type.Optional(Required), ...Writable });
export type EmailTemplateUpdateT = Static<typeof EmailTemplateUpdate>;

export const TEMPLATE_FILTERS = ['is_archived', 'is_shared'] as const;
export const EmailTemplateListQuery = listQuery(optionalStrings(TEMPLATE_FILTERS));
/** GET /email_template/{id}/: Real API: `include_embedded` adds Workflows' embedded templates; here: none exist, it is refused. */
export const TEMPLATE_GET_REFUSED = ['include_embedded'] as const;
export const EmailTemplateGetQuery = Type.Object({ _fields: Type.Optional(S), ...optionalStrings(TEMPLATE_GET_REFUSED) });

/**
 * GET /email_template/{id}/render/: one lead (and contact) is rendered. Real API: also a search preview
 * (`query` / `s_query`, `entry`, `mode`, …) and a sender's or email account's context; here: those are
 * refused with a 400 naming them.
 */
export const RENDER_REFUSED = [
  'email_account_id', 'bulk_object_type', 'contact_preference', 'entry', 'limit', 'query', 'results_limit', 's_query', 'sender', 'sort', 'mode',
] as const;
export const RenderQuery = Type.Object({ lead_id: Type.Optional(S), contact_id: Type.Optional(S), ...optionalStrings(RENDER_REFUSED) });
export const Rendered = Type.Object({ subject: S, body: S });

/** An email activity, in Close's EmailActivity shape. */
export const EmailActivity = Type.Object({
  id: S, _type: S, organization_id: S, lead_id: NS, contact_id: NS, user_id: NS, user_name: NS, agent_config_id: NS, agent_action_reason: NS,
  created_by: NS, created_by_name: NS, updated_by: NS, updated_by_name: NS,
  activity_at: NS, date_created: S, date_updated: S, date_scheduled: NS, date_sent: NS,
  direction: NS, status: S, subject: NS, body_text: NS, body_html: NS, body_preview: NS,
  sender: NS, to: Type.Array(S), cc: Type.Array(S), bcc: Type.Array(S),
  template_id: NS, template_name: NS, bulk_email_action_id: NS, email_account_id: NS,
  attachments: Type.Array(Type.Unknown()), envelope: Nullable(Type.Record(S, Type.Unknown())),
  followup_sequence_add_cc_bcc: B, followup_sequence_delay: Nullable(Type.Integer()), followup_sequence_id: NS,
  has_reply: B, in_reply_to_id: NS, message_ids: Type.Array(S), need_smtp_credentials: B, opens: Type.Array(Type.Unknown()),
  opens_summary: NS, references: Type.Array(S), send_as_id: NS, send_attempts: Type.Array(Type.Unknown()),
  sequence_id: NS, sequence_name: NS, sequence_subscription_id: NS, thread_id: NS, users: Type.Array(S),
});
export type EmailActivityT = Static<typeof EmailActivity>;
export const EmailActivityPartial = Type.Partial(EmailActivity);
export const EmailActivityList = closeList(EmailActivityPartial);

export const EMAIL_FILTERS = [
  'id__in', 'lead_id', 'contact_id', 'user_id', 'organization_id', '_type',
  'date_created__gte', 'date_created__lte', 'date_created__gt', 'date_created__lt',
  'activity_at__gte', 'activity_at__lte', 'activity_at__gt', 'activity_at__lt',
] as const;
export const EmailListQuery = listQuery(optionalStrings(EMAIL_FILTERS));

/** An unsubscribed address. Real API: the answer's shape is not documented; here: the address and when. */
export const Unsubscribed = Type.Object({ email: S, organization_id: S, date_created: S });
export const UnsubscribedList = closeList(Type.Partial(Unsubscribed));
export const UnsubscribedListQuery = pageQuery();
export const UnsubscribeCreate = Type.Object({ email: Required });
export const EmailAddressParams = Type.Object({ email_address: S });
