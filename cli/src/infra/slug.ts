/**
 * A name made safe for a file, branch, container or reference: lower case, runs of anything but a-z and
 * 0-9 become one hyphen, no hyphen at either end, at most `maxLength` characters; `fallback` when nothing
 * is left.
 */
export function slug(text: string, options: { maxLength?: number; fallback?: string } = {}): string {
  const safe = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, options.maxLength ?? 63)
    .replace(/-+$/, '');
  return safe || (options.fallback ?? 'unnamed');
}
