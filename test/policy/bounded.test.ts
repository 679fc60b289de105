/**
 * Bounded policy work: one hostile file in a submission (a 2.9 MB file, 100,000 keys under 1 MiB) used to stall
 * the policy check for minutes (the full YAML parser ran on every changed file, before any limit, and its
 * duplicate-key check is quadratic). Each is now refused before it is parsed, with a violation naming the file
 * and what to do. Real git repositories, evaluated as CI does; the time it takes is a bench figure
 * (scripts/bench/bounded-policy.bench.mjs), not asserted here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../cli/src/policy/index.js';
import { MAX_FILE_BYTES, MAX_FILE_ENTRIES } from '../../cli/src/registry/yaml-file.js';
import { cube, P, render } from './helpers/registry.js';
import { buildRepo, cleanupTemplates, type ScenarioSpec } from './helpers/scenario.js';

afterAll(() => cleanupTemplates());

/** A cube file grown past 1 MiB: a 2.9 MB description-like tail of ordinary keys. */
function bigCube(): string {
  const head = render(cube('lee', 'big', 'development'));
  const lines: string[] = [];
  let size = head.length;
  for (let index = 0; size < 2_900_000; index++) {
    const line = `x-filler-${index}: ${'v'.repeat(40)}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${head}${lines.join('\n')}\n`;
}

/** 100,000 keys in one mapping, under 1 MiB (short keys, null values). */
function manyKeysCube(): string {
  const head = render(cube('lee', 'keys', 'development'));
  const keys = Array.from({ length: 100_000 }, (_, index) => `k${index.toString(36)}:`);
  return `${head}${keys.join('\n')}\n`;
}

async function evaluate(spec: Omit<ScenarioSpec, 'author'>, author = 'lee') {
  const built = await buildRepo(spec);
  try {
    return await evaluatePolicy({
      repoDir: built.dir,
      baseRef: built.baseSha,
      headRef: built.headSha,
      author,
      reviews: [],
    });
  } finally {
    built.cleanup();
  }
}

describe('the policy check of one submission is bounded', () => {
  it('refuses a 2.9 MB entity file before parsing it, naming the file and what to do', async () => {
    const text = bigCube();
    expect(text.length).toBeGreaterThan(2_800_000);
    const path = P.cube('lee/big');
    const decision = await evaluate({ head: (files) => files.set(path, text) });
    expect(decision.status).toBe('fail');
    // One violation for the file: nothing of it was parsed (no schema or rule findings on its content).
    expect(decision.violations.map((violation) => [violation.code, violation.file])).toEqual([
      ['file.too-large', path],
    ]);
    expect(decision.violations[0].message).toContain(`${MAX_FILE_BYTES}-byte (1 MiB) limit`);
    expect(decision.violations[0].message).toMatch(/keep large data out of the registry/);
  });

  it('refuses 100,000 keys under 1 MiB before parsing them', async () => {
    const text = manyKeysCube();
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_FILE_BYTES);
    const path = P.cube('lee/keys');
    const decision = await evaluate({ head: (files) => files.set(path, text) });
    expect(decision.status).toBe('fail');
    expect(decision.violations.map((violation) => [violation.code, violation.file])).toEqual([
      ['file.too-many-entries', path],
    ]);
    expect(decision.violations[0].message).toContain(`more than the ${MAX_FILE_ENTRIES}`);
    expect(decision.violations[0].message).toMatch(/remove what the schema does not ask for/);
  });

  it('refuses both in one submission, and still decides the rest of it', async () => {
    const decision = await evaluate({
      head: (files) =>
        files
          .set(P.cube('lee/big'), bigCube())
          .set(P.cube('lee/keys'), manyKeysCube())
          .set(P.cube('lee/fine'), cube('lee', 'fine', 'development')),
    });
    expect(decision.status).toBe('fail');
    expect(decision.violations.map((violation) => [violation.code, violation.file])).toEqual([
      ['file.too-large', P.cube('lee/big')],
      ['file.too-many-entries', P.cube('lee/keys')],
    ]);
    expect(decision.changes.map((change) => change.path)).toContain(P.cube('lee/fine'));
  });

  it('classifies a large file outside the registry layout by its path alone (an admin decides)', async () => {
    const decision = await evaluate({ head: (files) => files.set('data/big.yaml', bigCube()) });
    expect(decision.violations).toEqual([]);
    expect(decision.status).toBe('pending');
    expect(decision.required.map((requirement) => requirement.who)).toEqual([['ada']]);
  });

  it('finds a duplicate key among thousands in one pass (the parser’s own check is quadratic)', async () => {
    const head = render(cube('lee', 'dup', 'development'));
    const keys = Array.from({ length: MAX_FILE_ENTRIES / 2 }, (_, index) => `k${index}: 1`);
    const path = P.cube('lee/dup');
    const decision = await evaluate({
      head: (files) => files.set(path, `${head}${keys.join('\n')}\nk0: 2\n`),
    });
    expect(decision.status).toBe('fail');
    expect(decision.violations.map((violation) => [violation.code, violation.file])).toEqual([
      ['yaml.duplicate-key', path],
    ]);
  });
});
