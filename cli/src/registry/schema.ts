import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import type { Entity, Kind } from './kinds.js';
import type { PositionMap, PositionTarget, PropertyPath } from './positions.js';
import * as validators from './validators.generated.js';

/** The subset of an ajv error (verbose mode) that messages use. */
interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  propertyName?: string;
  parentSchema?: { description?: string; properties?: Record<string, unknown> };
  data?: unknown;
}
type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

// Precompiled at generation time (scripts/generate-types.mjs): no schema compilation at start-up.
const BY_KIND = validators as unknown as Record<Kind, Validator>;

/** `['spec', 'cubes', 0, 'ref']` -> `spec.cubes[0].ref` */
export function formatPath(path: PropertyPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s ? `.${seg}` : seg;
  }
  return s || '(top level)';
}

function parsePointer(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  return String(v);
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** True when `data` passes the schema of `kind`: then it is an `Entity<K>` (the generated type). */
export function conformsToSchema<K extends Kind>(kind: K, data: unknown): data is Entity<K> {
  return BY_KIND[kind](data);
}

/** Schema diagnostics reported per file. */
export const MAX_SCHEMA_DIAGNOSTICS = 50;

/**
 * Checks `data` against the schema of `kind`. Each error points at the offending key (unknown or
 * missing properties) or value (everything else).
 */
export function validateSchema(
  kind: Kind,
  data: unknown,
  file: string,
  positions: Pick<PositionMap, 'position'>,
): Diagnostic[] {
  const validate = BY_KIND[kind];
  if (validate(data)) return [];
  const out: Diagnostic[] = [];
  const errors = validate.errors ?? [];
  const seen = new Set<string>();
  for (const e of errors) {
    // A file with thousands of unknown keys gets the first few, not thousands of lookups and lines.
    if (out.length === MAX_SCHEMA_DIAGNOSTICS) {
      out.push(
        error(
          'schema.too-many-problems',
          `more schema problems than the ${MAX_SCHEMA_DIAGNOSTICS} shown; fix those first`,
          { file, line: 1, column: 1 },
        ),
      );
      break;
    }
    // Branch failures of an "exactly one of" are summarised by the oneOf error itself.
    if (e.schemaPath.includes('/oneOf/')) continue;
    // propertyNames reports once per bad name with the inner pattern error; keep the outer one.
    if (e.propertyName !== undefined && e.keyword !== 'propertyNames') continue;
    const base = parsePointer(e.instancePath);
    let path: PropertyPath = base;
    let target: PositionTarget = 'value';
    let code = `schema.${kebab(e.keyword)}`;
    const where = formatPath(base);
    let message: string;
    switch (e.keyword) {
      case 'required':
        target = 'key';
        message = base.length
          ? `${where} is missing the required property "${e.params.missingProperty}"`
          : `missing the required top-level property "${e.params.missingProperty}"`;
        break;
      case 'additionalProperties': {
        const name = String(e.params.additionalProperty);
        path = [...base, name];
        target = 'key';
        code = 'schema.additional-property';
        const allowed = Object.keys(e.parentSchema?.properties ?? {});
        message = `unknown property "${name}" in ${where}; check the spelling${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
        break;
      }
      case 'propertyNames': {
        const name = String(e.params.propertyName);
        path = [...base, name];
        target = 'key';
        code = 'schema.property-name';
        message = `"${name}" is not an allowed key in ${where}`;
        break;
      }
      case 'oneOf': {
        const branches = ((e.parentSchema as { oneOf?: { required?: string[] }[] })?.oneOf ?? [])
          .map((b) => b.required?.join(' + '))
          .filter(Boolean);
        target = base.length ? 'key' : 'value';
        message = branches.length
          ? `${where} must have exactly one of: ${branches.join(', ')}`
          : `${where} must match exactly one alternative`;
        break;
      }
      case 'enum':
        message = `${where} must be one of ${(e.params.allowedValues as unknown[]).map(String).join(', ')} (found ${describe(e.data)})`;
        break;
      case 'const':
        message = `${where} must be ${JSON.stringify(e.params.allowedValue)} (found ${describe(e.data)})`;
        break;
      case 'type':
        message = `${where} must be ${typeNames(String(e.params.type))} (found ${describe(e.data)})`;
        break;
      case 'pattern':
        message = `${where} is not valid (found ${describe(e.data)}): expected ${lowerFirst(e.parentSchema?.description ?? `a value matching ${e.params.pattern}`)}`;
        break;
      case 'uniqueItems':
        message = `${where} lists the same value twice (items ${e.params.j} and ${e.params.i}); remove the repeat`;
        break;
      default:
        message = `${where} ${e.message ?? 'is not valid'}`;
    }
    const pos = positions.position(path, target);
    const key = `${code}|${pos.line}|${pos.column}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error(code, message, { file, ...pos }));
  }
  return out;
}

function lowerFirst(s: string): string {
  const t = s.replace(/\.$/, '');
  return /^[A-Z]([a-z]| )/.test(t) ? t[0].toLowerCase() + t.slice(1) : t;
}

/** ajv's `type` parameter ("object", or "number,string,null" for a union) in words. */
function typeNames(types: string): string {
  const words = types
    .split(',')
    .map((type) =>
      type === 'object' ? 'a mapping' : type === 'array' ? 'a list' : type === 'null' ? 'null' : `a ${type}`,
    );
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

const MEASUREMENT_VALIDATORS: readonly [string, 'metrics' | 'sufficientStatistics', Validator][] = [
  ['spec.metrics', 'metrics', validators.Metrics as unknown as Validator],
  [
    'spec.sufficientStatistics',
    'sufficientStatistics',
    validators.SufficientStatistics as unknown as Validator,
  ],
];

/**
 * How decrypted measurements break the bounds the Result schema puts on plain ones (at most 64 numeric
 * metrics, integer statistics of bounded size), or undefined when they keep them: a ciphertext is opaque to
 * the validator, so its readers check what it held.
 */
export function measurementsOutOfBounds(measurements: {
  metrics: unknown;
  sufficientStatistics?: unknown;
}): string | undefined {
  for (const [where, field, validate] of MEASUREMENT_VALIDATORS) {
    const value = measurements[field];
    if (value === undefined || validate(value)) continue;
    const first = validate.errors?.[0];
    const at = first ? formatPath([...where.split('.'), ...parsePointer(first.instancePath)]) : where;
    return `${at} ${first?.message ?? 'does not match the schema'}`;
  }
  return undefined;
}
