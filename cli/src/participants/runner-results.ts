/**
 * `gitperf result submit --from DIR`: the results a hospital runner computed (`benchmark run --out DIR`,
 * handed over as a workflow artifact), each opened as its own result submission by the registry's bot.
 * The files are untrusted data: each must be a Result entity that passes its schema; its registry path comes
 * from its content, and the policy's forecast (a bot needs a merged Runner of the dataset's owner serving
 * the dataset, both associations merged) refuses what may not be opened. The data owner's approval of the
 * submission is the consent (or their Runner's standing consent, where the policy has it).
 * One branch per result content: submitting the same result again finds its branch and opens nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { type Diagnostic, error, GitperfError } from '../diagnostics/diagnostic.js';
import { sha256Hex } from '../infra/sha256.js';
import { pairName, resultRef } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { Result } from '../registry/types.generated.js';
import { openEntitySubmission, type SubmissionContext } from '../submission/index.js';
import { checkSchema } from './mlcube-submit.js';
import { entityFile } from './submit.js';

export interface RunnerResultOutcome {
  /** The file as found under the folder. */
  file: string;
  /** `opened`, `already-submitted` (its branch exists), `already-merged` (main holds it), or `refused`. */
  outcome: 'opened' | 'already-submitted' | 'already-merged' | 'refused';
  path?: string;
  number?: number;
  url?: string;
  /** The policy's decision right after opening. */
  status?: 'pass' | 'pending' | 'fail';
  waitingFor?: string[];
  problem?: Diagnostic;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((e: Error) => {
    throw new GitperfError(
      error('result.from-missing', `cannot read ${dir}: ${e.message}`, { file: dir }),
      2,
    );
  });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export async function submitRunnerResults(
  ctx: SubmissionContext,
  input: { from: string; note?: string },
): Promise<RunnerResultOutcome[]> {
  const out: RunnerResultOutcome[] = [];
  for (const file of await yamlFiles(input.from)) {
    const shown = relative(process.cwd(), file) || file;
    try {
      const text = await readFile(file, 'utf8');
      const result = parse(text) as Result;
      checkSchema('Result', result);
      const { benchmark, dataset, model } = result.spec;
      const path = repoEntityPath('Result', resultRef(benchmark, dataset, model));
      const [owner, name] = dataset.split('/');
      const branch = `gitperf/result/${benchmark}/${owner}/${name}/${pairName(model)}-${sha256Hex(text).slice(0, 12)}`;
      const opened = await openEntitySubmission(ctx, {
        files: [entityFile(path, result)],
        title: `Add the result of ${model} on ${dataset} (${benchmark})`,
        note:
          input.note ??
          `Computed by a self-hosted runner of @${owner} and submitted by @${ctx.user}; @${owner}'s approval publishes it.`,
        branch,
      });
      out.push({
        file: shown,
        outcome: 'opened',
        path,
        number: opened.submission.number,
        url: opened.submission.url,
        status: opened.decision.status,
        waitingFor: [...new Set(opened.decision.required.flatMap((r) => r.who))],
      });
    } catch (e) {
      if (!(e instanceof GitperfError)) throw e;
      const code = e.diagnostic.code;
      const outcome = /branch-exists$/.test(code)
        ? 'already-submitted'
        : code === 'submission.no-change'
          ? 'already-merged'
          : 'refused';
      out.push({
        file: shown,
        outcome,
        ...(outcome === 'refused' ? { problem: { ...e.diagnostic, file: e.diagnostic.file ?? shown } } : {}),
      });
    }
  }
  return out;
}
