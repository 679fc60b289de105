/**
 * Encrypted results and their re-encryption (policy/rules/result-encryption.ts), over real git repositories evaluated as
 * `gitperf policy check` does. The base: bc-diagnosis (per-model sharing, committee ana and raj) with
 * hospital-a's result of lee/bc-centroid encrypted to ana and hospital-a; raj has since published an age
 * recipient. A committee member re-encrypts it to the three of them without the data owner.
 */
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluatedDecision } from '../../../cli/src/policy/index.js';
import { encryptMeasurements, type Measurements } from '../../../cli/src/trust/index.js';
import { P } from '../helpers/registry.js';
import { cleanupTemplates, type FileEdit, runScenario } from '../helpers/scenario.js';

const B = 'bc-diagnosis';
const RESULT = P.result(B, 'hospital-a/wdbc-a', 'lee/bc-centroid');
const recipients = new Map<string, string>();
let measurements: Measurements;
let before: { ciphertext: string; measurementsSha256: string };

beforeAll(async () => {
  for (const login of ['ana', 'raj', 'hospital-a', 'kim'])
    recipients.set(login, await identityToRecipient(await generateX25519Identity()));
  measurements = { metrics: { auc: 0.9 }, nonce: 'ab'.repeat(32) };
  before = await encryptMeasurements(measurements, [
    recipients.get('ana'),
    recipients.get('hospital-a'),
  ] as string[]);
});
afterAll(cleanupTemplates);

const publish = (f: FileEdit, logins: string[]) => {
  for (const login of logins)
    f.edit(P.user(login), (user) => {
      user.spec.ageRecipients = [recipients.get(login)];
    });
};

/** The base: the result encrypted to ana and hospital-a; ana, raj and hospital-a have recipients. */
const base = (f: FileEdit) => {
  publish(f, ['ana', 'raj', 'hospital-a']);
  f.edit(RESULT, (result) => {
    delete result.spec.metrics;
    delete result.spec.sufficientStatistics;
    result.spec.encrypted = { scheme: 'age', recipients: ['ana', 'hospital-a'], ...before };
  });
};

/** A re-encryption to `logins` (a new ciphertext of the same measurements, same digest). */
const reencryptTo =
  (logins: string[], edit?: (spec: Record<string, unknown>) => void) =>
  async (): Promise<(f: FileEdit) => void> => {
    const again = await encryptMeasurements(
      measurements,
      logins.map((login) => recipients.get(login) as string),
    );
    expect(again.measurementsSha256).toBe(before.measurementsSha256);
    return (f: FileEdit) =>
      f.edit(RESULT, (result) => {
        result.spec.encrypted = { scheme: 'age', recipients: logins, ...again };
        edit?.(result.spec);
      });
  };

const requirements = (d: EvaluatedDecision) => d.required.map((r) => [r.code, r.who]);

describe('results where the benchmark keeps them encrypted (real git)', () => {
  it('a plain result is refused once the committee can read encrypted ones; allowed before', async () => {
    const plainChange = (f: FileEdit) =>
      f.edit(RESULT, (result) => {
        (result.spec.metrics as Record<string, number>).auc = 0.5;
      });
    const keyed = await runScenario({
      base: (f) => publish(f, ['ana']),
      head: plainChange,
      author: 'hospital-a',
    });
    expect(keyed.violations.map((v) => v.code)).toEqual(['policy.result-not-encrypted']);
    expect(keyed.violations[0].message).toContain('(ana)');
    const unkeyed = await runScenario({ head: plainChange, author: 'hospital-a' });
    expect(unkeyed.violations).toEqual([]);
  });

  it("the data owner's encrypted result passes", async () => {
    const d = await runScenario({ base: (f) => publish(f, ['ana']), head: base, author: 'hospital-a' });
    expect(d.violations).toEqual([]);
  });
});

describe('re-encrypting a result (real git)', () => {
  it('a committee member re-encrypts to the current readers: another member approves, no data owner', async () => {
    const head = await reencryptTo(['ana', 'hospital-a', 'raj'])();
    const d = await runScenario({ base, head, author: 'ana' });
    expect(d.violations).toEqual([]);
    expect(requirements(d)).toEqual([['approval.committee', ['raj']]]);
    expect(d.announcements.map((a) => a.message)).toEqual([
      're-encrypted to ana, hospital-a, raj; added raj',
    ]);
    const approved = await runScenario({ base, head, author: 'ana', reviews: ['raj'] });
    expect(approved.status).toBe('pass');
  });

  it('removing a reader says that what they read stays read', async () => {
    // raj left the committee and took their recipient back; the result still lists raj.
    const leaving = (f: FileEdit) => {
      base(f);
      f.edit(RESULT, (result) => {
        (result.spec.encrypted as { recipients: string[] }).recipients = ['ana', 'hospital-a', 'raj'];
      });
      f.edit(P.user('raj'), (user) => {
        delete user.spec.ageRecipients;
      });
    };
    const back = await reencryptTo(['ana', 'hospital-a'])();
    const d = await runScenario({ base: leaving, head: back, author: 'ana' });
    expect(d.violations).toEqual([]);
    expect(d.announcements[0].message).toContain('removed raj (what they already read stays read)');
  });

  it('refuses a re-encryption by someone outside the committee', async () => {
    const d = await runScenario({
      base,
      head: await reencryptTo(['ana', 'hospital-a', 'raj'])(),
      author: 'lee',
    });
    expect(d.violations.map((v) => v.code)).toEqual(['policy.reencrypt-not-committee']);
  });

  it('refuses recipients the policy does not allow (a model owner under per-model participants)', async () => {
    const withKim = (f: FileEdit) => {
      base(f);
      publish(f, ['kim']);
    };
    const d = await runScenario({
      base: withKim,
      head: await reencryptTo(['ana', 'hospital-a', 'kim', 'raj'])(),
      author: 'ana',
    });
    expect(d.violations.map((v) => v.code)).toEqual(['policy.reencrypt-readers']);
  });

  it('a change of the measurements is no re-encryption: the committee cannot make it', async () => {
    const head = async () => {
      const other = await encryptMeasurements({ metrics: { auc: 0.99 } }, [recipients.get('ana') as string]);
      return (f: FileEdit) =>
        f.edit(RESULT, (result) => {
          result.spec.encrypted = { scheme: 'age', recipients: ['ana'], ...other };
        });
    };
    const d = await runScenario({ base, head: await head(), author: 'ana' });
    expect(d.violations.map((v) => v.code)).toEqual(['policy.result-not-data-owner']);
  });
});
