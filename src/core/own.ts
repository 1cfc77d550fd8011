// Tables looked up by names that come from requests: field names, condition and field types, file
// names, units, sort keys. On a plain object `table[name]` also answers `constructor`, `toString` or
// `__proto__` from Object.prototype, and code that trusted the answer failed with a 500; `own` only
// answers the table's own keys.

/** `table[key]` if `key` is one of the table's own keys, else undefined. */
export function own<V>(table: Readonly<Partial<Record<string, V>>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A JSON object (not null, not an array): what a request's nested value must be before its keys are read. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
