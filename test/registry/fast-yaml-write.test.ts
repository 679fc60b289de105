import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fastStringify } from '../../cli/src/registry/fast-yaml.js';
import { repoRoot } from '../helpers/cli.js';

/** What `toYaml` writes whenever the fast path declines. */
const reference = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const entry = join(dir, name);
    return statSync(entry).isDirectory() ? walk(entry) : entry.endsWith('.yaml') ? [entry] : [];
  });
}

/** Strings close to every rule that makes `yaml` quote: indicators, look-alike numbers, `: `, ` #`, spaces. */
const trickyString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'a ',
    ' a',
    'a: b',
    'a:',
    'a:b',
    'a #b',
    'a#b',
    '-a',
    '- a',
    '...',
    '...a',
    '---',
    '.5',
    '.nan',
    '.inf',
    '1e3',
    '0x1F',
    '0o7',
    '007',
    'true',
    'True',
    'yes',
    'null',
    '~',
    'sha256:00ff',
    'file:///tmp/a b',
    '2026-11-20T10:00:00Z',
    "it's",
    '@x',
    '(a)',
    'a=b',
    '__proto__',
    'line\nbreak',
    'tab\there',
    'Hôpital',
  ),
  fc.string({ unit: fc.constantFrom(...'ab0.-_: #\'"@/=~()[]{},!&*|>%`?'), maxLength: 8 }),
);

const scalarValue = fc.oneof(
  trickyString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 0.1, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    scalarValue,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('tree'), { maxKeys: 4 }),
  ),
}));

describe('fast YAML writing', () => {
  it('writes every example registry entity exactly as yaml does', () => {
    const files = walk(join(repoRoot, 'registry'));
    expect(files.length).toBeGreaterThan(20);
    let fast = 0;
    for (const file of files) {
      const value = parse(readFileSync(file, 'utf8'));
      const written = fastStringify(value);
      if (written === undefined) continue;
      fast++;
      expect(written, file).toBe(reference(value));
    }
    // Signed and encrypted results (literal blocks) are left to yaml; the plain entities are not.
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  it('writes a result with a threshold grid exactly as yaml does (a shared object twice, never as an alias)', () => {
    const grid = Array.from({ length: 101 }, (_, step) => ({
      threshold: step / 100,
      tp: step,
      fp: 100 - step,
      tn: 3,
      fn: 0,
    }));
    const value = {
      apiVersion: 'gitperf/v1',
      kind: 'Result',
      metadata: { name: 'lee.bc-centroid', owner: 'hospital-a', labels: {} },
      spec: {
        metrics: { auc: 0.912, accuracy: Number.NaN, 'f1.macro': 1 },
        sufficientStatistics: { cases: 114, operatingPoint: grid[50], thresholdGrid: grid },
        partial: false,
        notes: undefined,
      },
    };
    const written = fastStringify(value);
    expect(written).toBeDefined();
    expect(written).toBe(reference(value));
  });

  it('either declines or agrees with yaml on random plain data', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.dictionary(trickyString, tree, { maxKeys: 6 }), (value) => {
        const written = fastStringify(value);
        if (written === undefined) return;
        taken++;
        expect(written).toBe(reference(value));
      }),
      { numRuns: 3000, seed: 20261202 },
    );
    // The comparison means something only if the fast path takes a good share of the cases.
    expect(taken).toBeGreaterThan(300);
  });

  it('declines what is not a plain mapping', () => {
    expect(fastStringify([1])).toBeUndefined();
    expect(fastStringify('a')).toBeUndefined();
    expect(fastStringify(new Map([['a', 1]]))).toBeUndefined();
    expect(fastStringify({ when: new Date(0) })).toBeUndefined();
    expect(fastStringify({ a: [[1]] })).toBeUndefined();
  });
});
