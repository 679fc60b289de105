import { describe, expect, it } from 'vitest';
import { datasetAssoc, modelAssoc, P, result, runner } from '../helpers/registry.js';
import { decideOver, requirements, violationCodes } from './decide-over.js';

const B = 'bc-diagnosis';
const resultOf =
  (datasetRef: string, modelRef: string) => (f: Parameters<Parameters<typeof decideOver>[0]['head']>[0]) =>
    f.set(P.result(B, datasetRef, modelRef), result(B, datasetRef, modelRef));

describe('results', () => {
  it('the data owner submits with consent by authorship', () => {
    expect(
      decideOver({ author: 'hospital-b', head: resultOf('hospital-b/wdbc-b', 'lee/bc-centroid') }).status,
    ).toBe('pass');
  });

  it('anyone else but a bot is refused', () => {
    expect(
      violationCodes(decideOver({ author: 'lee', head: resultOf('hospital-b/wdbc-b', 'lee/bc-centroid') })),
    ).toEqual(['policy.result-not-data-owner']);
  });

  it('a bot needs a merged runner of the data owner serving the dataset, and the owner’s approval', () => {
    const served = decideOver({
      author: 'gitperf-bot',
      head: resultOf('hospital-b/wdbc-b', 'lee/bc-centroid'),
    });
    expect(requirements(served)).toEqual([['approval.data-owner', ['hospital-b']]]);
    const approved = decideOver({
      author: 'gitperf-bot',
      head: resultOf('hospital-b/wdbc-b', 'lee/bc-centroid'),
      approvedBy: ['hospital-b'],
    });
    expect(approved.status).toBe('pass');
    const unserved = decideOver({
      author: 'gitperf-bot',
      base: (f) => f.set(P.dsAssoc(B, 'hospital-c/wdbc-c'), datasetAssoc(B, 'hospital-c/wdbc-c')),
      head: resultOf('hospital-c/wdbc-c', 'lee/bc-centroid'),
    });
    expect(violationCodes(unserved)).toEqual(['policy.bot-no-runner']);
  });

  it('associations only in this pull request are not merged; missing ones are the validator’s', () => {
    const inHead = decideOver({
      author: 'hospital-a',
      head: (f) => {
        f.set(P.model(B, 'kim/bc-stump'), modelAssoc(B, 'kim/bc-stump'));
        resultOf('hospital-a/wdbc-a', 'kim/bc-stump')(f);
      },
    });
    expect(violationCodes(inHead)).toContain('policy.association-not-merged');
    const nowhere = decideOver({ author: 'hospital-b', head: resultOf('hospital-b/wdbc-b', 'kim/bc-stump') });
    expect(violationCodes(nowhere)).toEqual([]);
  });

  it('an unsigned result is allowed and announced as unsigned; a signed one is not announced', () => {
    const unsigned = decideOver({
      author: 'hospital-b',
      head: resultOf('hospital-b/wdbc-b', 'lee/bc-centroid'),
    });
    expect(unsigned.status).toBe('pass');
    expect(unsigned.announcements).toEqual([
      {
        file: P.result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'),
        message: expect.stringMatching(/ is unsigned: submitted by hand, no runner signed it$/),
      },
    ]);
    const signed = decideOver({
      author: 'hospital-b',
      head: (f) => {
        const entity = result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid');
        (entity.spec as { signature?: string }).signature =
          '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n';
        f.set(P.result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'), entity);
      },
    });
    expect(signed.announcements).toEqual([]);
  });

  it('the reference model needs no association', () => {
    expect(
      decideOver({ author: 'hospital-b', head: resultOf('hospital-b/wdbc-b', 'ana/bc-logreg') }).status,
    ).toBe('pass');
  });

  it('the data owner withdraws; others are refused', () => {
    const path = P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid');
    expect(decideOver({ author: 'hospital-a', head: (f) => f.delete(path) }).status).toBe('pass');
    expect(violationCodes(decideOver({ author: 'lee', head: (f) => f.delete(path) }))).toEqual([
      'policy.not-owner',
    ]);
  });
});

describe('a result a runner produced follows the runner’s spec.consent', () => {
  const RUNNER = 'hospital-b/runner-b';
  type Edit = Parameters<Parameters<typeof decideOver>[0]['head']>[0];
  const byRunner = (f: Edit) => {
    const r = result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid') as {
      spec: { execution: { runnerRef?: string } };
    };
    r.spec.execution.runnerRef = RUNNER;
    f.set(P.result(B, 'hospital-b/wdbc-b', 'lee/bc-centroid'), r);
  };
  const standing = (f: Edit) => {
    const r = runner('hospital-b', 'runner-b', ['hospital-b/wdbc-b']) as { spec: { consent?: string } };
    r.spec.consent = 'standing';
    f.set(P.runner(RUNNER), r);
  };

  it('review (the default): the data owner approves each one, even one opened unattended under their own login', () => {
    const opened = decideOver({ author: 'hospital-b', head: byRunner });
    expect(opened.status).toBe('pending');
    expect(requirements(opened)).toEqual([['approval.data-owner', ['hospital-b']]]);
    expect(opened.required[0].why).toContain(`runner ${RUNNER}`);
    expect(decideOver({ author: 'hospital-b', head: byRunner, approvedBy: ['hospital-b'] }).status).toBe(
      'pass',
    );
    expect(requirements(decideOver({ author: 'gitperf-bot', head: byRunner }))).toEqual([
      ['approval.data-owner', ['hospital-b']],
    ]);
  });

  it('standing: the merged Runner is the consent, for the owner’s login and for a bot alike', () => {
    for (const author of ['hospital-b', 'gitperf-bot']) {
      const d = decideOver({ author, base: standing, head: byRunner });
      expect(d.status, author).toBe('pass');
      expect(d.required).toEqual([]);
    }
  });

  it('standing consent given in the same pull request grants nothing (only the merged Runner counts)', () => {
    const d = decideOver({
      author: 'gitperf-bot',
      head: (f) => {
        standing(f);
        byRunner(f);
      },
    });
    expect(requirements(d)).toEqual([['approval.data-owner', ['hospital-b']]]);
  });

  it('a result a person ran (no runnerRef) keeps consent by authorship', () => {
    expect(
      decideOver({
        author: 'hospital-b',
        base: standing,
        head: resultOf('hospital-b/wdbc-b', 'lee/bc-centroid'),
      }).status,
    ).toBe('pass');
  });
});
