/**
 * Whether a changed entity file can be read at all, and as what type. The registry validator owns
 * structure (YAML, schema, layout, references) and reports it when the policy runs in full
 * (`evaluatePolicy`); `decide` alone still refuses a file it cannot read as its kind, with the
 * validator's own schema diagnostics, so its typed rules never read unchecked content.
 */
import { type Diagnostic, error } from '../../diagnostics/diagnostic.js';
import type { Entity, Kind } from '../../registry/kinds.js';
import type { PropertyPath } from '../../registry/positions.js';
import { conformsToSchema, validateSchema } from '../../registry/schema.js';
import type { Change } from '../types.js';
import type { PolicyEntity } from '../view.js';

/** Codes of structure problems, which the validator's findings for the same file supersede. */
export function isStructureCode(code: string): boolean {
  return code.startsWith('file.') || code.startsWith('yaml.') || code.startsWith('schema.');
}

export type ReadOutcome<K extends Kind> =
  /** The rules run; `entity` is the typed content (undefined for a deletion or content failing its schema). */
  | { readable: true; entity?: Entity<K> }
  /** The rules do not run on this file (the problems say why). */
  | { readable: false };

/** Reads the head copy of a changed entity file as `Entity<K>`, pushing what stands in the way. */
export function readChangedEntity<K extends Kind>(
  kind: K,
  change: Change,
  afterDocument: PolicyEntity | undefined,
  problems: Diagnostic[],
): ReadOutcome<K> {
  if (change.action === 'deleted') return { readable: true };
  if (!afterDocument) {
    // A symlink or submodule at an entity path: its content is not what the rules would read.
    problems.push(
      error(
        'policy.not-a-file',
        `${change.path} is not a regular file (a symbolic link or submodule); commit the entity as a plain YAML file`,
        { file: change.path },
      ),
    );
    return { readable: false };
  }
  if (afterDocument.problems.length > 0) {
    problems.push(...afterDocument.problems);
    return { readable: false };
  }
  const content: unknown = afterDocument.data;
  if (conformsToSchema(kind, content)) return { readable: true, entity: content };
  const positions = {
    position: (path: PropertyPath) => ({ line: afterDocument.lineOf(path.join('.') || '.') ?? 1, column: 1 }),
  };
  problems.push(...validateSchema(kind, content, change.path, positions));
  // Who may change the file follows from its path alone, so those rules still run.
  return { readable: true };
}
