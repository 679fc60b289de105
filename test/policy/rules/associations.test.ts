import { describe, expect, it } from 'vitest';
import { benchmark, cube, datasetAssoc, modelAssoc, P } from '../helpers/registry.js';
import { decideOver, requirements, violationCodes } from './decide-over.js';

const B = 'bc-diagnosis';
const stump = (f: Parameters<Parameters<typeof decideOver>[0]['head']>[0]) =>
  f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump'));

describe('associations', () => {
  it('the model owner requests, the committee approves', () => {
    expect(requirements(decideOver({ author: 'kim', head: stump }))).toEqual([
      ['approval.committee', ['ana', 'raj']],
    ]);
  });

  it('the committee requests, the model owner approves', () => {
    expect(requirements(decideOver({ author: 'raj', head: stump }))).toEqual([
      ['approval.model-owner', ['kim']],
    ]);
  });

  it('auto-approval always needs no committee', () => {
    const decision = decideOver({
      author: 'kim',
      base: (f) =>
        f.edit(P.bench(B), (entity) => {
          (entity.spec.policy as Record<string, unknown>).modelAutoApproval = { mode: 'always' };
        }),
      head: stump,
    });
    expect(decision.status).toBe('pass');
  });

  it('neither side is refused; only the committee sets a priority', () => {
    expect(violationCodes(decideOver({ author: 'lee', head: stump }))).toEqual(['policy.not-party']);
    const priority = decideOver({
      author: 'kim',
      head: (f) => f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump', 5)),
    });
    expect(violationCodes(priority)).toEqual(['policy.priority-committee-only']);
  });

  it('what exists only in this pull request is not merged; what exists nowhere is the validator’s', () => {
    const benchmarkInHead = decideOver({
      author: 'kim',
      head: (f) =>
        f
          .set(P.bench('new-bench'), benchmark('new-bench', 'kim', ['kim']))
          .set(P.model('new-bench', 'kim/bc-stump'), modelAssoc('new-bench', 'kim/bc-stump')),
    });
    expect(violationCodes(benchmarkInHead)).toContain('policy.benchmark-not-merged');
    const benchmarkNowhere = decideOver({
      author: 'kim',
      head: (f) => f.set(P.model('ghost-bench', 'kim/bc-stump'), modelAssoc('ghost-bench', 'kim/bc-stump')),
    });
    expect(violationCodes(benchmarkNowhere)).toEqual([]);
    const cubeInHead = decideOver({
      author: 'kim',
      head: (f) =>
        f
          .set(P.cube('kim/fresh'), cube('kim', 'fresh'))
          .set(P.model(B, 'kim/fresh'), modelAssoc(B, 'kim/fresh')),
    });
    expect(violationCodes(cubeInHead)).toEqual(['policy.model-not-merged']);
    const cubeNowhere = decideOver({
      author: 'kim',
      head: (f) => f.set(P.model(B, 'kim/ghost'), modelAssoc(B, 'kim/ghost')),
    });
    expect(violationCodes(cubeNowhere)).toEqual([]);
  });

  it('a development dataset cannot be associated', () => {
    const decision = decideOver({
      author: 'hospital-b',
      head: (f) => f.set(P.dsAssoc(B, 'hospital-b/dev-ds'), datasetAssoc(B, 'hospital-b/dev-ds')),
    });
    expect(violationCodes(decision)).toEqual(['policy.dataset-not-operation']);
  });

  it('either side revokes without approval', () => {
    expect(decideOver({ author: 'lee', head: (f) => f.delete(P.model(B, 'lee/bc-centroid')) }).status).toBe(
      'pass',
    );
    expect(decideOver({ author: 'ana', head: (f) => f.delete(P.model(B, 'lee/bc-centroid')) }).status).toBe(
      'pass',
    );
  });
});
