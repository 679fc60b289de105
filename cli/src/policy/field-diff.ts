/**
 * Which fields of an entity changed between two parsed YAML documents. Objects are compared key by
 * key down to their leaves; an array that differs is reported as one field (`spec.committee`), because
 * the rules reason about a list as a whole.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality where NaN equals NaN (metrics may be `.nan`). */
export function sameValue(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (typeof left === 'number' && typeof right === 'number') return left === right;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((x, i) => sameValue(x, right[i]));
  }
  if (isObject(left) && isObject(right)) {
    const ka = Object.keys(left);
    const kb = Object.keys(right);
    return (
      ka.length === kb.length && ka.every((k) => Object.hasOwn(right, k) && sameValue(left[k], right[k]))
    );
  }
  // Dates parsed by YAML compare by time.
  if (left instanceof Date && right instanceof Date) return left.getTime() === right.getTime();
  return false;
}

/** Dotted paths of the fields that differ; a field added or removed counts as changed. Sorted. */
export function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  const out: string[] = [];
  walk(before, after, prefix, out);
  return out.sort();
}

function walk(left: unknown, right: unknown, path: string, out: string[]): void {
  if (isObject(left) && isObject(right)) {
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    for (const key of keys) walk(left[key], right[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (!sameValue(left, right)) out.push(path || '.');
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
