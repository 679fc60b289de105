/**
 * What only admins decide: users, the registry settings, files outside the entity layout; and what a
 * bot may touch at all.
 */

import { error } from '../../diagnostics/diagnostic.js';
import { REGISTRY_REF } from '../../registry/kinds.js';
import { REGISTRY_DIR, repoEntityPath } from '../../registry/layout.js';
import type { Change } from '../types.js';
import {
  type Author,
  type ChangeUnderReview,
  type RuleFindings,
  requireAdmin,
} from './change-under-review.js';
import type { MergedRegistry } from './merged-registry.js';

/** Bots (registry.yaml `spec.bots`) only submit results; false (and a violation) for anything else. */
export function botMayChange(change: Change, author: Author, findings: RuleFindings): boolean {
  if (!author.isBot || author.isUser || change.kind === 'Result') return true;
  findings.violations.push(
    error(
      'policy.bot-scope',
      `@${author.login} is a bot; bots may only submit results, not change ${change.path}; ` +
        'a registered user must open this pull request',
      { file: change.path },
    ),
  );
  return false;
}

export function checkUser(review: ChangeUnderReview<'User'>): void {
  if (review.action === 'deleted') {
    review.adminDelete();
    return;
  }
  review.needAdmin(`${review.action === 'added' ? 'Adding' : 'Changing'} ${review.describe()}`);
}

export function checkRegistrySettings(review: ChangeUnderReview<'Registry'>): void {
  review.needAdmin(`Changing the registry settings (${repoEntityPath('Registry', REGISTRY_REF)})`);
}

/** A file the entity layout does not name: code, schemas, workflows, or an unknown path under registry/. */
export function checkOtherFile(
  change: Change,
  merged: MergedRegistry,
  author: Author,
  findings: RuleFindings,
): void {
  const what = change.path.startsWith(`${REGISTRY_DIR}/`)
    ? `${change.path} is not a registry entity path, so changing it`
    : `${change.path} is outside ${REGISTRY_DIR}/ (code, schemas, workflows), so changing it`;
  requireAdmin(merged, author.login, what, change.path, findings);
}
