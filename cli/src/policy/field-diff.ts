/**
 * Which fields of an entity changed between two parsed YAML documents. Objects are compared key by
 * key down to their leaves; an array that differs is reported as one field (`spec.committee`), because
 * the rules reason about a list as a whole.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality where NaN equals NaN (metrics may be `.nan`). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  // Dates parsed by YAML compare by time.
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/** Dotted paths of the fields that differ; a field added or removed counts as changed. Sorted. */
export function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  const out: string[] = [];
  walk(before, after, prefix, out);
  return out.sort();
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (!sameValue(a, b)) out.push(path || '.');
}

/** True when `field` is `pattern` or lies below it (`spec.policy` covers `spec.policy.sharing`). */
export function fieldUnder(field: string, pattern: string): boolean {
  if (pattern.endsWith('.*')) return field.startsWith(pattern.slice(0, -1));
  return field === pattern || field.startsWith(`${pattern}.`);
}

export function matchesAny(field: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => fieldUnder(field, p) || globField(field, p));
}

// `spec.*.sha256` style patterns: `*` is one segment.
function globField(field: string, pattern: string): boolean {
  if (!pattern.includes('*')) return false;
  const re = new RegExp(
    `^${pattern
      .split('.')
      .map((s) => (s === '*' ? '[^.]+' : s.replace(/[$()+?[\\\]^{|}]/g, '\\$&')))
      .join('\\.')}(?:\\..*)?$`,
  );
  return re.test(field);
}
