// The committed example data, model parameters and tarballs are exactly what the committed scripts produce.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cubeFolders, cubesDir, examplesDir, python, readTree } from './cube-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'gitperf-examples-regen-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('examples/tools/regenerate.py', () => {
  let fresh: Map<string, Buffer>;
  beforeAll(async () => {
    mkdirSync(join(work, 'data'));
    copyFileSync(join(examplesDir, 'data', 'breast_cancer.csv'), join(work, 'data', 'breast_cancer.csv'));
    await execa(python, [join(examplesDir, 'tools', 'regenerate.py'), '--examples', work], {
      env: { PYTHONDONTWRITEBYTECODE: '1' },
    });
    fresh = readTree(work);
  });

  it('writes every derived file, the tarballs included', () => {
    expect([...fresh.keys()].sort()).toEqual(
      [
        'cubes/centroid/workspace/parameters.yaml',
        'cubes/logreg/additional_files.tar.gz',
        'cubes/logreg/workspace/additional_files/weights.csv',
        'cubes/prep/workspace/parameters.yaml',
        'cubes/stump/workspace/parameters.yaml',
        'data/breast_cancer.csv',
        'data/demo/demo.tar.gz',
        ...['a', 'b', 'c'].flatMap((s) => [
          `data/sites/${s}/data/records.csv`,
          `data/sites/${s}/labels/labels.csv`,
        ]),
        'data/train/data/records.csv',
        'data/train/labels/labels.csv',
      ].sort(),
    );
  });

  it('reproduces the committed bytes of every derived file', () => {
    for (const [rel, bytes] of fresh) {
      expect(bytes.equals(readFileSync(join(examplesDir, rel))), rel).toBe(true);
    }
  });

  it('writes deterministic gzip streams (no name, no timestamp in the header)', () => {
    for (const rel of ['data/demo/demo.tar.gz', 'cubes/logreg/additional_files.tar.gz']) {
      const gz = fresh.get(rel) as Buffer;
      expect(gz.subarray(0, 2).toString('hex')).toBe('1f8b');
      expect(gz[3] & 0x08, `${rel} FNAME flag`).toBe(0);
      expect(gz.readUInt32LE(4), `${rel} MTIME`).toBe(0);
    }
  });
});

describe('cube self-containment', () => {
  it('ships an identical copy of the YAML helper in every cube', () => {
    const canonical = readFileSync(join(examplesDir, 'tools', 'simple_yaml.py'));
    for (const c of cubeFolders) {
      expect(readFileSync(join(cubesDir, c, 'project', 'simple_yaml.py')).equals(canonical), c).toBe(true);
    }
  });

  it('reads every committed YAML file of the cubes exactly as a full YAML parser does', async () => {
    const files = cubeFolders.flatMap((c) => [
      join(cubesDir, c, 'mlcube.yaml'),
      join(cubesDir, c, 'workspace', 'parameters.yaml'),
    ]);
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(examplesDir, 'tools'))})`,
      'import simple_yaml',
      'print(json.dumps([simple_yaml.load(p) for p in sys.argv[1:]]))',
    ].join('\n');
    const r = await execa(python, ['-c', script, ...files], { env: { PYTHONDONTWRITEBYTECODE: '1' } });
    const ours = JSON.parse(String(r.stdout));
    files.forEach((f, i) => {
      expect(ours[i], f).toEqual(parse(readFileSync(f, 'utf8')));
    });
  });

  it('keeps the committed source data unchanged (scikit-learn copy of WDBC)', async () => {
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256')
      .update(readFileSync(join(examplesDir, 'data', 'breast_cancer.csv')))
      .digest('hex');
    expect(sha).toBe('fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed');
  });
});
