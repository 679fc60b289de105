/**
 * OmegaConf-style `${a.b}` references, as MLCube resolves them in mlcube.yaml (dotted paths against the merged
 * document, plus `${oc.env:NAME[,default]}`). A value that is exactly one reference keeps the referenced type;
 * a reference inside a longer string is substituted as text.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface InterpolationError {
  /** Path of the value holding the bad reference. */
  path: (string | number)[];
  message: string;
}

const REF = /\$\{([^}]*)\}/g;

function isObject(value: unknown): value is { [k: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves every reference in `root` (not mutated); returns the resolved copy and any errors. */
export function interpolate(
  root: { [k: string]: Json },
  env: NodeJS.ProcessEnv = process.env,
): { value: { [k: string]: Json }; errors: InterpolationError[] } {
  const errors: InterpolationError[] = [];
  const done = new Map<string, Json>();
  const inProgress = new Set<string>();

  function lookup(ref: string, from: (string | number)[]): Json | undefined {
    const trimmed = ref.trim();
    if (trimmed.startsWith('oc.env:')) {
      const [name, ...rest] = trimmed.slice('oc.env:'.length).split(',');
      const value = env[name.trim()];
      if (value !== undefined) return value;
      if (rest.length > 0) return rest.join(',').trim();
      errors.push({ path: from, message: `environment variable ${name.trim()} is not set` });
      return undefined;
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(trimmed)) {
      errors.push({ path: from, message: `unsupported reference \${${ref}} (only dotted paths and oc.env)` });
      return undefined;
    }
    const parts = trimmed.split('.');
    let node: Json | undefined = root;
    const path: (string | number)[] = [];
    for (const part of parts) {
      if (Array.isArray(node) && /^\d+$/.test(part)) {
        node = node[Number(part)];
        path.push(Number(part));
      } else if (isObject(node) && part in node) {
        node = node[part];
        path.push(part);
      } else {
        errors.push({
          path: from,
          message: `reference \${${trimmed}} does not name a value in the manifest`,
        });
        return undefined;
      }
    }
    return resolveAt(node as Json, path);
  }

  function resolveAt(node: Json, path: (string | number)[]): Json | undefined {
    const key = JSON.stringify(path);
    if (done.has(key)) return done.get(key);
    if (inProgress.has(key)) {
      errors.push({ path, message: `reference cycle through ${path.join('.')}` });
      return undefined;
    }
    inProgress.add(key);
    let out: Json | undefined;
    if (typeof node === 'string') {
      const whole = /^\$\{([^}]*)\}$/.exec(node);
      if (whole) {
        out = lookup(whole[1], path);
      } else {
        let bad = false;
        const replaced = node.replace(REF, (_m, ref: string) => {
          const value = lookup(ref, path);
          if (value === undefined) {
            bad = true;
            return '';
          }
          return typeof value === 'string' ? value : JSON.stringify(value);
        });
        out = bad ? undefined : replaced;
      }
    } else if (Array.isArray(node)) {
      out = node.map((v, i) => resolveAt(v, [...path, i]) ?? null);
    } else if (isObject(node)) {
      const resolved: { [k: string]: Json } = {};
      for (const [key, value] of Object.entries(node))
        resolved[key] = resolveAt(value, [...path, key]) ?? null;
      out = resolved;
    } else {
      out = node;
    }
    inProgress.delete(key);
    done.set(key, out ?? null);
    return out;
  }

  const value = resolveAt(root, []) as { [k: string]: Json };
  return { value, errors };
}
