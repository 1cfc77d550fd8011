import { validationError } from '../../core/errors.js';
import { isObject, own } from '../../core/own.js';
import type { LeadAddressT } from '../../../schemas/close/leads.js';

// A lead's addresses: validated on POST/PUT /lead/, kept as a JSON list on the lead's row (migration 19),
// rendered in Close's key order. They have no id of their own: a PUT replaces the whole list.

/** Close's LeadAddress keys, in the order Close's examples write them (and we answer them). */
export const ADDRESS_KEYS = ['label', 'address_1', 'address_2', 'city', 'state', 'zipcode', 'country'] as const;

/**
 * Real API: the labels Close's app offers (its scripts document "label (business, mailing, other)"); the
 * OpenAPI says only "string or null". Here: one of these or null, else a 400 naming the address.
 */
export const ADDRESS_LABELS = ['business', 'mailing', 'other'] as const;

/**
 * ISO 3166-1 alpha-2, the 249 assigned codes (Close's scripts: "ISO 3166-1 alpha-2 country code").
 * Real API: what Close does with another value is not documented; here: a 400 naming the address.
 */
const COUNTRIES = new Set(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/));

/** Real API: no documented limits; here: at most this many addresses per lead, each value at most MAX_ADDRESS_CHARS. */
export const MAX_ADDRESSES = 100;
export const MAX_ADDRESS_CHARS = 1000;

/**
 * The `addresses` of a lead write → the list to store, or a 400 whose field-errors name each bad
 * element's key (`addresses.0.country`), before anything is written. null = no addresses. Keys Close
 * answers but computes (`tz_ids`), and keys it does not document, are ignored, so a lead's
 * `addresses` read from Close (or from an event's data) can be sent back as they are.
 */
export function readAddresses(input: unknown): LeadAddressT[] {
  if (input === null || input === undefined) return [];
  if (!Array.isArray(input)) throw validationError('addresses: Expected a list of addresses.', { addresses: 'Expected a list of addresses.' });
  if (input.length > MAX_ADDRESSES) {
    throw validationError(`addresses: At most ${MAX_ADDRESSES} addresses per lead.`, { addresses: `At most ${MAX_ADDRESSES} addresses per lead.` });
  }
  const errors: Record<string, string> = {};
  const out = input.map((item, i) => {
    const address = Object.fromEntries(ADDRESS_KEYS.map((k) => [k, null])) as LeadAddressT;
    if (!isObject(item)) {
      errors[`addresses.${i}`] = 'Expected an address object.';
      return address;
    }
    for (const key of ADDRESS_KEYS) {
      const value = own(item, key);
      if (value === undefined || value === null) continue;
      const path = `addresses.${i}.${key}`;
      if (typeof value !== 'string') errors[path] = 'Expected a string or null.';
      else if (value.length > MAX_ADDRESS_CHARS) errors[path] = `At most ${MAX_ADDRESS_CHARS} characters.`;
      else if (key === 'label' && !(ADDRESS_LABELS as readonly string[]).includes(value)) errors[path] = `"${value}" is not a valid choice; use ${ADDRESS_LABELS.join(', ')}.`;
      else if (key === 'country' && value !== '' && !COUNTRIES.has(value)) errors[path] = `"${value}" is not an ISO 3166-1 alpha-2 country code (such as US).`;
      else address[key] = value;
    }
    return address;
  });
  const names = Object.keys(errors);
  if (names.length) throw validationError(`Invalid addresses: ${names.map((n) => `${n}: ${errors[n]}`).join(' ')}`, errors);
  return out;
}

/** The stored column → the list as answered. */
export function parseAddresses(column: string | null | undefined): LeadAddressT[] {
  return column ? (JSON.parse(column) as LeadAddressT[]) : [];
}

/**
 * Real API: a short summary of the lead's primary address, format undocumented (consumers split it on
 * ", " reading city then state). Here [D]: the first address's city, state and country, the non-empty
 * ones joined with ", "; null without any.
 */
export function addressSummary(addresses: readonly LeadAddressT[]): string | null {
  const first = addresses[0];
  if (!first) return null;
  const parts = [first.city, first.state, first.country].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length ? parts.join(', ') : null;
}
