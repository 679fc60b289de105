import { describe, expect, it } from 'vitest';
import { cube, P, runner, user } from '../helpers/registry.js';
import { decideOver, violationCodes } from './decide-over.js';

// GitHub logins stop at 39 characters, the registry's names at 63; the owner rule must hold for all.
const LOGIN_45 = `hospital-${'x'.repeat(35)}1`;
const LOGIN_63 = `a${'b'.repeat(61)}c`;

describe('owned entities (MLCube, Dataset, Runner)', () => {
  it('the owner adds and edits in their folder without approval', () => {
    const decision = decideOver({
      author: 'lee',
      head: (f) => f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')),
    });
    expect(decision.status).toBe('pass');
  });

  it("someone else's folder is refused", () => {
    const decision = decideOver({
      author: 'kim',
      head: (f) => f.set(P.cube('lee/new-cube'), cube('lee', 'new-cube')),
    });
    expect(violationCodes(decision)).toEqual(['policy.not-owner']);
    expect(decision.violations[0].message).toContain('registry/mlcubes/kim/');
  });

  it.each([
    ['45', LOGIN_45],
    ['63', LOGIN_63],
  ])(
    'an MLCube owned by a %s-character login is subject to the owner rule (regression)',
    (_length, login) => {
      const base = (f: Parameters<Parameters<typeof decideOver>[0]['head']>[0]) =>
        f.set(P.user(login), user(login)).set(P.cube(`${login}/seg`), cube(login, 'seg'));
      const edited = decideOver({
        author: 'lee',
        base,
        head: (f) =>
          f.edit(P.cube(`${login}/seg`), (entity) => {
            entity.metadata.description = 'taken over';
          }),
      });
      expect(edited.changes.map((change) => change.kind)).toEqual(['MLCube']);
      expect(violationCodes(edited)).toEqual(['policy.not-owner']);
      const added = decideOver({
        author: 'lee',
        base,
        head: (f) => f.set(P.cube(`${login}/other`), cube(login, 'other')),
      });
      expect(violationCodes(added)).toEqual(['policy.not-owner']);
      const byOwner = decideOver({
        author: login,
        base,
        head: (f) => f.set(P.cube(`${login}/other`), cube(login, 'other')),
      });
      expect(byOwner.status).toBe('pass');
    },
  );

  it('deleting a cube is an admin’s; a runner is its owner’s', () => {
    expect(
      violationCodes(decideOver({ author: 'lee', head: (f) => f.delete(P.cube('lee/bc-centroid')) })),
    ).toEqual(['policy.delete-admin-only']);
    expect(
      decideOver({ author: 'hospital-a', head: (f) => f.delete(P.runner('hospital-a/runner-a')) }).status,
    ).toBe('pass');
    const moderated = decideOver({
      author: 'ada',
      base: (f) => f.set(P.user('ben'), user('ben', true)),
      head: (f) => f.delete(P.runner('hospital-a/runner-a')),
    });
    expect(moderated.required.map((requirement) => [requirement.code, requirement.who])).toEqual([
      ['approval.admin', ['ben']],
    ]);
  });

  it('a runner in another owner’s folder is refused', () => {
    const decision = decideOver({
      author: 'hospital-a',
      head: (f) => f.set(P.runner('hospital-b/r2'), runner('hospital-b', 'r2', ['hospital-b/wdbc-b'])),
    });
    expect(violationCodes(decision)).toEqual(['policy.not-owner']);
  });

  describe("a runner's labels are its owner's alone", () => {
    const withLabels = (owner: string, name: string, labels: string[]) => {
      const entity = runner(owner, name, [`${owner}/wdbc-${owner.slice(-1)}`]);
      (entity.spec as { labels: string[] }).labels = labels;
      return entity;
    };
    // The base has hospital-a/runner-a [runner-a] and hospital-b/runner-b [runner-b].
    it.each([
      [
        'a superset of another owner’s labels (it would take their jobs)',
        ['runner-a', 'gpu'],
        'also take the jobs of hospital-a/runner-a',
      ],
      ['a subset of another owner’s labels (their runner would take its jobs)', [], 'send this runner'],
      ['exactly another owner’s labels', ['runner-a'], 'also take the jobs'],
    ])('%s is refused', (_case, labels, said) => {
      const decision = decideOver({
        author: 'hospital-b',
        head: (f) => f.set(P.runner('hospital-b/r2'), withLabels('hospital-b', 'r2', labels)),
      });
      expect(violationCodes(decision)).toEqual(['policy.runner-labels-shared']);
      expect(decision.violations[0].message).toContain(said);
      expect(decision.violations[0].line).toBeGreaterThan(0);
    });

    it('labels of its own pass, and so do labels shared with the same owner’s runners', () => {
      for (const labels of [['runner-b', 'gitperf', 'hospital-b'], ['runner-b'], ['gitperf', 'hospital-b']]) {
        const decision = decideOver({
          author: 'hospital-b',
          head: (f) => f.set(P.runner('hospital-b/r2'), withLabels('hospital-b', 'r2', labels)),
        });
        expect(decision.status, labels.join(',')).toBe('pass');
      }
    });
  });
});
