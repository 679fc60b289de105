/**
 * The pure policy core over in-memory states: the demo registry as base, edits as head. For the
 * per-rule tests (the scenario suites run the same rules over real git repositories).
 */
import type { Review } from '../../../cli/src/forge/forge.js';
import { type Decision, decide, MemoryView } from '../../../cli/src/policy/index.js';
import { demoRegistry, type Files, render } from '../helpers/registry.js';
import { FileEdit } from '../helpers/scenario.js';

export interface DecideOver {
  author: string;
  head: (edit: FileEdit) => void;
  base?: (edit: FileEdit) => void;
  /** Logins approving the head. */
  approvedBy?: string[];
}

const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

function view(files: Files): MemoryView {
  return new MemoryView(new Map([...files].map(([path, content]) => [path, render(content)])));
}

export function decideOver(spec: DecideOver): Decision {
  const baseFiles = demoRegistry();
  spec.base?.(new FileEdit(baseFiles));
  const headFiles: Files = new Map(baseFiles);
  spec.head(new FileEdit(headFiles));
  const reviews: Review[] = (spec.approvedBy ?? []).map((reviewer) => ({
    reviewer,
    state: 'APPROVED',
    commitSha: HEAD_SHA,
    submittedAt: '2026-12-01T10:00:00Z',
  }));
  return decide({
    base: view(baseFiles),
    head: view(headFiles),
    author: spec.author,
    reviews,
    headSha: HEAD_SHA,
  });
}

export const violationCodes = (decision: Decision): string[] =>
  decision.violations.map((violation) => violation.code);
export const requirements = (decision: Decision): Array<[string, string[]]> =>
  decision.required.map((requirement) => [requirement.code, requirement.who]);
