// Tables looked up by names that come from requests: field names, condition and field types, file
// names, units, sort keys. On a plain object `table[name]` also answers `constructor`, `toString` or
// `__proto__` from Object.prototype, and code that trusted the answer failed with a 500; `own` only
// answers the table's own keys.

/** `table[key]` if `key` is one of the table's own keys, else undefined. */
export function own<V>(table: Readonly<Partial<Record<string, V>>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
