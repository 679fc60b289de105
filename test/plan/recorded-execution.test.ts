import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  canonicalCubeText,
  canonicalDatasetText,
  isCanonicalCurrent,
  recordedFromEntity,
  scanRecordedExecution,
} from '../../cli/src/plan/recorded-execution.js';
import type { Result } from '../../cli/src/registry/types.generated.js';
import { repoRoot } from '../helpers/cli.js';

async function exampleResults(): Promise<{ path: string; text: string }[]> {
  const dir = join(repoRoot, 'registry/benchmarks');
  const out: { path: string; text: string }[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile() && e.parentPath.includes('/results/')) {
      const path = join(e.parentPath, e.name);
      out.push({ path, text: await readFile(path, 'utf8') });
    }
  return out;
}

const blocks = (r: Result) => ({
  cubes: r.spec.execution.cubes.map((c) => Buffer.from(canonicalCubeText(c.role, c.ref, { ...c.hashes }))),
  dataset: Buffer.from(canonicalDatasetText(r.spec.execution.dataset.generatedUid)),
});

describe('reading what a result records', () => {
  it('on every example result the scanner reads what the YAML parser reads, and the canonical block matches', async () => {
    const results = await exampleResults();
    expect(results.length).toBeGreaterThan(3);
    for (const { path, text } of results) {
      const entity = parse(text) as Result;
      expect(scanRecordedExecution(text), path).toEqual(recordedFromEntity(entity));
      const { cubes, dataset } = blocks(entity);
      expect(isCanonicalCurrent(Buffer.from(text), cubes, dataset), path).toBe(true);
      // Any other hash, and it is not current.
      const other = Buffer.from(canonicalDatasetText(`sha256:${'0'.repeat(64)}`));
      expect(isCanonicalCurrent(Buffer.from(text), cubes, other)).toBe(false);
    }
  });

  it('gives up (leaving it to the full loader) on layouts it does not know, never misreads them', async () => {
    const [{ text }] = await exampleResults();
    const entity = parse(text) as Result;
    const { cubes, dataset } = blocks(entity);
    const variants = [
      text.replace('    cubes:\n', '    cubes: # commented\n'),
      text.replace(/generatedUid: (sha256:\w+)/, 'generatedUid: "$1"'),
      text.replace('  execution:\n', '  execution:\n    note: "a\n    cubes:\n    "\n'),
      text.replace('\nspec:\n', '\nspec:\n  execution: {}\nother:\n'),
    ];
    for (const v of variants) {
      expect(isCanonicalCurrent(Buffer.from(v), cubes, dataset), v).toBe(false);
      const scanned = scanRecordedExecution(v);
      // Either not read at all, or read exactly as the YAML parser reads it.
      if (scanned) expect(scanned).toEqual(recordedFromEntity(parse(v) as Result));
    }
  });
});
