/**
 * `gitperf result reencrypt --benchmark B`: a committee member who can read a benchmark's encrypted results
 * re-encrypts them to the readers the policy allows now (a member joined or left the committee, a reader
 * published an age recipient) and opens one submission. The measurements keep their nonce, so the digest the
 * runner signed, and its signature, stay valid; the policy lets a committee member make this change without
 * the data owners (policy/rules/result-encryption.ts). What a removed reader already read stays read.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { repoEntityPath } from '../registry/layout.js';
import {
  readableMeasurements,
  readersInRegistry,
  requireCommitteeReader,
} from '../registry/result-encryption.js';
import type { Result } from '../registry/types.generated.js';
import { encryptMeasurements } from '../trust/index.js';
import { readerIdentities } from './age-identity.js';
import { me, type Participant } from './context.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';

export interface ReencryptInput {
  benchmark: string;
  /** An identity file (default: `$GITPERF_AGE_IDENTITY`, then `$GITPERF_HOME/keys/age/`). */
  identityFile?: string;
  /** Re-encrypt every result, also those already encrypted to the current readers (a reader changed key). */
  all?: boolean;
}

export interface ReencryptOutcome {
  /** Results re-encrypted: path, readers before and after. */
  changed: Array<{ path: string; before: string[]; after: string[] }>;
  /** The submission (absent when nothing needed re-encrypting). */
  submission?: SubmitOutcome;
}

export async function reencryptResults(
  participant: Participant,
  input: ReencryptInput,
): Promise<ReencryptOutcome> {
  const login = me(participant);
  const snapshot = await registrySnapshot(participant.sub, participant.home);
  const index = snapshot.registry.index;
  const bench = index.get('Benchmark', input.benchmark);
  if (!bench) fail('benchmark.not-found', `no benchmark ${input.benchmark} on the registry's default branch`);
  if (!bench.entity.spec.committee.map((m) => m.toLowerCase()).includes(login))
    fail(
      'result.reencrypt-not-committee',
      `only a committee member of ${input.benchmark} (${bench.entity.spec.committee.join(', ')}) re-encrypts its results; you act as ${login}`,
      {},
      2,
    );
  const { identities, files } = await readerIdentities(participant.home, {
    identityFile: input.identityFile,
  });
  const changed: ReencryptOutcome['changed'] = [];
  const updated: Array<{ path: string; entity: Result }> = [];
  const unreadable: string[] = [];
  for (const entry of index.results(input.benchmark)) {
    const result = entry.entity;
    const sealed = result.spec.encrypted;
    if (!sealed) continue;
    const readers = readersInRegistry(index, bench.entity, result);
    requireCommitteeReader(readers, input.benchmark);
    if (!input.all && sealed.recipients.join(',') === readers.logins.join(',')) continue;
    const measurements = await readableMeasurements(result, identities, entry.file);
    if (!measurements) {
      unreadable.push(entry.file);
      continue;
    }
    // The nonce is kept (it is in the decrypted measurements): same digest, the signature stays valid.
    const { ciphertext, measurementsSha256 } = await encryptMeasurements(measurements, readers.recipients);
    if (measurementsSha256 !== sealed.measurementsSha256)
      fail('result.reencrypt-digest', `${entry.file}: re-encrypting changed the measurements' digest`);
    const entity: Result = structuredClone(result);
    entity.spec.encrypted = { ...sealed, recipients: readers.logins, ciphertext };
    const path = repoEntityPath('Result', entry.ref);
    updated.push({ path, entity });
    changed.push({ path, before: sealed.recipients, after: readers.logins });
  }
  if (unreadable.length > 0)
    fail(
      'result.reencrypt-unreadable',
      `your age identities (${files.join(', ') || 'none found'}) cannot decrypt ${unreadable.length} result(s) of ${input.benchmark} (${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ', ...' : ''}); a committee member who is among their recipients re-encrypts, or give --identity FILE`,
    );
  if (updated.length === 0) return { changed };
  const submission = await submit(
    participant,
    updated.map((u) => entityFile(u.path, u.entity)),
    {
      title: `Re-encrypt ${updated.length} result(s) of ${input.benchmark} to its current readers`,
    },
  );
  return { changed, submission };
}
