/**
 * A CODEOWNERS reader that follows GitHub's rules: one pattern per line, then owners; `#` comments;
 * gitignore-style patterns except that `!` negation, `[ ]` ranges and `\#` escapes do not work (such
 * lines are invalid and skipped, as GitHub skips them); paths are case-sensitive; the LAST matching
 * line wins, and a line without owners leaves the path unowned. One GitHub-specific twist over
 * gitignore: `docs/*` owns the files directly in docs/, not those in its subfolders.
 */

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  regex: RegExp;
}

export interface CodeownersError {
  line: number;
  message: string;
}

export interface ParsedCodeowners {
  rules: CodeownersRule[];
  errors: CodeownersError[];
}

export function parseCodeowners(text: string): ParsedCodeowners {
  const rules: CodeownersRule[] = [];
  const errors: CodeownersError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // Everything after an unescaped # is a comment (there is no escaping on GitHub).
    const content = trimmed.split('#')[0].trim();
    const [pattern, ...owners] = content.split(/\s+/);
    if (!pattern) return;
    const bad = unsupported(pattern);
    if (bad) {
      errors.push({
        line,
        message: `${bad} in "${pattern}" is not supported by GitHub; the line is ignored`,
      });
      return;
    }
    const badOwner = owners.find((o) => !/^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$|^[^@\s]+@[^@\s]+$/.test(o));
    if (badOwner) {
      errors.push({
        line,
        message: `"${badOwner}" is not an @user, @org/team or email; the line is ignored`,
      });
      return;
    }
    rules.push({ pattern, owners, line, regex: patternToRegex(pattern) });
  });
  return { rules, errors };
}

function unsupported(pattern: string): string | undefined {
  if (pattern.startsWith('!')) return 'negation (!)';
  if (pattern.includes('[') || pattern.includes(']')) return 'a character range ([ ])';
  if (pattern.includes('\\')) return 'an escape (\\)';
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.+^${}()|\\]/g, '\\$&');

/** Converts one pattern to a regex over repository-relative file paths (no leading slash). */
export function patternToRegex(pattern: string): RegExp {
  let glob = pattern;
  const dirOnly = glob.endsWith('/');
  if (dirOnly) glob = glob.replace(/\/+$/, '');
  // A slash at the start or in the middle anchors the pattern to the repository root.
  const anchored = glob.includes('/');
  glob = glob.replace(/^\/+/, '');
  const segs = glob.split('/');
  let re = '';
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') {
      // `**/` = zero or more folders; a trailing `/**` = everything inside.
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    re += seg
      .split('**')
      .map((part) =>
        part
          .split('')
          .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escapeRe(c)))
          .join(''),
      )
      .join('.*');
    if (!last) re += '/';
  });
  const lastSeg = segs[segs.length - 1];
  let suffix: string;
  if (lastSeg === '**') suffix = '';
  else if (dirOnly)
    suffix = '/.*'; // a folder: everything below it
  else if (lastSeg === '*' && segs.length > 1)
    suffix = ''; // GitHub: `docs/*` is not recursive
  else suffix = '(?:/.*)?'; // a file, or a folder and everything below it
  const prefix = anchored ? '' : '(?:.*/)?';
  return new RegExp(`^${prefix}${re}${suffix}$`);
}

/** The owners of a file: those of the last matching rule; `[]` when unowned. */
export function ownersOf(parsed: ParsedCodeowners | CodeownersRule[], path: string): string[] {
  const rules = Array.isArray(parsed) ? parsed : parsed.rules;
  const relative = path.replace(/^\/+/, '');
  for (let i = rules.length - 1; i >= 0; i--) {
    if (rules[i].regex.test(relative)) return rules[i].owners;
  }
  return [];
}

/** The line that decides a path's owners, for explaining. */
export function matchingRule(parsed: ParsedCodeowners, path: string): CodeownersRule | undefined {
  const relative = path.replace(/^\/+/, '');
  for (let i = parsed.rules.length - 1; i >= 0; i--)
    if (parsed.rules[i].regex.test(relative)) return parsed.rules[i];
  return undefined;
}
