import { describe, expect, it } from 'vitest';
import { cube, P, result, user } from '../helpers/registry.js';
import { decideOver, requirements, violationCodes } from './decide-over.js';

describe('users, registry settings, other files, bots', () => {
  it('adding a user needs an admin', () => {
    const decision = decideOver({ author: 'lee', head: (f) => f.set(P.user('newbie'), user('newbie')) });
    expect(requirements(decision)).toEqual([['approval.admin', ['ada']]]);
  });

  it('the sole admin changes users alone; a second admin must approve the other’s change', () => {
    expect(decideOver({ author: 'ada', head: (f) => f.set(P.user('newbie'), user('newbie')) }).status).toBe(
      'pass',
    );
    const twoAdmins = decideOver({
      author: 'ada',
      base: (f) => f.set(P.user('ben'), user('ben', true)),
      head: (f) => f.set(P.user('newbie'), user('newbie')),
    });
    expect(requirements(twoAdmins)).toEqual([['approval.admin', ['ben']]]);
  });

  it('deleting a user is an admin’s', () => {
    expect(violationCodes(decideOver({ author: 'lee', head: (f) => f.delete(P.user('kim')) }))).toEqual([
      'policy.delete-admin-only',
    ]);
  });

  it('registry.yaml and files outside the layout need an admin', () => {
    const settings = decideOver({
      author: 'lee',
      head: (f) =>
        f.edit('registry/registry.yaml', (entity) => {
          entity.spec.bots = ['other-bot'];
        }),
    });
    expect(requirements(settings)).toEqual([['approval.admin', ['ada']]]);
    const workflow = decideOver({
      author: 'lee',
      head: (f) => f.set('.github/workflows/x.yml', 'on: push\n'),
    });
    expect(requirements(workflow)).toEqual([['approval.admin', ['ada']]]);
    expect(workflow.required[0].why).toContain('outside registry/');
    // A path the layout does not name (trailing hyphen) is not an entity: an admin's, like any other file.
    const unknown = decideOver({
      author: 'lee',
      head: (f) => f.set('registry/users/lee-.yaml', user('lee-')),
    });
    expect(unknown.changes.map((change) => change.kind)).toEqual(['Other']);
    expect(requirements(unknown)).toEqual([['approval.admin', ['ada']]]);
  });

  it('a bot may only touch results', () => {
    expect(
      violationCodes(
        decideOver({ author: 'gitperf-bot', head: (f) => f.set(P.cube('lee/x'), cube('lee', 'x')) }),
      ),
    ).toEqual(['policy.bot-scope']);
    const botResult = decideOver({
      author: 'gitperf-bot',
      head: (f) =>
        f.set(
          P.result('bc-diagnosis', 'hospital-b/wdbc-b', 'lee/bc-centroid'),
          result('bc-diagnosis', 'hospital-b/wdbc-b', 'lee/bc-centroid'),
        ),
    });
    expect(requirements(botResult)).toEqual([['approval.data-owner', ['hospital-b']]]);
  });

  it('a GitHub App acting as <slug>[bot] is the bot its slug names; another App is not', () => {
    const file = P.result('bc-diagnosis', 'hospital-b/wdbc-b', 'lee/bc-centroid');
    const content = result('bc-diagnosis', 'hospital-b/wdbc-b', 'lee/bc-centroid');
    const app = decideOver({ author: 'gitperf-bot[bot]', head: (f) => f.set(file, content) });
    expect(requirements(app)).toEqual([['approval.data-owner', ['hospital-b']]]);
    expect(violationCodes(app)).toEqual([]);
    const other = decideOver({ author: 'other-app[bot]', head: (f) => f.set(file, content) });
    expect(violationCodes(other)).toEqual(['policy.author-unregistered']);
  });

  it('an unregistered author may change nothing', () => {
    expect(
      violationCodes(
        decideOver({ author: 'stranger', head: (f) => f.set(P.cube('stranger/x'), cube('stranger', 'x')) }),
      ),
    ).toEqual(['policy.author-unregistered']);
  });

  it('a user file that does not pass its schema grants no admin role', () => {
    const decision = decideOver({
      author: 'lee',
      base: (f) => f.set(P.user('ada'), { ...user('ada', true), unexpected: true }),
      head: (f) => f.set(P.user('newbie'), user('newbie')),
    });
    expect(violationCodes(decision)).toEqual(['policy.no-admin']);
  });
});
