/**
 * CODEOWNERS follows the registry's users and benchmark committees. A submission that adds or
 * changes users, registry.yaml (the admin team) or a benchmark's committee carries the regenerated
 * `.github/CODEOWNERS` with it, so the registry it merges into still passes `gitperf codeowners
 * --check` and a new user's first self-service submission already has its owner lines.
 */
import type { SubmissionFile } from '../forge/forge.js';
import {
  CODEOWNERS_PATH,
  codeownersInputFrom,
  generateCodeowners,
  type RegistryView,
} from '../policy/index.js';
import { classifyRepoPath } from '../registry/layout.js';
import { gitBlobId, OverlayView } from './overlay-view.js';

function affectsCodeowners(path: string): boolean {
  const kind = classifyRepoPath(path).kind;
  return kind === 'User' || kind === 'Benchmark' || kind === 'Registry';
}

/**
 * `files` plus the regenerated CODEOWNERS when they change what it says. Left alone: a registry
 * without a CODEOWNERS file, a submission that brings its own, and files that change nothing in it.
 */
export function withCodeowners(base: RegistryView, files: readonly SubmissionFile[]): SubmissionFile[] {
  if (files.some((f) => f.path === CODEOWNERS_PATH)) return [...files];
  if (!base.has(CODEOWNERS_PATH) || !files.some((f) => affectsCodeowners(f.path))) return [...files];
  const text = generateCodeowners(codeownersInputFrom(new OverlayView(base, files)));
  if (gitBlobId(text) === base.fingerprint(CODEOWNERS_PATH)) return [...files];
  // Files that do not change what CODEOWNERS says (e.g. an unchanged user file) do not turn the
  // submission into a CODEOWNERS update, even when the base's file is stale.
  if (text === generateCodeowners(codeownersInputFrom(base))) return [...files];
  return [...files, { path: CODEOWNERS_PATH, content: text }];
}
