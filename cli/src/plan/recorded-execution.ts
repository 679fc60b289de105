/**
 * What a Result records about how it was produced, read for the plan: the cubes that ran (role, ref,
 * hashes) and the prepared data's generatedUid (`spec.execution` in schemas/result.schema.json, written by
 * cli/src/workflows/benchmark-run.ts). The plan compares exactly these fields with the registry's current
 * ones.
 *
 * Why not the loader: a large registry holds tens of thousands of results and the plan must read them all
 * in well under a second; the full loader (YAML with positions + schema) costs ~40 µs a file. Three tiers:
 *  1. `isCanonicalCurrent`: the bytes hold exactly the block gitperf writes for the current cubes and data
 *     (no allocation; the common case of an up-to-date result);
 *  2. `scanRecordedExecution`: the plain block YAML gitperf writes, in any key order; it gives up
 *     (undefined) on anything else — comments, quotes, flow collections, anchors, block scalars, odd nesting;
 *  3. the caller loads the file fully, so an unusual but valid file is still read right and a broken one is
 *     reported with the loader's diagnostics.
 */
import type { RecordedCube, RecordedExecution } from '../registry/provenance.js';
import type { Result } from '../registry/types.generated.js';

// The shapes are the registry's (provenance.ts owns the comparison); re-exported for the plan's callers.
export type { RecordedCube, RecordedExecution };

/** The recorded execution of a Result entity that the full loader read. */
export function recordedFromEntity(result: Result): RecordedExecution {
  return {
    cubes: result.spec.execution.cubes.map((c) => ({ role: c.role, ref: c.ref, hashes: { ...c.hashes } })),
    generatedUid: result.spec.execution.dataset.generatedUid,
  };
}

// `<indent>[- ]key[: value]`; a value is one plain token (what gitperf writes for refs, roles, digests).
const LINE = /^( *)(- )?([A-Za-z][A-Za-z0-9_]*):(?: +(\S+))?$/;
// Values another parser must read: quotes, flow collections, anchors, aliases, tags, block scalars.
const SPECIAL_VALUE = /^[|>[{&*!'"%@`#]/;
const EXECUTION = Buffer.from('\n  execution:\n');
const SPEC = Buffer.from('\nspec:\n');
const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * Scans the `spec.execution` block of a result file's text. Undefined when the text is not the plain
 * layout the scanner knows (the caller then loads the file fully) or lacks a recorded field.
 */
export function scanRecordedExecution(text: string | Buffer): RecordedExecution | undefined {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  // Positions are found in the bytes (native search); only the execution block is decoded.
  const at = bytes.indexOf(EXECUTION);
  const spec = bytes.indexOf(SPEC);
  if (at < 0 || spec < 0 || spec > at || bytes.indexOf(EXECUTION, at + 1) >= 0) return undefined;
  // `execution` must sit directly under the top-level `spec` (no other top-level key in between).
  for (let i = spec + SPEC.length; i <= at; i++)
    if (bytes[i - 1] === NEWLINE && bytes[i] !== SPACE && bytes[i] !== NEWLINE) return undefined;
  const lines = bytes.toString('latin1', at + EXECUTION.length).split('\n');
  const cubes: RecordedCube[] = [];
  let generatedUid: string | undefined;
  let childIndent = -1;
  let section: 'cubes' | 'dataset' | 'other' = 'other';
  let cube: RecordedCube | undefined;
  let cubeKeyIndent = -1;
  let inHashes = false;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) {
      // The block ends at the next line indented two spaces or less; anything else is unknown layout.
      if (/^ {0,2}\S/.test(line)) break;
      return undefined;
    }
    const indent = match[1].length;
    const dash = match[2] !== undefined;
    if (indent <= 2) {
      if (dash) return undefined;
      break;
    }
    const keyIndent = indent + (dash ? 2 : 0);
    const key = match[3];
    const value = match[4];
    if (value !== undefined && SPECIAL_VALUE.test(value)) return undefined;
    if (childIndent < 0) {
      if (dash) return undefined;
      childIndent = indent;
    }
    if (!dash && keyIndent === childIndent) {
      section = key === 'cubes' ? 'cubes' : key === 'dataset' ? 'dataset' : 'other';
      if (section !== 'other' && value !== undefined) return undefined;
      cube = undefined;
      continue;
    }
    if (keyIndent <= childIndent) return undefined;
    if (section === 'cubes') {
      if (dash) {
        cube = { role: '', ref: '', hashes: {} };
        cubes.push(cube);
        cubeKeyIndent = keyIndent;
        inHashes = false;
      }
      if (!cube) return undefined;
      if (keyIndent === cubeKeyIndent) {
        inHashes = key === 'hashes';
        if (inHashes ? value !== undefined : value === undefined) return undefined;
        if (key === 'role') cube.role = value ?? '';
        else if (key === 'ref') cube.ref = value ?? '';
      } else if (keyIndent > cubeKeyIndent && inHashes && !dash && value !== undefined) {
        cube.hashes[key] = value;
      } else return undefined;
    } else if (section === 'dataset') {
      if (dash || value === undefined) return undefined;
      if (key === 'generatedUid') generatedUid = value;
    } else if (value === undefined) {
      // Nothing else in `execution` nests (schema); leave the unexpected to the full loader.
      return undefined;
    }
  }
  if (!generatedUid || cubes.length === 0 || cubes.some((c) => !c.role || !c.ref)) return undefined;
  return { cubes, generatedUid };
}

/** One cube as the canonical result block lists it (the text gitperf's YAML writer gives). */
export function canonicalCubeText(role: string, ref: string, hashes: Record<string, string>): string {
  let text = `      - role: ${role}\n        ref: ${ref}\n        hashes:\n`;
  for (const [key, value] of Object.entries(hashes)) text += `          ${key}: ${value}\n`;
  return text;
}

export function canonicalDatasetText(generatedUid: string): string {
  return `    dataset:\n      generatedUid: ${generatedUid}\n`;
}

const CUBES = Buffer.from('\n    cubes:\n');
// " ' [ { | > & * ! # and carriage return
const NOT_PLAIN = new Uint8Array(256);
for (const byte of [0x22, 0x27, 0x5b, 0x7b, 0x7c, 0x3e, 0x26, 0x2a, 0x21, 0x23, 0x0d]) NOT_PLAIN[byte] = 1;

/**
 * Whether `bytes` record exactly `cubes` (canonicalCubeText per cube, in run order) and `dataset`
 * (canonicalDatasetText) as `spec.execution.cubes` and `.dataset`, written the way gitperf writes them:
 * `execution` under the top-level `spec`, preceded in it only by plain one-line keys, and nothing nested
 * after the block. False means "not known to be current", never "stale": the caller then scans.
 */
export function isCanonicalCurrent(bytes: Buffer, cubes: readonly Buffer[], dataset: Buffer): boolean {
  const at = bytes.indexOf(EXECUTION);
  if (at < 0) return false;
  const spec = bytes.indexOf(SPEC);
  if (spec < 0 || spec > at || bytes.indexOf(EXECUTION, at + 1) >= 0) return false;
  for (let i = spec + SPEC.length; i <= at; i++)
    if (bytes[i - 1] === NEWLINE && bytes[i] !== SPACE && bytes[i] !== NEWLINE) return false;
  const blockStart = at + EXECUTION.length - 1;
  const start = bytes.indexOf(CUBES, blockStart);
  if (start < 0) return false;
  // Lines before `cubes:` are siblings at indent 4 holding one-line plain values (no quotes or flow
  // collections that could hide a line break).
  for (let i = blockStart; i < start; i++) {
    const byte = bytes[i];
    if (byte === NEWLINE) {
      const four =
        bytes[i + 1] === SPACE && bytes[i + 2] === SPACE && bytes[i + 3] === SPACE && bytes[i + 4] === SPACE;
      if (!four || bytes[i + 5] === SPACE || bytes[i + 5] === NEWLINE) return false;
    } else if (NOT_PLAIN[byte]) return false;
  }
  let pos = start + CUBES.length;
  for (let i = 0; i <= cubes.length; i++) {
    const piece = i < cubes.length ? cubes[i] : dataset;
    if (pos + piece.length > bytes.length || piece.compare(bytes, pos, pos + piece.length) !== 0)
      return false;
    pos += piece.length;
  }
  // The next line (if any) must not continue the block: at most 4 spaces of indentation, then text.
  let spaces = 0;
  while (pos + spaces < bytes.length && bytes[pos + spaces] === SPACE) spaces++;
  return pos + spaces === bytes.length || (spaces <= 4 && bytes[pos + spaces] !== NEWLINE);
}
