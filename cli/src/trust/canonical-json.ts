/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by their names' UTF-16 code units, no
 * whitespace, strings escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript's shortest
 * round-trip form (so 1.0 is `1`, -0 is `0`, 1e21 is `1e+21`), UTF-8 output. JSON has no NaN: callers map
 * it first (the result payload writes the string "NaN"); an infinite number or a lone surrogate is refused.
 */
import { fail } from '../diagnostics/diagnostic.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [name: string]: JsonValue };

export function canonicalJson(value: JsonValue): string {
  const fast = serialiseFast(value);
  // Only a value JSON cannot hold fails the fast pass; the slow one says where and why.
  return fast ?? serialise(value, '$');
}

export function canonicalJsonBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/**
 * The same serialisation without building a path for each member (a registry's validation canonicalises
 * thousands of payloads): undefined when something cannot be serialised, for `serialise` to report.
 */
function serialiseFast(value: JsonValue): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'string':
      return SURROGATE.test(value) && LONE_SURROGATE.test(value) ? undefined : JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index++) {
          const item = serialiseFast(value[index]);
          if (item === undefined) return undefined;
          out += index === 0 ? item : `,${item}`;
        }
        return `${out}]`;
      }
      const names = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const name of names) {
        const member = value[name];
        if (member === undefined) continue;
        if (SURROGATE.test(name) && LONE_SURROGATE.test(name)) return undefined;
        const text = serialiseFast(member);
        if (text === undefined) return undefined;
        out += `${first ? '' : ','}${JSON.stringify(name)}:${text}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

function serialise(value: JsonValue, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        fail('trust.canonical-number', `${path} is ${value}; canonical JSON holds finite numbers only.`);
      }
      return JSON.stringify(value);
    case 'string':
      return quote(value, path);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((item, index) => serialise(item, `${path}[${index}]`)).join(',')}]`;
      // Default sort compares UTF-16 code units, which is exactly JCS's member order.
      const names = Object.keys(value).sort();
      const members = names.flatMap((name) => {
        const member = value[name];
        // An absent optional field (undefined) is not part of the JSON value.
        if (member === undefined) return [];
        return [`${quote(name, path)}:${serialise(member, `${path}.${name}`)}`];
      });
      return `{${members.join(',')}}`;
    }
    default:
      return fail('trust.canonical-type', `${path} is a ${typeof value}, which JSON cannot hold.`);
  }
}

function quote(text: string, path: string): string {
  if (LONE_SURROGATE.test(text))
    fail('trust.canonical-string', `${path} holds a lone UTF-16 surrogate, which is not text.`);
  return JSON.stringify(text);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Any surrogate: a cheap first test (most text has none), before the exact one above. */
const SURROGATE = /[\uD800-\uDFFF]/;
