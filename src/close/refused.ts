import { validationError } from '../core/errors.js';
import { isObject, own } from '../core/own.js';

const FILES = 'Not supported by the emulator: files are not emulated.';
/** Call fields Close documents on create and update that name what the emulator does not keep. */
const CALL_REFUSED = {
  conversation_type_id: 'Not supported by the emulator: conversation types are not emulated.',
  custom_fields: 'Not supported by the emulator: calls carry no custom fields here.',
  outcome_id: 'Not supported by the emulator: outcomes are not emulated.',
  playbook_id: 'Not supported by the emulator: playbooks are not emulated.',
  quality_info: 'Not supported by the emulator: call quality is not emulated.',
};
const SMS_REFUSED = {
  attachments: FILES,
  template_id: 'Not supported by the emulator: SMS templates are not emulated.',
};

/**
 * Body fields Close documents for a write we serve but the emulator cannot honour yet, per route
 * (`METHOD /path/:id/` under /api/v1), each with the reason a 400 gives. Real API: each is honoured;
 * here: a request that sends one (other than null, false or an empty list) is refused with a 400 naming it,
 * before anything is written, so a test never passes here on a value that was silently dropped.
 * `contacts[].urls` names a key inside each element of the `contacts` list. Every other documented
 * field is in the route's body schema (test/close/request-fields.test.ts checks both against Close's
 * document). Fields Close does not document are ignored, as Close ignores them.
 */
/** Documented email fields the emulator cannot honour (POST and PUT /activity/email/). */
const EMAIL_REFUSED = {
  account_id: 'Not supported by the emulator: emails are not sent through a connected account here.',
  attachments: 'Not supported by the emulator: files are not emulated.',
  followup_date: 'Not supported by the emulator: email follow-up tasks are not emulated.',
  followup_sequence_add_cc_bcc: 'Not supported by the emulator: email follow-up sequences are not emulated.',
  followup_sequence_delay: 'Not supported by the emulator: email follow-up sequences are not emulated.',
  followup_sequence_id: 'Not supported by the emulator: email follow-up sequences are not emulated.',
  opens: 'Not supported by the emulator: email opens are not emulated.',
};

export const REFUSED_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'POST /opportunity/': {
    attachments: 'Not supported by the emulator: files are not emulated.',
  },
  'PUT /opportunity/:id/': {
    attachments: 'Not supported by the emulator: files are not emulated.',
  },
  'POST /activity/custom/': {
    activity_at: 'Not supported by the emulator: custom activities carry no activity_at here.',
    contact_id: 'Not supported by the emulator: custom activities carry no contact here.',
    created_by_id: 'Not supported by the emulator: custom activities carry no creator here.',
    pinned: 'Not supported by the emulator: activities cannot be pinned here.',
    status: 'Not supported by the emulator: custom activities are always published here.',
  },
  'PUT /activity/custom/:id/': {
    activity_at: 'Not supported by the emulator: custom activities carry no activity_at here.',
    contact_id: 'Not supported by the emulator: custom activities carry no contact here.',
    pinned: 'Not supported by the emulator: activities cannot be pinned here.',
    status: 'Not supported by the emulator: custom activities are always published here.',
  },
  'POST /activity/note/': { attachments: FILES },
  'PUT /activity/note/:id/': { attachments: FILES },
  'POST /activity/call/': CALL_REFUSED,
  'PUT /activity/call/:id/': CALL_REFUSED,
  'POST /activity/sms/': SMS_REFUSED,
  'PUT /activity/sms/:id/': SMS_REFUSED,
  'POST /activity/whatsapp_message/': { attachments: FILES },
  'PUT /activity/whatsapp_message/:id/': { attachments: FILES },
  'POST /lead/': {
    'contacts[].urls': 'Not supported by the emulator: contact URLs are not emulated.',
  },
  'POST /contact/': { urls: 'Not supported by the emulator: contact URLs are not emulated.' },
  'PUT /contact/:id/': { urls: 'Not supported by the emulator: contact URLs are not emulated.' },
  'POST /task/': {
    agent_config_id: 'Not supported by the emulator: AI agents are not emulated.',
    contact_id: 'Not supported by the emulator: lead tasks carry no contact here.',
    priority: 'Not supported by the emulator: task priorities are not emulated.',
    resolution: 'Not supported by the emulator: task resolutions are not emulated.',
  },
  'PUT /task/:id/': {
    agent_config_id: 'Not supported by the emulator: AI agents are not emulated.',
    contact_id: 'Not supported by the emulator: lead tasks carry no contact here.',
    priority: 'Not supported by the emulator: task priorities are not emulated.',
    resolution: 'Not supported by the emulator: task resolutions are not emulated.',
  },
  'POST /activity/email/': {
    ...EMAIL_REFUSED,
    created_by_id: 'Not supported by the emulator: a new email\'s creator is its user_id (the key\'s user by default) here.',
  },
  'PUT /activity/email/:id/': {
    ...EMAIL_REFUSED,
    activity_at: 'Not supported by the emulator: an email\'s activity_at is when it was created here.',
  },
  // Close's CreateWebhook lists event_filter without saying what it does.
  'POST /webhook/': { event_filter: 'Not supported by the emulator: event_filter is undocumented; use extra_filter on each of events.' },
  // Close: "Update an organization's `name`, `currency`, and reorder existing `lead_statuses`." The
  // route takes `lead_statuses` in their current order (as a GET gives them) and refuses another.
  'PUT /organization/:id/': { currency: 'Not supported by the emulator: the currency is always USD here.' },
  // Real API: "Only the assigned_to, date and is_complete fields may be updated" (what Close does with the rest is not documented).
  'PUT /task/': Object.fromEntries(['organization_id', 'priority', 'resolution', 'text']
    .map((field) => [field, 'Not supported by the emulator: Close updates only assigned_to, date and is_complete in bulk.'])),
  ...customFieldRoutes(),
};

/** Custom field writes (one route pair per kind): Close's docs add role restrictions, and `required` for custom object fields. */
function customFieldRoutes(): Record<string, Record<string, string>> {
  const roles = { editable_with_roles: 'Not supported by the emulator: permissions per role are not enforced, anyone may edit values.' };
  const out: Record<string, Record<string, string>> = {};
  for (const word of ['lead', 'contact', 'opportunity', 'activity', 'shared', 'custom_object_type']) {
    const fields = word === 'custom_object_type'
      ? { ...roles, required: 'Not supported by the emulator: custom object fields are never required here.' }
      : roles;
    out[`POST /custom_field/${word}/`] = fields;
    out[`PUT /custom_field/${word}/:id/`] = fields;
    // The plural legacy alias (src/close/routes/custom-fields.ts) refuses what its singular path does.
    if (word !== 'shared' && word !== 'custom_object_type') {
      out[`POST /custom_fields/${word}/`] = fields;
      out[`PUT /custom_fields/${word}/:id/`] = fields;
    }
  }
  return out;
}

/** Not sent, null, false or an empty list: what the emulator does anyway. */
const isSet = (value: unknown) => value !== undefined && value !== null && value !== false && !(Array.isArray(value) && value.length === 0);

/** Throws a 400 naming every refused field the body sets (`contacts.0.urls` for a nested one). */
export function refuseUnsupported(method: string, route: string, body: unknown): void {
  const refused = own(REFUSED_FIELDS, `${method} ${route}`);
  if (!refused || !isObject(body)) return;
  const errors: Record<string, string> = {};
  for (const [name, reason] of Object.entries(refused)) {
    const [list, key] = name.split('[].') as [string, string | undefined];
    if (key === undefined) {
      if (isSet(own(body, name))) errors[name] = reason;
      continue;
    }
    const items = own(body, list);
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      if (isObject(item) && isSet(own(item, key))) errors[`${list}.${i}.${key}`] = reason;
    });
  }
  const names = Object.keys(errors);
  if (names.length) throw validationError(`Not supported by the emulator: ${names.join(', ')}.`, errors);
}
