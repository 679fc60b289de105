/**
 * `gitperf runner register`: a hospital declares a self-hosted runner (its labels, the datasets it serves)
 * in `registry/runners/<owner>/<name>.yaml`, so the execution workflow sends jobs for those datasets to it.
 * Self-service.
 */
import { fail } from '../diagnostics/diagnostic.js';
import { isName, ownedRef } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { Runner, RunnerKey } from '../registry/types.generated.js';
import { parsePublicKey, publicKeyFingerprint } from '../trust/index.js';
import { me, type Participant } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { ensureRunnerKey } from './result-signing.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';
import { failUnregistered } from './unmerged.js';

export interface RunnerRegisterInput {
  name: string;
  /** Datasets it serves: `owner/name` or a bare name of your own. */
  datasets: string[];
  /** Default: self-hosted, gitperf and your login. */
  labels?: string[];
  /** The runner's public key; default: the key pair in $GITPERF_HOME/keys/runners/<owner>/<name>, made if missing. */
  publicKey?: string;
  description?: string;
  /**
   * How the owner consents to the results it submits: `review` (each result submission waits for the
   * owner's approving review) or `standing` (this Runner entity is the consent). Default: review, unwritten.
   */
  consent?: 'review' | 'standing';
  /** The time the key starts signing (default: now). */
  now?: Date;
}

export interface RunnerRegisterOutcome extends SubmitOutcome {
  path: string;
  entity: Runner;
  /** The private key file made or reused on this machine (absent when --public-key was given). */
  keyFile?: string;
}

/** The datasets a runner of `owner` serves, as `owner/name`. */
function servedDatasets(owner: string, input: RunnerRegisterInput): string[] {
  return input.datasets.map((d) => (d.includes('/') ? d : `${owner}/${d}`));
}

/**
 * The Runner entity `owner` declares; `keys` are its signing keys with their validity (registerRunner adds
 * them: the rotation depends on what the registry holds).
 */
export function runnerEntity(
  owner: string,
  input: RunnerRegisterInput,
  keys?: Runner['spec']['keys'],
): Runner {
  const datasets = servedDatasets(owner, input);
  return {
    apiVersion: 'gitperf/v1',
    kind: 'Runner',
    metadata: { name: input.name, owner, ...(input.description ? { description: input.description } : {}) },
    spec: {
      labels: input.labels ?? ['self-hosted', 'gitperf', owner],
      datasets,
      ...(input.consent ? { consent: input.consent } : {}),
      ...(input.publicKey ? { publicKey: input.publicKey } : {}),
      ...(keys ? { keys } : {}),
    },
  };
}

export async function registerRunner(
  participant: Participant,
  input: RunnerRegisterInput,
): Promise<RunnerRegisterOutcome> {
  const owner = me(participant);
  if (!isName(input.name))
    fail(
      'runner.name-invalid',
      `"${input.name}" is not a valid runner name (lower-case letters, digits and -)`,
      {},
      2,
    );
  const datasets = servedDatasets(owner, input);
  if (datasets.length === 0)
    fail('runner.no-dataset', 'name at least one --dataset the runner serves', {}, 2);
  const snap = await registrySnapshot(participant.sub, participant.home);
  for (const dataset of datasets)
    if (!snap.registry.index.get('Dataset', dataset))
      await failUnregistered(participant, {
        code: 'runner.dataset-unregistered',
        what: `dataset ${dataset}`,
        path: repoEntityPath('Dataset', dataset),
        howToAdd: 'register it first (`gitperf dataset register`) and have it merged',
      });
  const ref = ownedRef(owner, input.name);
  const generated = input.publicKey ? undefined : await ensureRunnerKey(participant.home, ref);
  const publicKey = input.publicKey ?? generated?.publicKey ?? '';
  const previous = snap.registry.index.get('Runner', ref)?.entity;
  const keys = rotateKeys(previous, publicKey, input.now ?? new Date());
  const entity = runnerEntity(owner, { ...input, publicKey }, keys);
  checkSchema('Runner', entity);
  const path = repoEntityPath('Runner', ref);
  const out = await submit(participant, [entityFile(path, entity)]);
  return { ...out, path, entity, ...(generated ? { keyFile: generated.file } : {}) };
}

/** RFC 3339 in whole seconds (what allowed-signers files hold). */
function seconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The runner's keys after registering `publicKey`: unchanged when it is already the current key; else the
 * keys still open get `validBefore` now (rotation: results they signed stay verifiable) and the new key is
 * valid from now.
 */
export function rotateKeys(previous: Runner | undefined, publicKey: string, now: Date): RunnerKey[] {
  const fingerprint = (line: string) => publicKeyFingerprint(parsePublicKey(line, 'the public key').key);
  const mine = fingerprint(publicKey);
  const old: RunnerKey[] =
    previous?.spec.keys ??
    (previous?.spec.publicKey
      ? [{ publicKey: previous.spec.publicKey, validAfter: seconds(new Date(0)) }]
      : []);
  const current = old.find((k) => !k.validBefore && fingerprint(k.publicKey) === mine);
  if (current) return old;
  const at = seconds(now);
  return [...old.map((k) => (k.validBefore ? k : { ...k, validBefore: at })), { publicKey, validAfter: at }];
}
