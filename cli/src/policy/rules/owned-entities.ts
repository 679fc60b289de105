/** MLCubes, Datasets and Runners: self-service in the owner's folder; deleting cubes and datasets is an admin's. */
import type { ChangeUnderReview } from './change-under-review.js';

export type OwnedKind = 'MLCube' | 'Dataset' | 'Runner';

export function checkOwnedEntity(review: ChangeUnderReview<OwnedKind>): void {
  const owner = review.info.owner ?? '';
  const author = review.author.login;
  const file = review.file;
  const folder = file.slice(0, file.lastIndexOf('/') + 1);
  if (review.action === 'deleted' && review.kind !== 'Runner') {
    review.adminDelete();
    return;
  }
  if (review.action === 'deleted' && owner !== author && review.isAdmin()) {
    review.needAdmin(`Deleting ${review.describe()}`); // moderation, as MedPerf's admin-only DELETE
    return;
  }
  if (owner !== author) {
    const authorsFolder = folder.replace(`/${owner}/`, `/${author}/`);
    review.violate(
      'policy.not-owner',
      `${file} is in ${owner}'s folder, but this pull request is authored by @${author}; ` +
        `only @${owner} may add, change or remove files under ${folder} (put yours under ${authorsFolder})`,
    );
  }
  if (review.kind === 'Runner' && review.action !== 'deleted')
    checkRunnerLabels(review as ChangeUnderReview<'Runner'>);
  // Self-service: the owner needs nobody's approval.
}

/**
 * A job goes to every runner carrying all the labels of its `runs-on` (the labels of the Runner serving its
 * dataset). So a runner's labels must be its owner's alone: a superset of another owner's runner's labels
 * would take that owner's jobs (their data's models run elsewhere, or a hospital receives another's work),
 * and a subset would hand this owner's jobs to the other's runner.
 */
function checkRunnerLabels(review: ChangeUnderReview<'Runner'>): void {
  const runner = review.after;
  if (!runner) return;
  const mine = new Set(runner.spec.labels);
  const owner = runner.metadata.owner.toLowerCase();
  for (const other of review.merged.runners()) {
    // Its own merged version (an edit) is not another runner; an owner change is the frozen-field rule's.
    if (other.ref === review.info.ref || other.owner.toLowerCase() === owner) continue;
    const theirs = new Set(other.labels);
    const takesTheirs = [...theirs].every((l) => mine.has(l));
    const givesMine = [...mine].every((l) => theirs.has(l));
    if (!takesTheirs && !givesMine) continue;
    review.violate(
      'policy.runner-labels-shared',
      `the labels [${runner.spec.labels.join(', ')}] would ${takesTheirs ? `also take the jobs of ${other.ref} (labels [${other.labels.join(', ')}])` : `send this runner's jobs to ${other.ref} too (labels [${other.labels.join(', ')}])`}, which belongs to @${other.owner}; add a label of your own (e.g. your login) so that jobs reach your runners only`,
      'spec.labels',
    );
    return;
  }
}
