/**
 * One source of truth for the example: this repository's `registry/` is exactly what `gitperf demo`
 * leaves behind on the default branch of its registry, with one normalisation of the only volatile fields:
 * every timestamp (`ranAt`, `startedAt`, `finishedAt`) is set to EXAMPLE_CLOCK, and the keys made on the
 * demo's machine (and the signatures they made) are left out (MACHINE_KEY_FIELDS). Hashes, compatibility-test
 * records, metrics and results are the real ones the demo produced; the demo's results are encrypted (its
 * benchmark shares per-model), and the example carries them decrypted with the committee's identity (a
 * ciphertext and its nonce differ on every run, and the example's readers have no identity). Used by
 * scripts/regenerate-example-registry.mjs and by the CI check in test/e2e.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { extractArchive } from '../git/git.js';
import { replaceDir, stagingDir } from '../infra/atomic-write.js';
import { openSealedMeasurements } from '../registry/result-encryption.js';
import type { Result } from '../registry/types.generated.js';
import { toYaml } from '../workflows/atomic.js';

/** The fixed clock of the committed example. */
export const EXAMPLE_CLOCK = '2026-01-01T00:00:00Z';

/** Top-level keys whose values change from run to run; they are normalised. */
export const VOLATILE_FIELDS = ['ranAt', 'startedAt', 'finishedAt'] as const;

const VOLATILE_RE = new RegExp(`^(\\s*(?:- )?(?:${VOLATILE_FIELDS.join('|')}): ).*$`, 'gm');

/**
 * Spec fields made from keys generated on the machine that ran the demo: the members' and runners' public
 * keys and the results' signatures. They differ on every run, and a signature would no longer verify once
 * the timestamps it covers are normalised, so the example carries none of them (its results are unsigned,
 * which the registry allows and shows as such).
 */
export const MACHINE_KEY_FIELDS = ['signature', 'publicKey', 'keys', 'sshKeys', 'ageRecipients'] as const;

const MACHINE_KEY_RE = new RegExp(`^  (?:${MACHINE_KEY_FIELDS.join('|')}):.*\n(?:(?:   |  - ).*\n)*`, 'gm');

/** The file with every volatile timestamp set to EXAMPLE_CLOCK and the machine's keys and signatures left out. */
export function normaliseText(text: string): string {
  return text.replace(MACHINE_KEY_RE, '').replace(VOLATILE_RE, `$1${EXAMPLE_CLOCK}`);
}

/**
 * Extracts `registry/` of `ref` from a repository into `out` (created; must not exist) and normalises it;
 * encrypted results are written decrypted with `identities` (the committee's).
 */
export async function exportRegistry(
  repo: string,
  out: string,
  ref = 'main',
  identities: readonly string[] = [],
): Promise<string[]> {
  await mkdir(out, { recursive: true });
  await extractArchive(ref, out, { cwd: repo, paths: ['registry'], strip: 1 });
  const files = await listFiles(out);
  for (const file of files) {
    const filePath = join(out, file);
    const text = await readFile(filePath, 'utf8');
    const plain = text.includes('\n  encrypted:\n') ? await decryptedText(text, identities, file) : text;
    await writeFile(filePath, normaliseText(plain));
  }
  return files;
}

/** An encrypted Result file as the plain one it was: metrics and sufficient statistics after `dataset`. */
async function decryptedText(text: string, identities: readonly string[], file: string): Promise<string> {
  const result = parse(text) as Result;
  const sealed = result.spec.encrypted;
  if (!sealed) return text;
  const measurements = await openSealedMeasurements(sealed, identities, file);
  if (!measurements) throw new Error(`${file}: the identities given cannot decrypt it`);
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result.spec)) {
    if (key === 'encrypted') continue;
    spec[key] = value;
    if (key !== 'dataset') continue;
    spec.metrics = measurements.metrics;
    if (measurements.sufficientStatistics !== undefined)
      spec.sufficientStatistics = schemaOrder(measurements.sufficientStatistics);
  }
  return toYaml({ ...result, spec });
}

/** The schema's member order of sufficient statistics (the decrypted JSON is in JCS order: sorted). */
const STATISTICS_ORDER = ['cases', 'operatingPoint', 'thresholdGrid', 'threshold', 'tp', 'fp', 'tn', 'fn'];

function schemaOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(schemaOrder);
  if (typeof value !== 'object' || value === null) return value;
  const rank = (key: string) => {
    const at = STATISTICS_ORDER.indexOf(key);
    return at === -1 ? STATISTICS_ORDER.length : at;
  };
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([key, inner]) => [key, schemaOrder(inner)]),
  );
}

/** Every file under `dir`, relative, '/'-separated, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const entryPath = join(folder, entry.name);
      if (entry.isDirectory()) await walk(entryPath);
      else out.push(relative(dir, entryPath).split('\\').join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

export interface RegistryDifference {
  onlyIn: { expected: string[]; actual: string[] };
  differing: string[];
}

/** Compares two registry folders file by file (after normalising both). */
export async function compareRegistries(expected: string, actual: string): Promise<RegistryDifference> {
  const [expectedFiles, actualFiles] = await Promise.all([listFiles(expected), listFiles(actual)]);
  const inB = new Set(actualFiles);
  const inA = new Set(expectedFiles);
  const differing: string[] = [];
  for (const file of expectedFiles.filter((x) => inB.has(x))) {
    const [expectedText, actualText] = await Promise.all([
      readFile(join(expected, file), 'utf8'),
      readFile(join(actual, file), 'utf8'),
    ]);
    if (normaliseText(expectedText) !== normaliseText(actualText)) differing.push(file);
  }
  return {
    onlyIn: {
      expected: expectedFiles.filter((x) => !inB.has(x)),
      actual: actualFiles.filter((x) => !inA.has(x)),
    },
    differing,
  };
}

/** Replaces `target` (a registry folder) with `source`'s files, leaving nothing half-copied on failure. */
export async function replaceRegistry(source: string, target: string): Promise<void> {
  const staged = await stagingDir(dirname(target), `${basename(target)}.new`);
  try {
    for (const file of await listFiles(source)) {
      await mkdir(dirname(join(staged, file)), { recursive: true });
      await writeFile(join(staged, file), await readFile(join(source, file)));
    }
    await replaceDir(staged, target);
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}
