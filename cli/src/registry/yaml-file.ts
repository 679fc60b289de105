import type { Document, Node } from 'yaml';
import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import { yaml } from '../infra/yaml-library.js';
import { fastParse } from './fast-yaml.js';
import { PositionMap, type PositionMap as PositionMapT, YAML_OPTIONS } from './positions.js';

/** Files larger than this are refused before parsing (the loader, the validator and the policy). */
export const MAX_FILE_BYTES = 1024 * 1024;
/**
 * Line breaks plus commas a registry file may hold, refused before parsing: an upper bound on the entries of
 * its mappings and lists (a block entry needs a line, a flow entry a comma). The largest legitimate entity, a
 * Result with a 1,001-point threshold grid, has about 5,100 lines (an armoured ciphertext up to 4,100 more).
 * The full YAML parser costs tens of microseconds per entry, so this bounds any single file's parse; the
 * worst file under the bound is measured in scripts/bench/bounded-policy.bench.mjs.
 */
export const MAX_FILE_ENTRIES = 12_000;
/** Registry entities are shallow; deeper nesting is refused (it only serves to exhaust the stack). */
export const MAX_DEPTH = 32;

/** One registry file read and parsed, before any schema check. */
export interface ParsedFile {
  /** Plain data (null-prototype safe: a `__proto__` key is an own property), undefined when refused. */
  data?: Record<string, unknown>;
  /** Problems found; when any is an error, `data` is undefined. */
  diagnostics: Diagnostic[];
  /** The decoded text (empty when the bytes were refused). */
  text: string;
  positions: PositionMapT;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and parses one registry file, refusing hostile input: oversized files, non-UTF-8 bytes,
 * YAML syntax errors, several documents, duplicate keys, anchors, aliases, merge keys, explicit
 * tags, non-scalar keys and deep nesting. Never throws on bad input.
 */
export function parseYamlFile(
  bytes: Uint8Array,
  file: string,
  opts: { fast?: boolean; keepDocument?: boolean } = {},
): ParsedFile {
  const { fast = true, keepDocument = true } = opts;
  const diagnostics: Diagnostic[] = [];
  const tooBig = fileBoundProblem(bytes, file);
  if (tooBig) {
    diagnostics.push(tooBig);
    return { diagnostics, text: '', positions: new PositionMap('') };
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const pos = new PositionMap(new TextDecoder().decode(bytes.subarray(0, offset))).offsetToPosition(offset);
    diagnostics.push(
      error('file.not-utf8', `byte ${offset} is not valid UTF-8; save the file as UTF-8`, { file, ...pos }),
    );
    return { diagnostics, text: '', positions: new PositionMap('') };
  }

  if (fast) {
    // Plain registry files: same data as `yaml` gives, without building a document. Positions are
    // computed (by parsing with `yaml`) only if an error needs one.
    const data = fastParse(text);
    if (data)
      return { data, diagnostics, text, positions: new PositionMap(text, { parseOptions: YAML_OPTIONS }) };
  }

  const { parseDocument, isMap } = yaml();
  let doc: Document;
  try {
    doc = parseDocument(text, YAML_OPTIONS);
  } catch (e) {
    // The parser recurses on nesting; a stack overflow on absurd input is a refusal, not a crash.
    diagnostics.push(
      error('yaml.syntax', `YAML could not be parsed: ${(e as Error).message}`, { file, line: 1, column: 1 }),
    );
    return { diagnostics, text, positions: new PositionMap(text, { parseOptions: YAML_OPTIONS }) };
  }
  const positions = new PositionMap(text, {
    document: keepDocument ? doc : undefined,
    parseOptions: YAML_OPTIONS,
  });
  for (const e of doc.errors) {
    const code =
      e.code === 'DUPLICATE_KEY'
        ? 'yaml.duplicate-key'
        : e.code === 'MULTIPLE_DOCS'
          ? 'yaml.multi-document'
          : 'yaml.syntax';
    const message =
      code === 'yaml.duplicate-key'
        ? 'duplicate key; each key may appear once in a mapping'
        : code === 'yaml.multi-document'
          ? 'a registry file holds exactly one YAML document; remove the extra `---` document'
          : `YAML syntax error: ${e.message.split('\n')[0]}`;
    diagnostics.push(error(code, message, { file, ...positions.offsetToPosition(e.pos[0]) }));
  }
  if (diagnostics.length) return { diagnostics, text, positions };

  if (!isMap(doc.contents)) {
    diagnostics.push(
      error(
        'yaml.not-a-mapping',
        'a registry file must be one YAML mapping (apiVersion, kind, metadata, spec)',
        {
          file,
          ...(doc.contents?.range
            ? positions.offsetToPosition(doc.contents.range[0])
            : { line: 1, column: 1 }),
        },
      ),
    );
    return { diagnostics, text, positions };
  }
  let data: unknown;
  try {
    data = toPlain(doc.contents, 0, (code, message, node) =>
      diagnostics.push(error(code, message, { file, ...positions.offsetToPosition(node?.range?.[0] ?? 0) })),
    );
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // Our own depth limit has already reported where; a real stack overflow has no better place.
    if (!diagnostics.length)
      diagnostics.push(error('yaml.too-deep', 'nesting is too deep', { file, line: 1, column: 1 }));
  }
  if (diagnostics.length) return { diagnostics, text, positions };
  return { data: data as Record<string, unknown>, diagnostics, text, positions };
}

/**
 * Why a registry file is refused before it is parsed (more than MAX_FILE_BYTES bytes or MAX_FILE_ENTRIES
 * lines and commas), or undefined. Costs one pass over the bytes, so a hostile file is refused in milliseconds.
 */
export function fileBoundProblem(bytes: Uint8Array, file: string): Diagnostic | undefined {
  if (bytes.length > MAX_FILE_BYTES) {
    return error(
      'file.too-large',
      `file is larger than the ${MAX_FILE_BYTES}-byte (1 MiB) limit for registry files; ` +
        'registry entities are small: keep large data out of the registry (link it by URL and sha256)',
      { file },
    );
  }
  let entries = 0;
  for (const byte of bytes) if (byte === NEWLINE || byte === COMMA) entries++;
  if (entries > MAX_FILE_ENTRIES) {
    return error(
      'file.too-many-entries',
      `file has ${entries} lines and commas, more than the ${MAX_FILE_ENTRIES} a registry file may hold; ` +
        'registry entities are small: remove what the schema does not ask for',
      { file },
    );
  }
  return undefined;
}
const NEWLINE = 0x0a;
const COMMA = 0x2c;

type Report = (code: string, message: string, node: Node | null | undefined) => void;

/** Converts a YAML node to plain data, reporting every construct registry files must not use. */
function toPlain(node: unknown, depth: number, report: Report): unknown {
  if (node === null || node === undefined) return null;
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  const yamlNode = node as Node;
  if (isAlias(yamlNode)) {
    report(
      'yaml.alias',
      `alias *${yamlNode.source} is not allowed in registry files; write the value out`,
      yamlNode,
    );
    return null;
  }
  reportAnchorAndTag(yamlNode, report);
  if (depth > MAX_DEPTH) {
    report('yaml.too-deep', `nesting deeper than ${MAX_DEPTH} levels is not allowed`, yamlNode);
    throw new RangeError('too deep');
  }
  if (isScalar(yamlNode)) {
    if (
      typeof yamlNode.value === 'number' &&
      !Number.isFinite(yamlNode.value) &&
      !Number.isNaN(yamlNode.value)
    ) {
      report(
        'schema.infinite-number',
        'infinite numbers (.inf) are not allowed; write a finite number or .nan',
        yamlNode,
      );
    }
    return yamlNode.value;
  }
  if (isSeq(yamlNode)) return yamlNode.items.map((item) => toPlain(item, depth + 1, report));
  if (isMap(yamlNode)) {
    const out: Record<string, unknown> = {};
    // Duplicates are found here, in one pass: the parser's own check (uniqueKeys) compares every pair of
    // keys, which a file of 100,000 keys turns into minutes.
    const seen = new Set<string>();
    for (const pair of yamlNode.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
        report('yaml.complex-key', 'mapping keys must be plain strings', key ?? (pair.value as Node));
        continue;
      }
      reportAnchorAndTag(key, report);
      const keyText = String(key.value);
      if (keyText === '<<') {
        report(
          'yaml.merge-key',
          'merge keys (<<) are not allowed in registry files; write the keys out',
          key,
        );
        continue;
      }
      if (seen.has(keyText)) {
        report('yaml.duplicate-key', 'duplicate key; each key may appear once in a mapping', key);
        continue;
      }
      seen.add(keyText);
      const plainValue = toPlain(pair.value, depth + 1, report);
      // A `__proto__` key must stay an ordinary own property, never the object's prototype.
      if (keyText === '__proto__')
        Object.defineProperty(out, keyText, {
          value: plainValue,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[keyText] = plainValue;
    }
    return out;
  }
  report('yaml.syntax', 'unsupported YAML node', yamlNode);
  return null;
}

/** Anchors and explicit tags are refused on keys and values alike. */
function reportAnchorAndTag(node: Node & { anchor?: string; tag?: string }, report: Report): void {
  if (node.anchor)
    report('yaml.anchor', `anchor &${node.anchor} is not allowed in registry files; remove it`, node);
  if (node.tag)
    report(
      'yaml.tag',
      `explicit tag ${shortTag(node.tag)} is not allowed in registry files; remove it`,
      node,
    );
}

function shortTag(tag: string): string {
  return tag.replace(/^tag:yaml\.org,2002:/, '!!');
}

/** Offset of the first byte that breaks UTF-8 (the decoder only says that one does). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const leadByte = bytes[i];
    let continuationBytes = 0;
    let min = 0;
    if (leadByte < 0x80) {
      i++;
      continue;
    }
    if (leadByte >= 0xc2 && leadByte <= 0xdf) {
      continuationBytes = 1;
      min = 0x80;
    } else if (leadByte >= 0xe0 && leadByte <= 0xef) {
      continuationBytes = 2;
      min = 0x800;
    } else if (leadByte >= 0xf0 && leadByte <= 0xf4) {
      continuationBytes = 3;
      min = 0x10000;
    } else return i;
    if (i + continuationBytes >= bytes.length) return i;
    let cp = leadByte & (0x3f >> continuationBytes);
    for (let j = 1; j <= continuationBytes; j++) {
      const cc = bytes[i + j];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += continuationBytes + 1;
  }
  return bytes.length;
}
