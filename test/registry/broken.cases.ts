import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { patch, put } from './fixture.js';

/** One broken registry: how to break the fixture, and the one error it must produce. */
export interface BrokenCase {
  name: string;
  layer: 'input' | 'schema' | 'layout' | 'references' | 'consistency';
  mutate: (dir: string) => void;
  code: string;
  /** Path relative to the registry folder. */
  file: string;
  /** Exact 1-based line (undefined for file-level errors such as a symlink). */
  line: number | undefined;
  column?: number;
  /** Other error codes the same break legitimately causes (default none). */
  also?: string[];
  /** Also run through the CLI as a whole process. */
  cli?: boolean;
}

const ANA = 'users/ana.yaml';
const DATA = 'datasets/hosp/data.yaml';
const CUBE = 'mlcubes/lee/model.yaml';
const BENCH = 'benchmarks/bench/benchmark.yaml';
const MASSOC = 'benchmarks/bench/models/lee.model.yaml';
const DASSOC = 'benchmarks/bench/datasets/hosp.data.yaml';
const RESULT = 'benchmarks/bench/results/hosp/data/lee.model.yaml';

export const CASES: BrokenCase[] = [
  // --- hostile input -------------------------------------------------------------------------
  {
    name: 'YAML syntax error',
    layer: 'input',
    mutate: (d) => patch(d, ANA, '  organization: Org\n', '  organization: [Org\n  displayName: Ana\n'),
    code: 'yaml.syntax',
    file: ANA,
    line: 7,
    cli: true,
  },
  {
    name: 'duplicate key',
    layer: 'input',
    mutate: (d) => patch(d, ANA, '  organization: Org\n', '  organization: Org\n  organization: Other\n'),
    code: 'yaml.duplicate-key',
    file: ANA,
    line: 7,
    column: 3,
    cli: true,
  },
  {
    name: 'anchor',
    layer: 'input',
    mutate: (d) => patch(d, DATA, '  statistics:\n', '  statistics: &stats\n'),
    code: 'yaml.anchor',
    file: DATA,
    line: 12,
  },
  {
    name: 'alias (with its anchor on a scalar)',
    layer: 'input',
    mutate: (d) => patch(d, DATA, '    cases: 10\n', '    cases: &n 10\n    again: *n\n'),
    code: 'yaml.alias',
    file: DATA,
    line: 13,
    also: ['yaml.anchor'],
    cli: true,
  },
  {
    name: 'merge key',
    layer: 'input',
    mutate: (d) => patch(d, DATA, '    cases: 10\n', '    cases: 10\n    <<: {x: 1}\n'),
    code: 'yaml.merge-key',
    file: DATA,
    line: 13,
    column: 5,
  },
  {
    name: 'explicit tag',
    layer: 'input',
    mutate: (d) => patch(d, DATA, '    cases: 10\n', '    cases: !!str 10\n'),
    code: 'yaml.tag',
    file: DATA,
    line: 12,
  },
  {
    name: 'several documents in one file',
    layer: 'input',
    mutate: (d) => patch(d, ANA, '  organization: Org\n', '  organization: Org\n---\nkind: User\n'),
    code: 'yaml.multi-document',
    file: ANA,
    line: 7,
    cli: true,
  },
  {
    name: 'file over 1 MiB',
    layer: 'input',
    mutate: (d) => put(d, ANA, `# ${'x'.repeat(1024 * 1024)}\napiVersion: gitperf/v1\n`),
    code: 'file.too-large',
    file: ANA,
    line: undefined,
    cli: true,
  },
  {
    name: 'non-UTF-8 bytes',
    layer: 'input',
    mutate: (d) =>
      put(
        d,
        ANA,
        Buffer.concat([
          Buffer.from(
            'apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: ana\nspec:\n  organization: Caf',
          ),
          Buffer.from([0xe9]),
          Buffer.from('\n'),
        ]),
      ),
    code: 'file.not-utf8',
    file: ANA,
    line: 6,
    column: 20,
    cli: true,
  },
  {
    name: 'symlink',
    layer: 'input',
    mutate: (d) => symlinkSync(join(d, ANA), join(d, 'users/bob.yaml')),
    code: 'file.symlink',
    file: 'users/bob.yaml',
    line: undefined,
    cli: true,
  },
  {
    name: 'file at a path the layout does not define',
    layer: 'input',
    mutate: (d) => put(d, 'mlcubes/lee/model/extra.yaml', 'a: 1\n'),
    code: 'layout.unknown-path',
    file: 'mlcubes/lee/model/extra.yaml',
    line: undefined,
  },
  {
    name: '.yml instead of .yaml',
    layer: 'input',
    mutate: (d) => put(d, 'users/zed.yml', 'a: 1\n'),
    code: 'layout.unknown-path',
    file: 'users/zed.yml',
    line: undefined,
  },
  {
    name: 'not a mapping',
    layer: 'input',
    mutate: (d) => put(d, 'users/zed.yaml', '# a list\n- a\n- b\n'),
    code: 'yaml.not-a-mapping',
    file: 'users/zed.yaml',
    line: 2,
  },
  {
    name: 'absurd nesting',
    layer: 'input',
    mutate: (d) => patch(d, DATA, '    cases: 10\n', `    cases: ${'['.repeat(40)}1${']'.repeat(40)}\n`),
    code: 'yaml.too-deep',
    file: DATA,
    line: 12,
  },
  {
    name: 'non-scalar key',
    layer: 'input',
    mutate: (d) => patch(d, DATA, '    cases: 10\n', '    cases: 10\n    ? [a, b]\n    : 1\n'),
    code: 'yaml.complex-key',
    file: DATA,
    line: 13,
  },
  {
    name: 'infinite metric',
    layer: 'input',
    mutate: (d) => patch(d, RESULT, '    auc: 0.9\n', '    auc: .inf\n'),
    code: 'schema.infinite-number',
    file: RESULT,
    line: 11,
    column: 10,
  },
  // --- schema ------------------------------------------------------------------------------------
  {
    name: 'missing required property',
    layer: 'schema',
    mutate: (d) => patch(d, CUBE, '  state: operation\n', ''),
    code: 'schema.required',
    file: CUBE,
    line: 6,
    column: 1,
    cli: true,
  },
  {
    name: 'misspelt property',
    layer: 'schema',
    mutate: (d) => patch(d, CUBE, '  valid: true\n', '  valdi: true\n'),
    code: 'schema.additional-property',
    file: CUBE,
    line: 14,
    column: 3,
    also: ['schema.required'],
    cli: true,
  },
  {
    name: 'value outside an enum',
    layer: 'schema',
    mutate: (d) => patch(d, CUBE, '  state: operation\n', '  state: operational\n'),
    code: 'schema.enum',
    file: CUBE,
    line: 13,
    column: 10,
  },
  {
    name: 'malformed sha256',
    layer: 'schema',
    mutate: (d) => patch(d, CUBE, `    sha256: sha256:${'c'.repeat(64)}\n`, '    sha256: abc\n'),
    code: 'schema.pattern',
    file: CUBE,
    line: 9,
    column: 13,
  },
  {
    name: 'wrong type (YAML 1.2 "yes" is a string)',
    layer: 'schema',
    mutate: (d) => patch(d, CUBE, '  valid: true\n', '  valid: yes\n'),
    code: 'schema.type',
    file: CUBE,
    line: 14,
    column: 10,
  },
  {
    name: 'both image and imageTarball',
    layer: 'schema',
    mutate: (d) =>
      patch(
        d,
        CUBE,
        '  state: operation\n',
        `  imageTarball:\n    url: x.tar\n    sha256: sha256:${'f'.repeat(64)}\n  state: operation\n`,
      ),
    code: 'schema.one-of',
    file: CUBE,
    line: 6,
  },
  {
    name: 'wrong apiVersion',
    layer: 'schema',
    mutate: (d) => patch(d, ANA, 'apiVersion: gitperf/v1\n', 'apiVersion: gitperf/v2\n'),
    code: 'schema.const',
    file: ANA,
    line: 1,
    column: 13,
  },
  {
    name: 'bad metric name',
    layer: 'schema',
    mutate: (d) => patch(d, RESULT, '    auc: 0.9\n', '    1auc: 0.9\n'),
    code: 'schema.property-name',
    file: RESULT,
    line: 11,
    column: 5,
  },
  {
    name: 'duplicate committee member',
    layer: 'schema',
    mutate: (d) => patch(d, BENCH, '    - ana\n', '    - ana\n    - ana\n'),
    code: 'schema.unique-items',
    file: BENCH,
    line: 8,
    column: 5,
  },
  {
    name: 'both metrics and encrypted in a result',
    layer: 'schema',
    mutate: (d) =>
      patch(
        d,
        RESULT,
        '  partial: false\n',
        `  encrypted:\n    scheme: age\n    recipients: [ana]\n    ciphertext: "-----BEGIN AGE ENCRYPTED FILE-----\\nabc\\n"\n    measurementsSha256: ${'a'.repeat(64)}\n  partial: false\n`,
      ),
    code: 'schema.one-of',
    file: RESULT,
    line: 6,
  },
  {
    // Bounded outputs: a metrics cube cannot carry data out through any number of metrics.
    name: 'more than 64 metrics in a result',
    layer: 'schema',
    mutate: (d) =>
      patch(
        d,
        RESULT,
        '    accuracy: .nan\n',
        `    accuracy: .nan\n${Array.from({ length: 63 }, (_, index) => `    extra${index}: 0.5\n`).join('')}`,
      ),
    code: 'schema.max-properties',
    file: RESULT,
    line: 11,
  },
  {
    // Dataset statistics describe the data; a nested table could carry it.
    name: 'dataset statistics nested deeper than one map',
    layer: 'schema',
    mutate: (d) =>
      patch(d, DATA, '    cases: 10\n', '    cases: 10\n    histogram:\n      bins:\n        low: 1\n'),
    code: 'schema.type',
    file: DATA,
    line: 15,
  },
  {
    name: 'a long text in dataset statistics',
    layer: 'schema',
    mutate: (d) => patch(d, DATA, '    cases: 10\n', `    cases: 10\n    note: ${'x'.repeat(300)}\n`),
    code: 'schema.max-length',
    file: DATA,
    line: 13,
  },
  // --- layout ------------------------------------------------------------------------------------
  {
    name: 'kind does not match the folder',
    layer: 'layout',
    mutate: (d) => patch(d, 'users/lee.yaml', 'kind: User\n', 'kind: MLCube\n'),
    code: 'layout.kind-mismatch',
    file: 'users/lee.yaml',
    line: 2,
    column: 7,
    cli: true,
  },
  {
    name: 'metadata.name differs from the file name',
    layer: 'layout',
    mutate: (d) => patch(d, 'users/lee.yaml', '  name: lee\n', '  name: leo\n'),
    code: 'layout.name-mismatch',
    file: 'users/lee.yaml',
    line: 4,
    column: 9,
    cli: true,
  },
  {
    name: 'metadata.owner differs from the owner folder',
    layer: 'layout',
    mutate: (d) => patch(d, CUBE, '  owner: lee\n', '  owner: ana\n'),
    code: 'layout.owner-mismatch',
    file: CUBE,
    line: 5,
    column: 10,
  },
  {
    name: 'association names another benchmark than its folder',
    layer: 'layout',
    mutate: (d) => patch(d, MASSOC, '  benchmark: bench\n', '  benchmark: other\n'),
    code: 'layout.benchmark-mismatch',
    file: MASSOC,
    line: 6,
    also: ['ref.unresolved'],
  },
  {
    name: 'result file name and model ref disagree',
    layer: 'layout',
    mutate: (d) => patch(d, RESULT, '  model: lee/model\n', '  model: ana/ref\n'),
    code: 'layout.ref-mismatch',
    file: RESULT,
    line: 8,
    column: 10,
    // the cube list still names the model that ran
    also: ['result.cube-mismatch'],
  },
  {
    name: 'result folder and dataset ref disagree',
    layer: 'layout',
    mutate: (d) => patch(d, RESULT, '  dataset: hosp/data\n', '  dataset: hosp/other\n'),
    code: 'layout.ref-mismatch',
    file: RESULT,
    line: 9,
    also: ['ref.unresolved', 'ref.runner-not-serving'],
  },
  {
    name: 'names equal ignoring case',
    layer: 'layout',
    mutate: (d) =>
      put(d, 'users/ANA.yaml', 'apiVersion: gitperf/v1\nkind: User\nmetadata:\n  name: ana\nspec: {}\n'),
    code: 'layout.duplicate-name',
    file: 'users/ANA.yaml',
    line: 4,
    column: 9,
    also: ['layout.upper-case'],
    cli: true,
  },
  {
    name: 'no registry.yaml',
    layer: 'layout',
    mutate: (d) => rmSync(join(d, 'registry.yaml')),
    code: 'layout.registry-missing',
    file: 'registry.yaml',
    line: undefined,
  },
  // --- references ----------------------------------------------------------------------------
  {
    name: 'benchmark preparator does not exist',
    layer: 'references',
    mutate: (d) => patch(d, BENCH, '  preparator: ana/prep\n', '  preparator: ana/nope\n'),
    code: 'ref.unresolved',
    file: BENCH,
    line: 9,
    column: 15,
    // the results record the preparator that ran, which is no longer the benchmark's
    also: ['ref.preparator-mismatch', 'result.cube-mismatch', 'result.cube-mismatch'],
    cli: true,
  },
  {
    name: 'dataset preparator is a dataset, not an MLCube',
    layer: 'references',
    mutate: (d) => patch(d, DATA, '  preparator: ana/prep\n', '  preparator: hosp/data\n'),
    code: 'ref.wrong-kind',
    file: DATA,
    line: 7,
    column: 15,
    also: ['ref.preparator-mismatch'],
  },
  {
    name: 'committee member is not a user',
    layer: 'references',
    mutate: (d) => patch(d, BENCH, '    - ana\n', '    - ana\n    - zed\n'),
    code: 'ref.unknown-user',
    file: BENCH,
    line: 9,
    column: 7,
    cli: true,
  },
  {
    name: 'owner folder of an MLCube is not a user',
    layer: 'references',
    mutate: (d) => rmSync(join(d, 'users/lee.yaml')),
    code: 'ref.unknown-user',
    file: CUBE,
    line: 5,
  },
  {
    name: 'result without a model association',
    layer: 'references',
    mutate: (d) => rmSync(join(d, MASSOC)),
    code: 'ref.not-associated',
    file: RESULT,
    line: 8,
    column: 10,
    cli: true,
  },
  {
    name: 'result without a dataset association',
    layer: 'references',
    mutate: (d) => rmSync(join(d, DASSOC)),
    code: 'ref.not-associated',
    file: RESULT,
    line: 9,
    also: ['ref.not-associated'],
  },
  {
    name: 'runner serves another owner’s dataset',
    layer: 'references',
    mutate: (d) =>
      put(
        d,
        'runners/lee/r.yaml',
        'apiVersion: gitperf/v1\nkind: Runner\nmetadata:\n  name: r\n  owner: lee\nspec:\n  labels: []\n  datasets:\n    - hosp/data\n',
      ),
    code: 'ref.runner-foreign-dataset',
    file: 'runners/lee/r.yaml',
    line: 9,
    column: 7,
    cli: true,
  },
  {
    name: 'result names a runner that does not serve its dataset',
    layer: 'references',
    mutate: (d) => patch(d, 'runners/hosp/runner.yaml', '  datasets:\n    - hosp/data\n', '  datasets: []\n'),
    code: 'ref.runner-not-serving',
    file: RESULT,
    line: 16,
    column: 16,
    also: ['ref.runner-not-serving'],
  },
  {
    name: 'dataset prepared with another preparator than the benchmark’s',
    layer: 'references',
    mutate: (d) => patch(d, DATA, '  preparator: ana/prep\n', '  preparator: ana/metrics\n'),
    code: 'ref.preparator-mismatch',
    file: DASSOC,
    line: 8,
    column: 12,
  },
  {
    name: 'compatibility-test cube does not exist',
    layer: 'references',
    mutate: (d) => patch(d, MASSOC, '        ref: lee/model\n', '        ref: lee/gone\n'),
    code: 'ref.unresolved',
    file: MASSOC,
    line: 22,
    column: 14,
  },
  // --- consistency (rules within one file that a schema cannot state) --------------------------
  {
    name: "participants' view less detailed than the public one",
    layer: 'consistency',
    mutate: (d) =>
      patch(d, BENCH, '    sharing: per-model\n', '    sharing: per-model\n    participants: aggregate\n'),
    code: 'policy.participants-less-detailed',
    file: BENCH,
    line: 46,
    column: 19,
    cli: true,
  },
  {
    // The schema checks the shape; only the bech32 checksum tells a mistyped recipient.
    name: 'an age recipient whose checksum does not match',
    layer: 'consistency',
    mutate: (d) =>
      patch(
        d,
        ANA,
        '  organization: Org\n',
        '  organization: Org\n  ageRecipients:\n    - age1nnvymhseddxsjlll5tlur99xwh7ftvjdet8fj8eks024k99vgfrq7yghcq\n',
      ),
    code: 'user.age-recipient-invalid',
    file: ANA,
    line: 8,
    column: 7,
  },
  {
    name: 'confusion counts that do not add up to the cases',
    layer: 'consistency',
    mutate: (d) =>
      patch(
        d,
        RESULT,
        '  partial: false\n',
        '  sufficientStatistics:\n    cases: 10\n    operatingPoint:\n      threshold: 0.5\n      tp: 1\n      fp: 1\n      tn: 1\n      fn: 1\n  partial: false\n',
      ),
    code: 'result.counts-mismatch',
    file: RESULT,
    line: 15,
    column: 5,
  },
  {
    name: 'a fractional count',
    layer: 'schema',
    mutate: (d) =>
      patch(
        d,
        RESULT,
        '  partial: false\n',
        '  sufficientStatistics:\n    cases: 4\n    operatingPoint:\n      threshold: 0.5\n      tp: 1.5\n      fp: 1\n      tn: 1\n      fn: 0.5\n  partial: false\n',
      ),
    code: 'schema.type',
    file: RESULT,
    line: 17,
    column: 11,
    also: ['schema.type'],
  },
];
