import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../cli/src/policy/index.js';
import { bodyFor, describePath, titleFor } from '../../../cli/src/submission/describe.js';

describe('describing submissions', () => {
  it('names every kind of registry file from its path', () => {
    expect(
      [
        'registry/registry.yaml',
        'registry/users/ana.yaml',
        'registry/mlcubes/ana/bc-prep.yaml',
        'registry/datasets/hospital-a/wdbc-a.yaml',
        'registry/runners/hospital-a/runner-a.yaml',
        'registry/benchmarks/bc-diagnosis/benchmark.yaml',
        'registry/benchmarks/bc-diagnosis/models/lee.bc-centroid.yaml',
        'registry/benchmarks/bc-diagnosis/datasets/hospital-a.wdbc-a.yaml',
        'registry/benchmarks/bc-diagnosis/results/hospital-a/wdbc-a/lee.bc-centroid.yaml',
        '.github/workflows/x.yml',
      ].map(describePath),
    ).toEqual([
      'the registry settings',
      'user ana',
      'MLCube ana/bc-prep',
      'dataset hospital-a/wdbc-a',
      'runner hospital-a/runner-a',
      'benchmark bc-diagnosis',
      'association of model lee/bc-centroid with bc-diagnosis',
      'association of dataset hospital-a/wdbc-a with bc-diagnosis',
      'result of lee/bc-centroid on hospital-a/wdbc-a (bc-diagnosis)',
      '.github/workflows/x.yml',
    ]);
  });

  it('titles say the first change and how many more', () => {
    expect(titleFor([{ path: 'registry/mlcubes/ana/bc-prep.yaml', action: 'added' }])).toBe(
      'Add MLCube ana/bc-prep',
    );
    expect(
      titleFor([
        { path: 'registry/runners/hospital-a/runner-a.yaml', action: 'deleted' },
        { path: 'registry/users/ana.yaml', action: 'modified' },
      ]),
    ).toBe('Remove runner hospital-a/runner-a and 1 more file(s)');
  });

  it('the body lists the files, the approvals needed and any rule it breaks', () => {
    const d = {
      status: 'fail',
      required: [
        { code: 'approval.committee', who: ['ana', 'raj'], why: 'a committee member approves', file: 'f' },
      ],
      violations: [
        { code: 'policy.not-owner', message: 'only kim may', severity: 'error', file: 'f', line: 3 },
      ],
    } as unknown as Decision;
    const body = bodyFor('lee', [{ path: 'registry/users/kim.yaml', action: 'added' }], d, 'compat: auc 0.9');
    expect(body).toBe(
      [
        'Submitted by @lee with gitperf.',
        '',
        'compat: auc 0.9',
        '',
        '### What this submits',
        '',
        '- added `registry/users/kim.yaml`: user kim',
        '',
        '### Approvals it needs',
        '',
        'It breaks registry rules and cannot merge as it is:',
        '',
        '- `policy.not-owner` f:3: only kim may',
        '',
        '- @ana or @raj (`approval.committee`, `f`): a committee member approves',
        '',
      ].join('\n'),
    );
  });
});
