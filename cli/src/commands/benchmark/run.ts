import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { commandExecution, executionFlags } from '../../cli/execution-flags.js';
import { error, fail, warning } from '../../diagnostics/diagnostic.js';
import { toJson } from '../../diagnostics/render.js';
import { datasetAssociationRef } from '../../registry/kinds.js';
import { encryptResult, readersInRegistry } from '../../registry/result-encryption.js';
import { resultsEncrypted } from '../../registry/result-readers.js';
import type { Result } from '../../registry/types.generated.js';
import { copyResults, runBenchmark, runDiagnostics } from '../../workflows/benchmark-run.js';
import { allTimeouts } from '../../workflows/execution-options.js';
import { loadBenchmark } from '../../workflows/registry-access.js';

export default class BenchmarkRun extends BaseCommand {
  static override summary =
    "Run a benchmark's models on a prepared dataset and write one Result entity per model.";
  static override description =
    `For each model (default: the reference model and every associated model, by priority): infer on the prepared dataset into $GITPERF_HOME/predictions/<model>/<dataset>/, then evaluate with the benchmark's metrics cube. Each Result entity (metrics, partial, the hashes of every cube and of the data) is written to $GITPERF_HOME/results/<benchmark>/<data-owner>/<dataset>/<model-owner>.<cube>.yaml, ready to submit; nothing is uploaded. A model that fails stops the run, unless --ignore-model-errors: then it is evaluated on what it produced, its result is marked partial, and the other models still run. Existing results from the same cubes and data are kept unless --no-cache.`;
  static override examples = [
    '<%= config.bin %> benchmark run --benchmark bc-diagnosis --dataset wdbc-a',
    '<%= config.bin %> benchmark run --benchmark bc-diagnosis --dataset wdbc-c --model kim/bc-stump --ignore-model-errors --json',
  ];
  static override flags = {
    benchmark: Flags.string({
      required: true,
      description: 'benchmark NAME (from --registry) or its folder',
    }),
    dataset: Flags.string({
      required: true,
      description:
        'name of a dataset prepared with `gitperf dataset prepare` (or its owner/name, as `gitperf plan` names it)',
    }),
    model: Flags.string({
      multiple: true,
      description: 'model to run (owner/name or cube folder); repeatable',
    }),
    'ignore-model-errors': Flags.boolean({
      description: 'a failing model yields a partial result instead of stopping the run',
    }),
    'no-cache': Flags.boolean({
      description: 'run models again even if they have a result for this dataset',
    }),
    out: Flags.string({
      description:
        "also copy each result file written into DIR (as <benchmark>/<data-owner>/<dataset>/<model-owner>.<cube>.yaml), e.g. to hand it to `gitperf result submit --from DIR`; encrypted to the readers the benchmark's policy allows when its sharing is stricter than full",
      helpValue: 'DIR',
    }),
    ...executionFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(BenchmarkRun);
    const bench = await loadBenchmark(flags.benchmark, flags.registry);
    const ctx = await commandExecution(
      { ...flags, registry: bench.registry.dir },
      this.jsonEnabled(),
      (d) => this.report(d),
      bench.registry,
    );
    for (const model of flags.model ?? [])
      if (/^[a-z0-9-]+\/[a-z0-9-]+$/.test(model) && !bench.models.includes(model))
        this.report(
          warning(
            'model.not-associated',
            `${model} is not associated with ${bench.name}: its result can be submitted only once the association is merged`,
          ),
        );
    // `owner/name` (what the plan and the execution workflow's matrix name): the local dataset is its name;
    // the run checks the prepared dataset is that registered one.
    const [datasetOwner, datasetName] = flags.dataset.includes('/')
      ? flags.dataset.split('/', 2)
      : [undefined, flags.dataset];
    const run = await runBenchmark(
      {
        benchmark: bench,
        dataset: datasetName,
        models: flags.model ?? bench.models,
        ignoreModelErrors: flags['ignore-model-errors'],
        noCache: flags['no-cache'],
        timeouts: allTimeouts(flags.timeout),
      },
      ctx,
    );
    // Running is allowed (hospitals test before asking), but the results cannot be submitted yet: say so.
    if (!bench.registry.index.get('DatasetAssociation', datasetAssociationRef(bench.name, run.dataset.ref)))
      this.report(
        warning(
          'dataset.not-associated',
          `${run.dataset.ref} is not associated with ${bench.name} in this registry (yet): its results can be submitted only once the association is merged (\`gitperf association request --benchmark ${bench.name} --dataset ${run.dataset.ref}\`, then a committee member approves)`,
        ),
      );
    if (datasetOwner !== undefined && run.dataset.ref !== flags.dataset)
      fail(
        'dataset.other-owner',
        `the dataset prepared here as ${datasetName} is ${run.dataset.ref}, not ${flags.dataset}; this machine does not hold ${flags.dataset}`,
        {},
        2,
      );
    // What leaves the machine (a workflow artifact anyone with read access may download) is encrypted to the
    // readers the benchmark's policy allows, as `result submit` would encrypt it.
    const index = bench.registry.index;
    // An unattended job does not stop where the committee has published no recipient yet: the result is
    // copied plain, with a warning, as the policy still accepts it then.
    const sealResult = resultsEncrypted(bench.entity)
      ? async (result: Result) => {
          const readers = readersInRegistry(index, bench.entity, result);
          if (readers.committeeCanRead) return encryptResult(result, readers);
          this.report(
            warning(
              'result.not-encrypted',
              `${bench.name} keeps results encrypted, but no committee member has published an age recipient: the result of ${result.spec.model} is copied in the clear; a committee member runs \`gitperf user age-key\``,
            ),
          );
          return result;
        }
      : undefined;
    if (flags.out) await copyResults(run.runs, ctx.layout, flags.out, sealResult);
    const primary = bench.entity.spec.policy.primaryMetric;
    for (const modelRun of run.runs) {
      const metric = modelRun.result?.spec.metrics?.[primary];
      this.log(
        `${modelRun.status.padEnd(7)} ${modelRun.model}${metric !== undefined ? `  ${primary}=${metric}` : ''}${modelRun.resultFile ? `  ${modelRun.resultFile}` : ''}`,
      );
    }
    const diags = runDiagnostics(run);
    for (const diagnostic of diags) this.report(diagnostic);
    const out = {
      benchmark: run.benchmark,
      dataset: run.dataset,
      seconds: run.seconds,
      cubeSeconds: run.cubeSeconds,
      runs: run.runs.map((modelRun) => ({
        model: modelRun.model,
        status: modelRun.status,
        resultFile: modelRun.resultFile ?? null,
        result: modelRun.result ?? null,
        predictions: modelRun.predictionsDir ?? null,
        diagnostics: modelRun.diagnostics,
      })),
    };
    const failedRuns = run.runs.filter((r) => r.status === 'failed');
    if (failedRuns.length > 0) {
      // Results of the models that did run are written and listed; the exit code says the run is incomplete.
      const failure = error(
        'benchmark.model-failed',
        `${failedRuns.length} model(s) failed: ${failedRuns.map((r) => r.model).join(', ')}`,
      );
      this.report(failure);
      process.exitCode = 1;
      return { ...out, error: toJson(failure) };
    }
    return out;
  }
}
