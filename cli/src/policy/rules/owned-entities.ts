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
  // Self-service: the owner needs nobody's approval.
}
