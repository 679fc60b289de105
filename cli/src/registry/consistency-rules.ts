import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import { isAgeRecipient } from '../trust/index.js';
import type { LoadedEntity } from './loader.js';
import { checkRunnerKeys } from './result-provenance.js';
import { atLeastAsDetailed, SHARING_ORDER } from './sharing.js';
import type { ConfusionCounts, SufficientStatistics } from './types.generated.js';

/**
 * Rules within one file that a JSON Schema cannot state: the participants' view is at least as
 * detailed as the public one, a result's confusion counts add up to its cases, a runner's keys are keys, a
 * user's age recipients are X25519 keys (the bech32 checksum; the schema checks only the shape).
 * (A result's provenance and signature need other files: result-provenance.ts, run with the references.)
 */
export function checkConsistency(loaded: LoadedEntity): Diagnostic[] {
  if (loaded.kind === 'Benchmark') return checkSharing(loaded as LoadedEntity<'Benchmark'>);
  if (loaded.kind === 'Result') return checkCounts(loaded as LoadedEntity<'Result'>);
  if (loaded.kind === 'Runner') return checkRunnerKeys(loaded);
  if (loaded.kind === 'User') return checkAgeRecipients(loaded as LoadedEntity<'User'>);
  return [];
}

function checkAgeRecipients(loaded: LoadedEntity<'User'>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [i, recipient] of (loaded.entity.spec?.ageRecipients ?? []).entries()) {
    if (!isAgeRecipient(recipient))
      out.push(
        error(
          'user.age-recipient-invalid',
          `spec.ageRecipients item ${i} is not an age X25519 recipient (its checksum does not match); copy the line \`age-keygen -y IDENTITY\` prints, or run \`gitperf user age-key\``,
          { file: loaded.file, ...loaded.position(['spec', 'ageRecipients', i], 'value') },
        ),
      );
  }
  return out;
}

function checkSharing(loaded: LoadedEntity<'Benchmark'>): Diagnostic[] {
  const policy = loaded.entity.spec.policy;
  if (policy.participants === undefined || atLeastAsDetailed(policy.participants, policy.sharing)) return [];
  return [
    error(
      'policy.participants-less-detailed',
      `spec.policy.participants "${policy.participants}" shows less than the public sharing "${policy.sharing}"; participants must see at least what the public sees (levels: ${SHARING_ORDER.join(' < ')})`,
      { file: loaded.file, ...loaded.position(['spec', 'policy', 'participants'], 'value') },
    ),
  ];
}

/** A way sufficient statistics do not add up, at `path` under `spec.sufficientStatistics`. */
export interface CountsProblem {
  message: string;
  path: (string | number)[];
}

/**
 * Whether counts describe one set of cases: every threshold's tp+fp+tn+fn is `cases`, and every threshold
 * counts the same positives. Pooling and small-cell suppression trust `cases`; counts over fewer cases would
 * publish a number computed from fewer cases than it claims.
 */
export function countsProblems(stats: SufficientStatistics): CountsProblem[] {
  const out: CountsProblem[] = [];
  const check = (counts: ConfusionCounts, path: (string | number)[]) => {
    const total = counts.tp + counts.fp + counts.tn + counts.fn;
    if (total !== stats.cases)
      out.push({
        message: `tp+fp+tn+fn at threshold ${counts.threshold} is ${total}, but cases is ${stats.cases}; every threshold's counts must add up to the cases`,
        path,
      });
  };
  check(stats.operatingPoint, ['operatingPoint']);
  for (const [i, c] of (stats.thresholdGrid ?? []).entries()) check(c, ['thresholdGrid', i]);
  const positives = stats.operatingPoint.tp + stats.operatingPoint.fn;
  stats.thresholdGrid?.forEach((cell, i) => {
    if (cell.tp + cell.fn !== positives)
      out.push({
        message: `thresholdGrid item ${i} has ${cell.tp + cell.fn} positives (tp+fn), the operating point ${positives}; the same cases must be counted at every threshold`,
        path: ['thresholdGrid', i],
      });
  });
  return out;
}

function checkCounts(loaded: LoadedEntity<'Result'>): Diagnostic[] {
  const stats = loaded.entity.spec.sufficientStatistics;
  if (!stats) return [];
  return countsProblems(stats).map((problem) =>
    error('result.counts-mismatch', problem.message, {
      file: loaded.file,
      ...loaded.position(['spec', 'sufficientStatistics', ...problem.path], 'key'),
    }),
  );
}
