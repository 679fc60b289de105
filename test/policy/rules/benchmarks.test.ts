import { describe, expect, it } from 'vitest';
import { benchmark, cube, P, user } from '../helpers/registry.js';
import { decideOver, requirements, violationCodes } from './decide-over.js';

const B = 'bc-diagnosis';

describe('benchmarks', () => {
  it('a new benchmark by its owner needs an admin', () => {
    const decision = decideOver({
      author: 'ana',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana', 'raj'])),
    });
    expect(violationCodes(decision)).toEqual([]);
    expect(requirements(decision)).toEqual([['approval.admin', ['ada']]]);
  });

  it('a new benchmark naming someone else as owner is refused', () => {
    const decision = decideOver({
      author: 'lee',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana'])),
    });
    expect(violationCodes(decision)).toEqual(['policy.not-owner']);
  });

  it('a committee member registered only in this pull request is not registered yet', () => {
    const decision = decideOver({
      author: 'ana',
      head: (f) =>
        f
          .set(P.user('ghost'), user('ghost'))
          .set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ghost'])),
    });
    expect(violationCodes(decision)).toEqual(['policy.committee-unregistered']);
  });

  it('a committee member registered nowhere is left to the validator (ref.unknown-user)', () => {
    const decision = decideOver({
      author: 'ana',
      head: (f) => f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ghost'])),
    });
    expect(violationCodes(decision)).toEqual([]);
  });

  it('its cubes must be in operation; a cube that exists nowhere is the validator’s', () => {
    const development = decideOver({
      author: 'ana',
      head: (f) =>
        f
          .set(P.cube('ana/new-prep'), cube('ana', 'new-prep', 'development'))
          .set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana'], { preparator: 'ana/new-prep' })),
    });
    expect(violationCodes(development)).toEqual(['policy.cube-not-operation']);
    const nowhere = decideOver({
      author: 'ana',
      head: (f) =>
        f.set(P.bench('new-bench'), benchmark('new-bench', 'ana', ['ana'], { preparator: 'ana/ghost' })),
    });
    expect(violationCodes(nowhere)).toEqual([]);
  });

  it('the committee words description, docs and policy; other fields need an admin', () => {
    const byCommittee = decideOver({
      author: 'raj',
      head: (f) =>
        f.edit(P.bench(B), (entity) => {
          entity.metadata.description = 'New words';
        }),
    });
    expect(byCommittee.status).toBe('pass');
    const byOther = decideOver({
      author: 'lee',
      head: (f) =>
        f.edit(P.bench(B), (entity) => {
          entity.metadata.description = 'New words';
        }),
    });
    expect(requirements(byOther)).toEqual([['approval.committee', ['ana', 'raj']]]);
    const committeeChange = decideOver({
      author: 'raj',
      head: (f) =>
        f.edit(P.bench(B), (entity) => {
          entity.spec.committee = ['ana', 'raj', 'lee'];
        }),
    });
    expect(requirements(committeeChange)).toEqual([['approval.admin', ['ada']]]);
  });
});
