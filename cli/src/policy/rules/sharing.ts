/**
 * The sharing fields of an operational benchmark (`spec.policy.sharing`, `participants`,
 * `minCasesPerCell`, `leaderboard`): once sites have results in it, what the leaderboard publishes is
 * the consortium's promise to them. Any change needs an admin and is announced in the decision (from →
 * to); a change that shows more (a more detailed level, a lower threshold, a selection that can list
 * a model the old one could not) also needs every data owner whose results would be shown more.
 */
import { splitOwnedRef } from '../../registry/kinds.js';
import { classifyRepoPath, entityFolder, repoRegistryFolder } from '../../registry/layout.js';
import {
  atLeastAsDetailed,
  SHARING_FIELDS,
  type SharingSettings,
  selectionCovers,
  selectionText,
  sharingSettings,
} from '../../registry/sharing.js';
import type { ChangeUnderReview } from './change-under-review.js';
import { typedEntity } from './merged-registry.js';
import { formatWho } from './wording.js';

type SharingField = (typeof SHARING_FIELDS)[number];

interface FieldChange {
  field: SharingField;
  from: string;
  to: string;
  /** Shows more than before. */
  loosens: boolean;
}

function valueText(settings: SharingSettings, field: SharingField): string {
  const value = settings[field];
  return typeof value === 'object' ? selectionText(value) : String(value);
}

/** Which sharing fields differ, with their defaults filled in (an absent field is its default). */
export function sharingChanges(before: SharingSettings, after: SharingSettings): FieldChange[] {
  const loosens: Record<SharingField, boolean> = {
    sharing: !atLeastAsDetailed(before.sharing, after.sharing),
    participants: !atLeastAsDetailed(before.participants, after.participants),
    minCasesPerCell: after.minCasesPerCell < before.minCasesPerCell,
    leaderboard: !selectionCovers(before.leaderboard, after.leaderboard),
  };
  return SHARING_FIELDS.filter((field) => valueText(before, field) !== valueText(after, field)).map(
    (field) => ({
      field,
      from: valueText(before, field),
      to: valueText(after, field),
      loosens: loosens[field],
    }),
  );
}

/**
 * Owners of the datasets whose results the benchmark's leaderboard is built from: merged dataset
 * associations and merged results (a result may outlive its revoked association). Registered users only.
 */
function dataOwners(review: ChangeUnderReview<'Benchmark'>, benchmarkName: string): string[] {
  const view = review.merged.view;
  const owners = new Set<string>();
  for (const kind of ['DatasetAssociation', 'Result'] as const) {
    for (const path of view.list(repoRegistryFolder(entityFolder({ kind, benchmark: benchmarkName })))) {
      const info = classifyRepoPath(path);
      if (info.kind !== 'DatasetAssociation' && info.kind !== 'Result') continue;
      const owner = info.dataset ? splitOwnedRef(info.dataset)?.owner : undefined;
      if (owner && review.merged.isUser(owner)) owners.add(owner);
    }
  }
  return [...owners].sort();
}

/**
 * The sharing changes a merge would make, against every operational copy it lands on: the base branch's
 * (what is in force now) and the merge base's (what the branch was made from). A branch made while the
 * benchmark was in development, or before another sharing change merged, is judged against main as it is.
 */
function changesAgainstPromises(review: ChangeUnderReview<'Benchmark'>): FieldChange[] {
  const after = review.after;
  if (!after) return []; // invalid content is the structure check's
  const promised = [
    typedEntity('Benchmark', review.merged.view.get(review.file)),
    typedEntity('Benchmark', review.beforeDocument),
  ].filter((benchmark) => benchmark?.spec.state === 'operation');
  const byField = new Map<SharingField, FieldChange>();
  for (const benchmark of promised) {
    if (!benchmark) continue;
    for (const change of sharingChanges(
      sharingSettings(benchmark.spec.policy),
      sharingSettings(after.spec.policy),
    )) {
      const known = byField.get(change.field);
      // The base branch's copy comes first: its value is the "from" people read; loosening either counts.
      if (!known) byField.set(change.field, change);
      else known.loosens ||= change.loosens;
    }
  }
  return SHARING_FIELDS.flatMap((field) => byField.get(field) ?? []);
}

export function checkSharingPolicy(review: ChangeUnderReview<'Benchmark'>): void {
  if (review.action !== 'modified') return;
  // Only an operational benchmark has promised anything.
  const changes = changesAgainstPromises(review);
  if (changes.length === 0) return;
  const benchmarkName = review.info.benchmark ?? review.after?.metadata.name ?? review.file;
  const what = changes.map((c) => `spec.policy.${c.field}: ${c.from} → ${c.to}`).join('; ');
  const loosened = changes.filter((c) => c.loosens);
  review.announce(
    `The sharing policy of operational benchmark ${benchmarkName} changes (${what})` +
      (loosened.length > 0
        ? `; this shows more of the results (${loosened.map((c) => c.field).join(', ')})`
        : '; this shows less than before'),
  );
  review.needAdmin(`Changing the sharing policy of operational benchmark ${benchmarkName} (${what})`);
  if (loosened.length === 0) return;
  const loosening = loosened.map((c) => `spec.policy.${c.field}: ${c.from} → ${c.to}`).join('; ');
  for (const owner of dataOwners(review, benchmarkName)) {
    // The author's own submission is their consent.
    if (owner === review.author.login) continue;
    review.need(
      'approval.sharing-data-owner',
      [owner],
      `Showing more of the results of benchmark ${benchmarkName} (${loosening}) needs the approval of every data owner ` +
        `whose results it publishes; waiting for ${formatWho([owner])}`,
    );
  }
}
