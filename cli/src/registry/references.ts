import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import {
  datasetAssociationRef,
  type EntityByKind,
  type Kind,
  modelAssociationRef,
  splitOwnedRef,
} from './kinds.js';
import { repoEntityPath } from './layout.js';
import type { LoadedEntity } from './loader.js';
import type { PropertyPath } from './positions.js';
import { currentHashes } from './provenance.js';
import type { CompatibilityTest, CubeUsage } from './types.generated.js';

/** What the reference layer may ask about the rest of the registry. */
export interface RefFacts {
  /** Whether a file for `kind`/`ref` exists (path-level; its content may not have been parsed). */
  has(kind: Kind, ref: string): boolean;
  /** Content of other files that some checks consult; undefined when not loaded (check skipped). */
  support: SupportFacts;
}

/** A runner's signing key as the validator reads it (Runner `spec.keys[]`, or its bare `spec.publicKey`). */
export interface RunnerKeyData {
  publicKey: string;
  validAfter?: string;
  validBefore?: string;
}

/** The few fields of other entities that cross-file checks read. Small enough to ship to workers. */
export interface SupportData {
  benchmarks: Record<string, { preparator: string; referenceModel: string; metrics: string }>;
  datasetPreparators: Record<string, string>;
  /** Dataset ref → its prepared data's generatedUid. */
  datasetUids: Record<string, string>;
  /** MLCube ref → the hashes a run of it records (provenance.ts). */
  cubeHashes: Record<string, Record<string, string>>;
  runnerDatasets: Record<string, string[]>;
  runnerKeys: Record<string, RunnerKeyData[]>;
}

export function emptySupportData(): SupportData {
  return {
    benchmarks: {},
    datasetPreparators: {},
    datasetUids: {},
    cubeHashes: {},
    runnerDatasets: {},
    runnerKeys: {},
  };
}

/** Adds `part`'s entries to `into` (workers send their parts back). */
export function mergeSupportData(into: SupportData, part: SupportData): void {
  for (const key of Object.keys(into) as (keyof SupportData)[]) Object.assign(into[key], part[key]);
}

/** A runner's keys: `spec.keys` when given, else its one `spec.publicKey` (valid at any time). */
export function runnerKeys(spec: EntityByKind['Runner']['spec']): RunnerKeyData[] {
  if (spec.keys && spec.keys.length > 0) return spec.keys.map((k) => ({ ...k }));
  return spec.publicKey ? [{ publicKey: spec.publicKey }] : [];
}

export class SupportFacts {
  readonly data: SupportData;
  constructor(data?: SupportData) {
    this.data = data ?? emptySupportData();
  }
  /** Records what an entity contributes (Benchmark, Dataset, MLCube and Runner contribute something). */
  add(loaded: Pick<LoadedEntity, 'kind' | 'ref' | 'entity'>): void {
    if (loaded.kind === 'Benchmark') {
      const benchmark = loaded.entity as EntityByKind['Benchmark'];
      this.data.benchmarks[loaded.ref] = {
        preparator: benchmark.spec.preparator,
        referenceModel: benchmark.spec.referenceModel,
        metrics: benchmark.spec.metrics,
      };
    } else if (loaded.kind === 'Dataset') {
      const dataset = loaded.entity as EntityByKind['Dataset'];
      this.data.datasetPreparators[loaded.ref] = dataset.spec.preparator;
      this.data.datasetUids[loaded.ref] = dataset.spec.generatedUid;
    } else if (loaded.kind === 'MLCube') {
      this.data.cubeHashes[loaded.ref] = currentHashes((loaded.entity as EntityByKind['MLCube']).spec);
    } else if (loaded.kind === 'Runner') {
      const runner = loaded.entity as EntityByKind['Runner'];
      this.data.runnerDatasets[loaded.ref] = runner.spec.datasets;
      this.data.runnerKeys[loaded.ref] = runnerKeys(runner.spec);
    }
  }
  benchmark(name: string): { preparator: string; referenceModel: string; metrics: string } | undefined {
    return Object.hasOwn(this.data.benchmarks, name) ? this.data.benchmarks[name] : undefined;
  }
  datasetPreparator(ref: string): string | undefined {
    return Object.hasOwn(this.data.datasetPreparators, ref) ? this.data.datasetPreparators[ref] : undefined;
  }
  datasetUid(ref: string): string | undefined {
    return Object.hasOwn(this.data.datasetUids, ref) ? this.data.datasetUids[ref] : undefined;
  }
  cubeHashes(ref: string): Record<string, string> | undefined {
    return Object.hasOwn(this.data.cubeHashes, ref) ? this.data.cubeHashes[ref] : undefined;
  }
  runnerDatasets(ref: string): string[] | undefined {
    return Object.hasOwn(this.data.runnerDatasets, ref) ? this.data.runnerDatasets[ref] : undefined;
  }
  runnerKeys(ref: string): RunnerKeyData[] | undefined {
    return Object.hasOwn(this.data.runnerKeys, ref) ? this.data.runnerKeys[ref] : undefined;
  }
}

/** Kinds whose content other files' checks consult (loaded first when checking in parallel). */
export const SUPPORT_KINDS: readonly Kind[] = ['Benchmark', 'Dataset', 'MLCube', 'Runner'];

const OWNED: Kind[] = ['MLCube', 'Dataset', 'Runner'];
const ARTICLE: Record<string, string> = { MLCube: 'an MLCube', Dataset: 'a Dataset', Runner: 'a Runner' };

/**
 * The reference layer for one entity: every ref it holds resolves to an entity of the right kind,
 * owners and committee members are registered users, results have their associations, runners
 * serve their owner's datasets.
 */
export function checkReferences(loaded: LoadedEntity, facts: RefFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PropertyPath) => ({ file: loaded.file, ...loaded.position(path, 'value') });

  const user = (login: string | undefined, path: PropertyPath, what: string) => {
    if (login === undefined || facts.has('User', login)) return;
    out.push(
      error(
        'ref.unknown-user',
        `${what} "${login}" is not a registered user; add ${repoEntityPath('User', login)} first`,
        at(path),
      ),
    );
  };
  const owned = (kind: Kind, ref: string, path: PropertyPath, what: string): boolean => {
    if (facts.has(kind, ref)) return true;
    const other = OWNED.find((k) => k !== kind && facts.has(k, ref));
    if (other) {
      out.push(
        error('ref.wrong-kind', `${what} "${ref}" is ${ARTICLE[other]}, not ${ARTICLE[kind]}`, at(path)),
      );
    } else {
      out.push(
        error(
          'ref.unresolved',
          `${what} "${ref}" does not exist: the registry has no ${kind} ${ref}`,
          at(path),
        ),
      );
    }
    return false;
  };
  const benchmark = (name: string, path: PropertyPath): boolean => {
    if (facts.has('Benchmark', name)) return true;
    out.push(error('ref.unresolved', `benchmark "${name}" does not exist`, at(path)));
    return false;
  };
  const cubes = (list: CubeUsage[], base: PropertyPath) => {
    for (const [i, c] of list.entries()) owned('MLCube', c.ref, [...base, i, 'ref'], 'cube');
  };
  const compat = (t: CompatibilityTest) => cubes(t.cubes, ['spec', 'compatibilityTest', 'cubes']);

  switch (loaded.kind) {
    case 'Registry':
    case 'User':
      break;
    case 'MLCube':
      user((loaded.entity as EntityByKind['MLCube']).metadata.owner, ['metadata', 'owner'], 'owner');
      break;
    case 'Dataset': {
      const dataset = loaded.entity as EntityByKind['Dataset'];
      user(dataset.metadata.owner, ['metadata', 'owner'], 'owner');
      owned('MLCube', dataset.spec.preparator, ['spec', 'preparator'], 'preparator');
      break;
    }
    case 'Runner': {
      const runner = loaded.entity as EntityByKind['Runner'];
      user(runner.metadata.owner, ['metadata', 'owner'], 'owner');
      runner.spec.datasets.forEach((ref, i) => {
        const path = ['spec', 'datasets', i];
        if (!owned('Dataset', ref, path, 'dataset')) return;
        const owner = splitOwnedRef(ref)?.owner;
        if (owner !== runner.metadata.owner) {
          out.push(
            error(
              'ref.runner-foreign-dataset',
              `runner of "${runner.metadata.owner}" cannot serve dataset "${ref}" of "${owner}"; a runner serves only its owner's datasets`,
              at(path),
            ),
          );
        }
      });
      break;
    }
    case 'Benchmark': {
      const benchmark = loaded.entity as EntityByKind['Benchmark'];
      user(benchmark.metadata.owner, ['metadata', 'owner'], 'owner');
      for (const [i, login] of benchmark.spec.committee.entries())
        user(login, ['spec', 'committee', i], 'committee member');
      owned('MLCube', benchmark.spec.preparator, ['spec', 'preparator'], 'preparator');
      owned('MLCube', benchmark.spec.referenceModel, ['spec', 'referenceModel'], 'referenceModel');
      owned('MLCube', benchmark.spec.metrics, ['spec', 'metrics'], 'metrics');
      for (const which of ['modelAutoApproval', 'datasetAutoApproval'] as const) {
        for (const [i, login] of (benchmark.spec.policy[which].allowlist ?? []).entries()) {
          user(login, ['spec', 'policy', which, 'allowlist', i], 'allowlist entry');
        }
      }
      compat(benchmark.spec.compatibilityTest);
      break;
    }
    case 'ModelAssociation': {
      const association = loaded.entity as EntityByKind['ModelAssociation'];
      user(association.metadata.owner, ['metadata', 'owner'], 'owner');
      benchmark(association.spec.benchmark, ['spec', 'benchmark']);
      owned('MLCube', association.spec.model, ['spec', 'model'], 'model');
      compat(association.spec.compatibilityTest);
      break;
    }
    case 'DatasetAssociation': {
      const association = loaded.entity as EntityByKind['DatasetAssociation'];
      user(association.metadata.owner, ['metadata', 'owner'], 'owner');
      const hasB = benchmark(association.spec.benchmark, ['spec', 'benchmark']);
      const hasD = owned('Dataset', association.spec.dataset, ['spec', 'dataset'], 'dataset');
      const benchmarkFacts = hasB ? facts.support.benchmark(association.spec.benchmark) : undefined;
      const prep = hasD ? facts.support.datasetPreparator(association.spec.dataset) : undefined;
      if (benchmarkFacts && prep !== undefined && prep !== benchmarkFacts.preparator) {
        out.push(
          error(
            'ref.preparator-mismatch',
            `dataset "${association.spec.dataset}" was prepared with "${prep}", but benchmark "${association.spec.benchmark}" uses preparator "${benchmarkFacts.preparator}"`,
            at(['spec', 'dataset']),
          ),
        );
      }
      compat(association.spec.compatibilityTest);
      break;
    }
    case 'Result': {
      const result = loaded.entity as EntityByKind['Result'];
      user(result.metadata.owner, ['metadata', 'owner'], 'owner (data owner)');
      const hasB = benchmark(result.spec.benchmark, ['spec', 'benchmark']);
      const hasM = owned('MLCube', result.spec.model, ['spec', 'model'], 'model');
      const hasD = owned('Dataset', result.spec.dataset, ['spec', 'dataset'], 'dataset');
      if (
        hasB &&
        hasD &&
        !facts.has('DatasetAssociation', datasetAssociationRef(result.spec.benchmark, result.spec.dataset))
      ) {
        out.push(
          error(
            'ref.not-associated',
            `dataset "${result.spec.dataset}" is not associated with benchmark "${result.spec.benchmark}"; its association must be merged before results`,
            at(['spec', 'dataset']),
          ),
        );
      }
      if (
        hasB &&
        hasM &&
        !facts.has('ModelAssociation', modelAssociationRef(result.spec.benchmark, result.spec.model))
      ) {
        const benchmarkFacts = facts.support.benchmark(result.spec.benchmark);
        // The reference model takes part without an association; an unloadable benchmark is reported on its own.
        if (benchmarkFacts && benchmarkFacts.referenceModel !== result.spec.model) {
          out.push(
            error(
              'ref.not-associated',
              `model "${result.spec.model}" is neither associated with benchmark "${result.spec.benchmark}" nor its reference model; its association must be merged before results`,
              at(['spec', 'model']),
            ),
          );
        }
      }
      const runnerRef = result.spec.execution.runnerRef;
      if (runnerRef && owned('Runner', runnerRef, ['spec', 'execution', 'runnerRef'], 'runner')) {
        const served = facts.support.runnerDatasets(runnerRef);
        if (served && !served.includes(result.spec.dataset)) {
          out.push(
            error(
              'ref.runner-not-serving',
              `runner "${runnerRef}" does not serve dataset "${result.spec.dataset}"`,
              at(['spec', 'execution', 'runnerRef']),
            ),
          );
        }
      }
      cubes(result.spec.execution.cubes, ['spec', 'execution', 'cubes']);
      for (const [i, login] of (result.spec.encrypted?.recipients ?? []).entries()) {
        user(login, ['spec', 'encrypted', 'recipients', i], 'recipient');
      }
      break;
    }
  }
  return out;
}
