/**
 * The sharing fields of an operational benchmark, over real git repositories evaluated as
 * `gitperf policy check` does: any change needs an admin and is announced from → to; a change that
 * shows more also needs every data owner with merged associations or results in the benchmark.
 * The demo benchmark bc-diagnosis is operational, shares per-model, has committee ana and raj, admin
 * ada, and merged dataset associations of hospital-a (with a result) and hospital-b.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EvaluatedDecision,
  renderDecisionText,
  renderSummaryMarkdown,
} from '../../../cli/src/policy/index.js';
import { P } from '../helpers/registry.js';
import { cleanupTemplates, type FileEdit, runScenario, type ScenarioSpec } from '../helpers/scenario.js';

const B = 'bc-diagnosis';

type Policy = Record<string, unknown>;
const setPolicy =
  (change: (policy: Policy) => void) =>
  (f: FileEdit): void => {
    f.edit(P.bench(B), (entity) => {
      change((entity.spec as { policy: Policy }).policy);
    });
  };
const withState =
  (state: string) =>
  (f: FileEdit): void => {
    f.edit(P.bench(B), (entity) => {
      entity.spec.state = state;
    });
  };

const requirements = (d: EvaluatedDecision) => d.required.map((r) => [r.code, r.who]);
const dataOwnerRequirements = [
  ['approval.sharing-data-owner', ['hospital-a']],
  ['approval.sharing-data-owner', ['hospital-b']],
];

function scenario(spec: Partial<ScenarioSpec> & Pick<ScenarioSpec, 'head'>): Promise<EvaluatedDecision> {
  return runScenario({ author: 'raj', ...spec });
}

describe('sharing policy of an operational benchmark (real git)', () => {
  afterAll(cleanupTemplates);

  it('tightening needs an admin only, and the decision says what changes from → to', async () => {
    const d = await scenario({ head: setPolicy((p) => (p.sharing = 'aggregate')) });
    expect(d.violations).toEqual([]);
    expect(requirements(d)).toEqual([['approval.admin', ['ada']]]);
    expect(d.required[0].why).toContain('spec.policy.sharing: per-model → aggregate');
    expect(d.announcements).toHaveLength(1);
    expect(d.announcements[0].file).toBe(P.bench(B));
    expect(d.announcements[0].message).toContain('spec.policy.sharing: per-model → aggregate');
    // The participants' level followed sharing by default, so it changes too (and is said).
    expect(d.announcements[0].message).toContain('spec.policy.participants: per-model → aggregate');
    expect(d.announcements[0].message).toContain('shows less');
    expect(renderDecisionText(d)).toContain(
      'announced: The sharing policy of operational benchmark bc-diagnosis changes',
    );
    expect(renderSummaryMarkdown(d)).toContain('### Announced');
  });

  it('loosening the public level needs the admin and every data owner; with all of them it passes', async () => {
    const head = setPolicy((p) => (p.sharing = 'full'));
    const adminOnly = await scenario({ head, reviews: ['ada'] });
    expect(adminOnly.status).toBe('pending');
    expect(requirements(adminOnly)).toEqual(dataOwnerRequirements);
    expect(adminOnly.required[0].why).toContain('spec.policy.sharing: per-model → full');
    expect(adminOnly.announcements[0].message).toContain('shows more of the results (sharing, participants)');

    const oneOwner = await scenario({ head, reviews: ['ada', 'hospital-a'] });
    expect(requirements(oneOwner)).toEqual([['approval.sharing-data-owner', ['hospital-b']]]);

    const everyone = await scenario({ head, reviews: ['ada', 'hospital-a', 'hospital-b'] });
    expect(everyone.status).toBe('pass');
    expect(everyone.approved.map((a) => a.code).sort()).toEqual([
      'approval.admin',
      'approval.sharing-data-owner',
      'approval.sharing-data-owner',
    ]);
  });

  it('a data owner refusing keeps it pending, whoever else approves', async () => {
    const d = await scenario({
      head: setPolicy((p) => (p.participants = 'full')),
      reviews: ['ada', 'hospital-a', { by: 'hospital-b', state: 'CHANGES_REQUESTED' }],
    });
    expect(d.status).toBe('pending');
    expect(requirements(d)).toEqual([['approval.sharing-data-owner', ['hospital-b']]]);
  });

  it('a lower minCasesPerCell loosens (the default is 10); a higher one only needs the admin', async () => {
    const lower = await scenario({ head: setPolicy((p) => (p.minCasesPerCell = 5)) });
    expect(requirements(lower)).toEqual([['approval.admin', ['ada']], ...dataOwnerRequirements]);
    expect(lower.announcements[0].message).toContain('spec.policy.minCasesPerCell: 10 → 5');
    const higher = await scenario({ head: setPolicy((p) => (p.minCasesPerCell = 25)) });
    expect(requirements(higher)).toEqual([['approval.admin', ['ada']]]);
  });

  it('a selection that can list a model the old one could not loosens', async () => {
    const fromOptedIn = (leaderboard: unknown) =>
      scenario({
        base: setPolicy((p) => (p.leaderboard = 'opted-in')),
        head: setPolicy((p) => (p.leaderboard = leaderboard)),
      });
    const top = await fromOptedIn({ top: 3 });
    expect(requirements(top)).toEqual([['approval.admin', ['ada']], ...dataOwnerRequirements]);
    expect(top.announcements[0].message).toContain('spec.policy.leaderboard: opted-in → top: 3');
    const all = await fromOptedIn('all');
    expect(requirements(all)).toEqual([['approval.admin', ['ada']], ...dataOwnerRequirements]);

    const narrower = await scenario({ head: setPolicy((p) => (p.leaderboard = { top: 3 })) });
    expect(requirements(narrower)).toEqual([['approval.admin', ['ada']]]);
    expect(narrower.announcements[0].message).toContain('spec.policy.leaderboard: all → top: 3');
  });

  it('a data owner who submits the loosening consents by authorship; the others are still asked', async () => {
    const d = await scenario({ author: 'hospital-a', head: setPolicy((p) => (p.sharing = 'full')) });
    expect(requirements(d)).toEqual([
      ['approval.committee', ['ana', 'raj']],
      ['approval.admin', ['ada']],
      ['approval.sharing-data-owner', ['hospital-b']],
    ]);
  });

  it('writing out a default is no change; other policy fields stay the committee’s', async () => {
    const spelledOut = await scenario({
      head: setPolicy((p) => {
        p.participants = 'per-model';
        p.minCasesPerCell = 10;
        p.leaderboard = 'all';
      }),
    });
    expect(spelledOut.status).toBe('pass');
    expect(spelledOut.announcements).toEqual([]);
    const primary = await scenario({ head: setPolicy((p) => (p.higherIsBetter = false)) });
    expect(primary.status).toBe('pass');
  });

  it('a branch made while the benchmark was in development is judged against main as it is now (operational)', async () => {
    // The committee opens a loosening while nothing is promised; the benchmark goes into operation on main
    // (and its sites' results arrive) before the branch merges: the loosening now needs the admin and them.
    const d = await scenario({
      base: withState('development'),
      head: setPolicy((p) => (p.sharing = 'full')),
      mainAfter: withState('operation'),
    });
    expect(d.violations).toEqual([]);
    expect(requirements(d)).toEqual([['approval.admin', ['ada']], ...dataOwnerRequirements]);
    expect(d.announcements[0].message).toContain('spec.policy.sharing: per-model → full');
  });

  it('a benchmark still in development has promised nothing: the committee changes its sharing alone', async () => {
    const d = await scenario({
      base: withState('development'),
      head: setPolicy((p) => (p.sharing = 'full')),
    });
    expect(d.status).toBe('pass');
    expect(d.announcements).toEqual([]);
  });
});
