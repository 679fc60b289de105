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
  let text = '';
  for (const seg of path) {
    if (typeof seg === 'number') text += `[${seg}]`;
    else text += text ? `.${seg}` : seg;
  }
  return text || '(top level)';
}

function parsePointer(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return String(value);
}

function kebab(text: string): string {
  return text.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
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
  for (const schemaError of errors) {
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
    if (schemaError.schemaPath.includes('/oneOf/')) continue;
    // propertyNames reports once per bad name with the inner pattern error; keep the outer one.
    if (schemaError.propertyName !== undefined && schemaError.keyword !== 'propertyNames') continue;
    const base = parsePointer(schemaError.instancePath);
    let path: PropertyPath = base;
    let target: PositionTarget = 'value';
    let code = `schema.${kebab(schemaError.keyword)}`;
    const where = formatPath(base);
    let message: string;
    switch (schemaError.keyword) {
      case 'required':
        target = 'key';
        message = base.length
          ? `${where} is missing the required property "${schemaError.params.missingProperty}"`
          : `missing the required top-level property "${schemaError.params.missingProperty}"`;
        break;
      case 'additionalProperties': {
        const name = String(schemaError.params.additionalProperty);
        path = [...base, name];
        target = 'key';
        code = 'schema.additional-property';
        const allowed = Object.keys(schemaError.parentSchema?.properties ?? {});
        message = `unknown property "${name}" in ${where}; check the spelling${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
        break;
      }
      case 'propertyNames': {
        const name = String(schemaError.params.propertyName);
        path = [...base, name];
        target = 'key';
        code = 'schema.property-name';
        message = `"${name}" is not an allowed key in ${where}`;
        break;
      }
      case 'oneOf': {
        const branches = ((schemaError.parentSchema as { oneOf?: { required?: string[] }[] })?.oneOf ?? [])
          .map((b) => b.required?.join(' + '))
          .filter(Boolean);
        target = base.length ? 'key' : 'value';
        message = branches.length
          ? `${where} must have exactly one of: ${branches.join(', ')}`
          : `${where} must match exactly one alternative`;
        break;
      }
      case 'enum':
        message = `${where} must be one of ${(schemaError.params.allowedValues as unknown[]).map(String).join(', ')} (found ${describe(schemaError.data)})`;
        break;
      case 'const':
        message = `${where} must be ${JSON.stringify(schemaError.params.allowedValue)} (found ${describe(schemaError.data)})`;
        break;
      case 'type':
        message = `${where} must be ${typeNames(String(schemaError.params.type))} (found ${describe(schemaError.data)})`;
        break;
      case 'pattern':
        message = `${where} is not valid (found ${describe(schemaError.data)}): expected ${lowerFirst(schemaError.parentSchema?.description ?? `a value matching ${schemaError.params.pattern}`)}`;
        break;
      case 'uniqueItems':
        message = `${where} lists the same value twice (items ${schemaError.params.j} and ${schemaError.params.i}); remove the repeat`;
        break;
      default:
        message = `${where} ${schemaError.message ?? 'is not valid'}`;
    }
    const pos = positions.position(path, target);
    const key = `${code}|${pos.line}|${pos.column}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error(code, message, { file, ...pos }));
  }
  return out;
}

function lowerFirst(text: string): string {
  const trimmed = text.replace(/\.$/, '');
  return /^[A-Z]([a-z]| )/.test(trimmed) ? trimmed[0].toLowerCase() + trimmed.slice(1) : trimmed;
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
