/**
 * `gitperf association request`: ask for a model or a dataset to join a benchmark. For a model, the
 * compatibility test runs the benchmark's preparator, the model and the metrics on the demo dataset; for a
 * dataset, the benchmark's reference model runs on the real prepared data, locally. The test record goes
 * into `registry/benchmarks/<b>/models/<owner>.<cube>.yaml` (or `datasets/<owner>.<dataset>.yaml`), and
 * the other side (the committee, or the owner when a committee member asks) approves.
 */
import { type Diagnostic, fail, warning } from '../diagnostics/diagnostic.js';
import { datasetAssociationRef, isOwnedRef, modelAssociationRef, pairName } from '../registry/kinds.js';
import { entityPath, repoEntityPath } from '../registry/layout.js';
import type { CompatibilityTest, DatasetAssociation, ModelAssociation } from '../registry/types.generated.js';
import { toYaml } from '../workflows/atomic.js';
import { runCompatibilityTest } from '../workflows/compatibility-test.js';
import { loadPreparedDataset } from '../workflows/prepare-dataset.js';
import { loadBenchmark } from '../workflows/registry-access.js';
import { testNote } from './benchmark-submit.js';
import { requireConsent } from './consent.js';
import { type Participant, prepare } from './context.js';
import { checkSchema } from './mlcube-submit.js';
import { entityFile, indent, type SubmitOutcome, submit } from './submit.js';
import { failUnregistered, openSubmissionAdding } from './unmerged.js';

export interface AssociationRequestInput {
  benchmark: string;
  /** `owner/name` of a registered MLCube. */
  model?: string;
  /** `owner/name` of a registered dataset prepared on this machine. */
  dataset?: string;
  noCache?: boolean;
}

export interface AssociationRequestOutcome extends SubmitOutcome {
  kind: 'ModelAssociation' | 'DatasetAssociation';
  path: string;
  entity: ModelAssociation | DatasetAssociation;
  compatibilityTest: CompatibilityTest;
  diagnostics: Diagnostic[];
}

export async function requestAssociation(
  participant: Participant,
  input: AssociationRequestInput,
): Promise<AssociationRequestOutcome> {
  if (Boolean(input.model) === Boolean(input.dataset))
    fail('association.flags', 'name exactly one of --model REF or --dataset REF', {}, 2);
  const ref = (input.model ?? input.dataset) as string;
  if (!isOwnedRef(ref)) fail('association.ref-invalid', `${ref} is not a reference owner/name`, {}, 2);
  const ready = await prepare(participant);
  const bench = await loadBenchmark(input.benchmark, ready.snapshot.registryDir);
  const index = ready.snapshot.registry.index;
  const [owner] = ref.split('/');
  const benchmark = input.benchmark;
  // A second request for the same pair is allowed (a re-test after a fix), but never by accident.
  const associationPath = repoEntityPath(
    input.model ? 'ModelAssociation' : 'DatasetAssociation',
    input.model ? modelAssociationRef(benchmark, ref) : datasetAssociationRef(benchmark, ref),
  );
  const pending = await openSubmissionAdding(participant, associationPath);
  if (pending)
    participant.onWarning?.(
      warning(
        'association.duplicate',
        `submission #${pending.number} (${pending.title}) already requests this association and is open; this opens another one: close one of them (\`gitperf submission close N\`)`,
      ),
    );

  if (input.model) {
    if (!index.get('MLCube', ref))
      await failUnregistered(participant, {
        code: 'association.model-unregistered',
        what: `MLCube ${ref}`,
        path: repoEntityPath('MLCube', ref),
        howToAdd: 'submit it first (`gitperf mlcube submit`) and have it merged',
      });
    const test = await runCompatibilityTest(
      {
        preparator: bench.preparator,
        model: ref,
        metrics: bench.metrics,
        data: { kind: 'demo', ...bench.demoDataset },
        noCache: input.noCache,
      },
      ready,
    );
    const path = repoEntityPath('ModelAssociation', modelAssociationRef(benchmark, ref));
    const existing = index.atPath(entityPath('ModelAssociation', modelAssociationRef(benchmark, ref)))
      ?.entity as ModelAssociation | undefined;
    const entity: ModelAssociation = {
      apiVersion: 'gitperf/v1',
      kind: 'ModelAssociation',
      metadata: { name: pairName(ref), owner },
      spec: {
        benchmark: benchmark,
        model: ref,
        priority: existing?.spec.priority ?? 0,
        compatibilityTest: test.record,
      },
    };
    checkSchema('ModelAssociation', entity);
    const out = await submit(participant, [entityFile(path, entity)], {
      note: testNote(
        `${ref} on the demo dataset of ${benchmark}`,
        test.record.metrics,
        bench.entity.spec.policy.primaryMetric,
      ),
    });
    return {
      ...out,
      kind: 'ModelAssociation',
      path,
      entity,
      compatibilityTest: test.record,
      diagnostics: test.diagnostics,
    };
  }

  const [, name] = ref.split('/');
  const registered = index.get('Dataset', ref);
  if (!registered)
    return failUnregistered(participant, {
      code: 'association.dataset-unregistered',
      what: `dataset ${ref}`,
      path: repoEntityPath('Dataset', ref),
      howToAdd: `register it first (\`gitperf dataset register ${name}\`) and have it merged`,
    });
  const local = await loadPreparedDataset(name, ready.layout);
  if (
    local.entity.metadata.owner !== owner ||
    local.entity.spec.generatedUid !== registered.entity.spec.generatedUid
  )
    fail(
      'association.dataset-mismatch',
      `the dataset prepared here as ${name} (${local.entity.metadata.owner}/${name}, ${local.entity.spec.generatedUid}) is not the registered ${ref} (${registered.entity.spec.generatedUid}); run this where ${ref} was prepared`,
    );
  const test = await runCompatibilityTest(
    {
      model: bench.referenceModel,
      metrics: bench.metrics,
      data: { kind: 'prepared', dataset: name },
      noCache: input.noCache,
    },
    ready,
  );
  const path = repoEntityPath('DatasetAssociation', datasetAssociationRef(benchmark, ref));
  const entity: DatasetAssociation = {
    apiVersion: 'gitperf/v1',
    kind: 'DatasetAssociation',
    metadata: { name: pairName(ref), owner },
    spec: { benchmark: benchmark, dataset: ref, compatibilityTest: test.record },
  };
  checkSchema('DatasetAssociation', entity);
  // These metrics were computed on the hospital's data: as for results (and in MedPerf), the data owner
  // sees exactly what will be published and consents first.
  const out = await submit(participant, [entityFile(path, entity)], {
    note: testNote(
      `the reference model ${bench.referenceModel} on the prepared data of ${ref} (run locally; the data did not leave)`,
      test.record.metrics,
      bench.entity.spec.policy.primaryMetric,
    ),
    confirm: async () =>
      requireConsent(
        await participant.consent(
          `This association request publishes the compatibility test of ${bench.referenceModel} on your prepared data ${ref} (${path}); the data itself stays here:\n\n${indent(toYaml(entity.spec.compatibilityTest))}`,
          'Publish these metrics with the association request?',
        ),
      ),
  });
  return {
    ...out,
    kind: 'DatasetAssociation',
    path,
    entity,
    compatibilityTest: test.record,
    diagnostics: test.diagnostics,
  };
}
