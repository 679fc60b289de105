/** Words for people about what a submission changes: titles and the pull request body. */
import type { SubmissionFile } from '../forge/forge.js';
import { type Decision, formatWho } from '../policy/index.js';
import { classifyRepoPath } from '../registry/layout.js';

export type FileAction = 'added' | 'modified' | 'deleted';

/** `MLCube ana/bc-prep`, `association of model lee/bc-centroid with bc-diagnosis`, … from the path alone. */
export function describePath(path: string): string {
  const info = classifyRepoPath(path);
  switch (info.kind) {
    case 'Registry':
      return 'the registry settings';
    case 'User':
      return `user ${info.ref}`;
    case 'MLCube':
      return `MLCube ${info.ref}`;
    case 'Dataset':
      return `dataset ${info.ref}`;
    case 'Runner':
      return `runner ${info.ref}`;
    case 'Benchmark':
      return `benchmark ${info.benchmark}`;
    case 'ModelAssociation':
      return `association of model ${info.model} with ${info.benchmark}`;
    case 'DatasetAssociation':
      return `association of dataset ${info.dataset} with ${info.benchmark}`;
    case 'Result':
      return `result of ${info.model} on ${info.dataset} (${info.benchmark})`;
    default:
      return path;
  }
}

const VERB: Record<FileAction, string> = { added: 'Add', modified: 'Update', deleted: 'Remove' };

export function titleFor(changes: ReadonlyArray<{ path: string; action: FileAction }>): string {
  if (changes.length === 0) return 'Empty submission';
  const first = `${VERB[changes[0].action]} ${describePath(changes[0].path)}`;
  return changes.length === 1 ? first : `${first} and ${changes.length - 1} more file(s)`;
}

/** The pull request body: who submits, what, and which approvals it needs (from the policy's forecast). */
export function bodyFor(
  author: string,
  changes: ReadonlyArray<{ path: string; action: FileAction }>,
  forecast: Decision,
  note?: string,
): string {
  const out = [`Submitted by @${author} with gitperf.`, ''];
  if (note) out.push(note, '');
  out.push('### What this submits', '');
  for (const change of changes)
    out.push(`- ${change.action} \`${change.path}\`: ${describePath(change.path)}`);
  out.push('', '### Approvals it needs', '');
  if (forecast.violations.length > 0) {
    out.push('It breaks registry rules and cannot merge as it is:', '');
    for (const violation of forecast.violations)
      out.push(
        `- \`${violation.code}\` ${violation.file ?? ''}${violation.line ? `:${violation.line}` : ''}: ${violation.message}`,
      );
    out.push('');
  }
  if (forecast.required.length === 0) out.push('None: it merges once the checks pass.');
  for (const requirement of forecast.required)
    out.push(
      `- ${formatWho(requirement.who)} (\`${requirement.code}\`, \`${requirement.file}\`): ${requirement.why}`,
    );
  return `${out.join('\n')}\n`;
}

export function actionOf(file: SubmissionFile, baseHas: boolean): FileAction {
  if (file.content === null) return 'deleted';
  return baseHas ? 'modified' : 'added';
}
