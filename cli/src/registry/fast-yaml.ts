/**
 * A fast path for the plain block YAML that registry files are made of: block mappings and
 * sequences, plain or simply quoted one-line scalars, comments, and the literal block (`key: |` or
 * `key: |-`, every line at one indentation, no blank line) that holds a signature or an armored
 * ciphertext. It returns exactly what the `yaml` package (YAML 1.2, core schema) would give for such a
 * file, or `undefined` the moment it meets anything else (flow collections, other block scalars,
 * escapes, anchors, tags, tabs, duplicate keys, multi-line scalars, odd indentation, ...), in which
 * case the caller parses with `yaml`, which stays the authority for everything non-trivial and for
 * every error message and position.
 *
 * Why: `yaml` spends ~0.3 ms per registry file building a full document model; validating ten
 * thousand files must take well under two seconds on two cores. test/registry/fast-yaml.test.ts
 * compares the two parsers on every registry file it can find and on randomly mangled ones.
 */

const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;
// Core-schema scalar resolution, copied from yaml/dist/schema/{common,core}/*.js (same order).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
// Characters that may not start a plain scalar in block context (YAML 1.2 c-indicator), except
// '-' which may when followed by a non-space (e.g. -1).
const INDICATOR_START = /^[?:,[\]{}#&*!|>'"%@`]/;
// Anything that is not printable in YAML, or that `yaml` might treat as a line break or BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/** Resolves a plain scalar as the core schema does; undefined for values we leave to `yaml`. */
function resolvePlain(text: string): unknown {
  // Only strings starting with one of `~ . + - 0-9 n N t T f F` (or empty) can resolve to
  // anything but a string; most registry values (refs, hashes, names) skip the tests below.
  const firstCode = text.charCodeAt(0);
  if (
    ((firstCode >= 97 && firstCode <= 122) || (firstCode >= 65 && firstCode <= 90)) &&
    !'nNtTfF'.includes(text[0])
  )
    return text;
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT_OCT.test(text)) return parseInt(text.substring(2), 8);
  if (INT.test(text)) return parseInt(text, 10);
  if (INT_HEX.test(text)) return parseInt(text.substring(2), 16);
  if (FLOAT_NAN.test(text)) {
    // Infinities are refused with a diagnostic by the full path.
    return text.slice(-3).toLowerCase() === 'nan' ? Number.NaN : undefined;
  }
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) {
    const parsedNumber = parseFloat(text);
    return Number.isFinite(parsedNumber) ? parsedNumber : undefined;
  }
  return text;
}

const FAIL = Symbol('fallback');
const MAX_FAST_DEPTH = 16;
type Out = unknown | typeof FAIL;

interface Line {
  indent: number;
  /** Text after the indentation, comment-free lines only. */
  text: string;
  /** For `key: |` / `key: |-`: the literal block's value (its lines, read verbatim). */
  literal?: string;
}

/** `key: |` or `key: |-` (clip or strip chomping, no indentation indicator, no comment). */
const LITERAL_HEADER = /^[^\s-][^\s]*: \|-?$/;

/**
 * Scalar text after `key:` or `- `: a plain or simply quoted scalar, possibly followed by a
 * comment. Returns FAIL for anything else.
 */
function scalar(raw: string): Out {
  const firstChar = raw[0];
  if (firstChar === '"' || firstChar === "'") {
    const end = raw.indexOf(firstChar, 1);
    if (end === -1) return FAIL;
    const body = raw.slice(1, end);
    if (firstChar === '"' && body.includes('\\')) return FAIL;
    const rest = raw.slice(end + 1);
    // `''` is an escaped quote in single-quoted scalars; leave it (and anything odd after) to yaml.
    if (rest !== '' && !/^ +(#.*)?$/.test(rest)) return FAIL;
    return body;
  }
  // Strip a trailing comment: ` #` starts one in plain scalars.
  const hash = raw.indexOf(' #');
  // Lines never end in spaces here (fastParse declines those), so only a comment leaves some.
  const plain = hash === -1 ? raw : raw.slice(0, hash).replace(/ +$/, '');
  if (plain === '') return FAIL;
  if (INDICATOR_START.test(plain)) return FAIL;
  if (plain[0] === '-' && (plain.length === 1 || plain[1] === ' ')) return FAIL;
  if (plain.includes(': ') || plain.endsWith(':') || plain.includes('\t')) return FAIL;
  const resolved = resolvePlain(plain);
  return resolved === undefined ? FAIL : resolved;
}

/** Splits `key: rest` / `key:`; undefined when the line is not a simple mapping entry. */
function entry(text: string): { key: string; rest: string } | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const after = text[colon + 1];
  if (after !== undefined && after !== ' ') return undefined;
  const key = text.slice(0, colon);
  if (!KEY.test(key)) return undefined;
  return { key, rest: text.slice(colon + 1).replace(/^ +/, '') };
}

class Parser {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  parseDocument(): Out {
    if (this.lines.length === 0 || this.lines[0].indent !== 0) return FAIL;
    const value = this.block(0);
    return this.i === this.lines.length ? value : FAIL;
  }

  /** A block collection whose entries sit at exactly `indent`. */
  private block(indent: number): Out {
    const first = this.lines[this.i];
    if (!first || first.indent !== indent) return FAIL;
    return first.text === '-' || first.text.startsWith('- ')
      ? this.sequence(indent)
      : this.mapping(indent, undefined);
  }

  private depth = 0;
  /** Registry files are shallow; deep ones go to the full parser, which enforces the limit. */
  private enter(): boolean {
    return ++this.depth <= MAX_FAST_DEPTH;
  }

  /** Value after `key:` with nothing on the line: a nested block, a same-indent sequence, or null. */
  private nested(indent: number, allowSameIndentSeq: boolean): Out {
    const next = this.lines[this.i];
    if (!next || next.indent < indent) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (allowSameIndentSeq && (next.text === '-' || next.text.startsWith('- '))) return this.sequence(indent);
    return null;
  }

  /**
   * Entries at `indent`. `inline` is the first entry when it sits on a `- ` line (its text
   * already consumed by the caller).
   */
  private mapping(indent: number, inline: string | undefined): Out {
    if (!this.enter()) return FAIL;
    const out: Record<string, unknown> = {};
    let text = inline;
    let literal: string | undefined;
    for (;;) {
      if (text === undefined) {
        const line = this.lines[this.i];
        if (!line || line.indent < indent) break;
        if (line.indent > indent) return FAIL;
        text = line.text;
        literal = line.literal;
        this.i++;
      }
      const keyEntry = entry(text);
      text = undefined;
      if (!keyEntry) return FAIL;
      if (typeof resolvePlain(keyEntry.key) !== 'string') return FAIL;
      if (keyEntry.key === '__proto__' || keyEntry.key === '<<' || Object.hasOwn(out, keyEntry.key))
        return FAIL;
      let value: Out;
      if (literal !== undefined) {
        value = literal;
        literal = undefined;
      } else if (keyEntry.rest === '' || keyEntry.rest.startsWith('#')) {
        if (keyEntry.rest.startsWith('#')) return FAIL;
        value = this.nested(indent, true);
      } else {
        value = scalar(keyEntry.rest);
        const next = this.lines[this.i];
        if (next && next.indent > indent) return FAIL; // a continuation line or an error
      }
      if (value === FAIL) return FAIL;
      out[keyEntry.key] = value;
    }
    this.depth--;
    return out;
  }

  private sequence(indent: number): Out {
    if (!this.enter()) return FAIL;
    const out: unknown[] = [];
    for (;;) {
      const line = this.lines[this.i];
      if (!line || line.indent < indent) break;
      if (line.indent > indent) return FAIL;
      if (!(line.text === '-' || line.text.startsWith('- '))) break; // end of a same-indent sequence
      this.i++;
      const after = line.text.slice(1);
      const rest = after.replace(/^ +/, '');
      let value: Out;
      if (rest === '') {
        const next = this.lines[this.i];
        value = next && next.indent > indent ? this.block(next.indent) : null;
      } else if (rest.startsWith('- ') || rest === '-') {
        return FAIL;
      } else if (entry(rest)) {
        // `- key: value`: a mapping whose keys line up with this first key.
        value = this.mapping(indent + 1 + (after.length - rest.length), rest);
      } else {
        value = scalar(rest);
        const next = this.lines[this.i];
        if (next && next.indent > indent) return FAIL;
      }
      if (value === FAIL) return FAIL;
      out.push(value);
    }
    this.depth--;
    return out;
  }
}

/**
 * The lines of a literal block from `raws[start]` on, for a header at `parentIndent`: one or more lines at
 * one indentation deeper than the header's, up to the first line at or left of the header's indentation
 * (or the end). Undefined for what the fast path leaves to `yaml`: no content, a blank line anywhere in or
 * right after the block (chomping and indentation rules), a line indented differently, a last line that is
 * not followed by a newline. Text in the block is verbatim: `#`, quotes and `: ` are content.
 */
function literalBlock(
  raws: readonly string[],
  start: number,
  parentIndent: number,
): { value: string; next: number } | undefined {
  let contentIndent = -1;
  const content: string[] = [];
  let rawIndex = start;
  for (; rawIndex < raws.length; rawIndex++) {
    const raw = raws[rawIndex];
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    if (indent === raw.length) {
      // A blank (or all-space) line: inside or after a block it would need the chomping rules.
      if (rawIndex === raws.length - 1 && raw === '' && content.length > 0) break; // the file's final newline
      return undefined;
    }
    if (indent <= parentIndent) break;
    if (contentIndent === -1) contentIndent = indent;
    if (indent !== contentIndent) return undefined;
    content.push(raw.slice(indent));
  }
  // The last content line must end in a newline (the file's end without one changes clip chomping).
  if (content.length === 0 || rawIndex === raws.length) return undefined;
  return { value: content.join('\n'), next: rawIndex };
}

/**
 * Parses registry-style YAML, or returns undefined when the text needs the full parser.
 * The result is always a mapping when defined.
 */
export function fastParse(text: string): Record<string, unknown> | undefined {
  if (UNSAFE.test(text) || text.includes('\r')) return undefined;
  const lines: Line[] = [];
  const raws = text.split('\n');
  for (let rawIndex = 0; rawIndex < raws.length; rawIndex++) {
    const raw = raws[rawIndex];
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    const body = raw.slice(indent);
    if (body === '' || body[0] === '#') continue; // blank or comment line
    if (indent === 0 && (body.startsWith('---') || body.startsWith('...') || body[0] === '%'))
      return undefined;
    if (body.endsWith(' ')) {
      // Trailing spaces are harmless for yaml but rare; keep the fast path's cases simple.
      return undefined;
    }
    if (body.endsWith('|') || body.endsWith('|-')) {
      if (!LITERAL_HEADER.test(body)) {
        lines.push({ indent, text: body }); // not a literal header: the parser declines a lone `|`
        continue;
      }
      const block = literalBlock(raws, rawIndex + 1, indent);
      if (!block) return undefined;
      lines.push({ indent, text: body, literal: body.endsWith('-') ? block.value : `${block.value}\n` });
      rawIndex = block.next - 1;
      continue;
    }
    lines.push({ indent, text: body });
  }
  const value = new Parser(lines).parseDocument();
  if (value === FAIL || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * The writing half: `yaml`'s `stringify(value, { lineWidth: 0 })` for the plain data gitperf writes (mappings,
 * lists of scalars or mappings, finite or NaN numbers, booleans, null, and strings that stay plain), or
 * undefined for anything else, which the caller then writes with `yaml`. A result with a 101-point threshold
 * grid takes `yaml` several milliseconds; `benchmark run` writes one per model.
 */
export function fastStringify(value: unknown): string | undefined {
  if (!isPlainMapping(value)) return undefined;
  const out: string[] = [];
  return writeMapping(value, 0, out, 0) ? (out.length === 0 ? '{}\n' : out.join('')) : undefined;
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Plain-scalar characters `yaml` never quotes; a leading character is stricter (no indicator, no space). */
const PLAIN_START = /^[A-Za-z0-9_./]/;
const PLAIN_BODY = /^[A-Za-z0-9_./@+:=~()' -]*$/;

/** A string written as it is, or undefined when `yaml` would quote or fold it. */
function plainString(text: string): string | undefined {
  if (
    !PLAIN_START.test(text) ||
    !PLAIN_BODY.test(text) ||
    text.endsWith(' ') ||
    text.endsWith(':') ||
    text.startsWith('...') ||
    text.includes(': ') ||
    resolvePlain(text) !== text
  )
    return undefined;
  return text;
}

/** A scalar as `yaml` writes it (its stringifyNumber for numbers), or undefined for values left to `yaml`. */
function scalarText(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value < 0 ? '-.inf' : '.inf';
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  if (typeof value === 'string') return plainString(value);
  return undefined;
}

/** Writes a mapping's entries at `indent`; the first line continues `out`'s current line when `inline`. */
function writeMapping(
  map: Record<string, unknown>,
  indent: number,
  out: string[],
  depth: number,
  inline = false,
): boolean {
  if (depth > MAX_FAST_DEPTH) return false;
  let first = true;
  for (const key of Object.keys(map)) {
    const entry = map[key];
    if (entry === undefined) continue; // `yaml` leaves undefined values out
    const keyText = plainString(key);
    if (keyText === undefined) return false;
    const lead = first && inline ? '' : ' '.repeat(indent);
    first = false;
    if (Array.isArray(entry)) {
      if (entry.length === 0) out.push(`${lead}${keyText}: []\n`);
      else {
        out.push(`${lead}${keyText}:\n`);
        if (!writeSequence(entry, indent + 2, out, depth + 1)) return false;
      }
    } else if (entry !== null && typeof entry === 'object') {
      if (!isPlainMapping(entry)) return false;
      if (Object.values(entry).every((nested) => nested === undefined)) out.push(`${lead}${keyText}: {}\n`);
      else {
        out.push(`${lead}${keyText}:\n`);
        if (!writeMapping(entry, indent + 2, out, depth + 1)) return false;
      }
    } else {
      const text = scalarText(entry);
      if (text === undefined) return false;
      out.push(`${lead}${keyText}: ${text}\n`);
    }
  }
  return true;
}

function writeSequence(items: unknown[], indent: number, out: string[], depth: number): boolean {
  if (depth > MAX_FAST_DEPTH) return false;
  const lead = ' '.repeat(indent);
  for (const item of items) {
    if (item === undefined || Array.isArray(item)) return false;
    if (item !== null && typeof item === 'object') {
      if (!isPlainMapping(item)) return false;
      if (Object.values(item).every((nested) => nested === undefined)) out.push(`${lead}- {}\n`);
      else {
        out.push(`${lead}- `);
        if (!writeMapping(item, indent + 2, out, depth + 1, true)) return false;
      }
    } else {
      const text = scalarText(item);
      if (text === undefined) return false;
      out.push(`${lead}- ${text}\n`);
    }
  }
  return true;
}
