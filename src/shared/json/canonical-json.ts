/**
 * JSON with object keys sorted (by UTF-16 code units, as Array.prototype.sort does) at every
 * depth and no whitespace, so that the same event always gives the same bytes whichever
 * order a database or driver returns its keys in. Properties whose value is undefined are
 * dropped, as JSON.stringify drops them and as they would be after a round trip through
 * jsonb; undefined inside an array, non-finite numbers and non-plain objects are refused
 * because they have no single JSON form.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError(`canonical JSON has no form for ${String(value)}`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value
      .map((item: unknown, i) => {
        if (item === undefined) throw new TypeError(`canonical JSON: undefined at index ${i}`);
        return canonicalJson(item);
      })
      .join(',')}]`;
  }
  if (typeof value !== 'object') {
    throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError('canonical JSON takes plain objects only (convert dates to ISO strings)');
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}
