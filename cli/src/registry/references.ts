import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import {
  datasetAssociationRef,
  type EntityByKind,
  type Kind,
  modelAssociationRef,
  splitOwnedRef,
} from './kinds.js';
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
  add(e: Pick<LoadedEntity, 'kind' | 'ref' | 'entity'>): void {
    if (e.kind === 'Benchmark') {
      const b = e.entity as EntityByKind['Benchmark'];
      this.data.benchmarks[e.ref] = {
        preparator: b.spec.preparator,
        referenceModel: b.spec.referenceModel,
        metrics: b.spec.metrics,
      };
    } else if (e.kind === 'Dataset') {
      const d = e.entity as EntityByKind['Dataset'];
      this.data.datasetPreparators[e.ref] = d.spec.preparator;
      this.data.datasetUids[e.ref] = d.spec.generatedUid;
    } else if (e.kind === 'MLCube') {
      this.data.cubeHashes[e.ref] = currentHashes((e.entity as EntityByKind['MLCube']).spec);
    } else if (e.kind === 'Runner') {
      const r = e.entity as EntityByKind['Runner'];
      this.data.runnerDatasets[e.ref] = r.spec.datasets;
      this.data.runnerKeys[e.ref] = runnerKeys(r.spec);
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
export function checkReferences(e: LoadedEntity, facts: RefFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PropertyPath) => ({ file: e.file, ...e.position(path, 'value') });

  const user = (login: string | undefined, path: PropertyPath, what: string) => {
    if (login === undefined || facts.has('User', login)) return;
    out.push(
      error(
        'ref.unknown-user',
        `${what} "${login}" is not a registered user; add registry/users/${login}.yaml first`,
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

  switch (e.kind) {
    case 'Registry':
    case 'User':
      break;
    case 'MLCube':
      user((e.entity as EntityByKind['MLCube']).metadata.owner, ['metadata', 'owner'], 'owner');
      break;
    case 'Dataset': {
      const d = e.entity as EntityByKind['Dataset'];
      user(d.metadata.owner, ['metadata', 'owner'], 'owner');
      owned('MLCube', d.spec.preparator, ['spec', 'preparator'], 'preparator');
      break;
    }
    case 'Runner': {
      const r = e.entity as EntityByKind['Runner'];
      user(r.metadata.owner, ['metadata', 'owner'], 'owner');
      r.spec.datasets.forEach((ref, i) => {
        const path = ['spec', 'datasets', i];
        if (!owned('Dataset', ref, path, 'dataset')) return;
        const owner = splitOwnedRef(ref)?.owner;
        if (owner !== r.metadata.owner) {
          out.push(
            error(
              'ref.runner-foreign-dataset',
              `runner of "${r.metadata.owner}" cannot serve dataset "${ref}" of "${owner}"; a runner serves only its owner's datasets`,
              at(path),
            ),
          );
        }
      });
      break;
    }
    case 'Benchmark': {
      const b = e.entity as EntityByKind['Benchmark'];
      user(b.metadata.owner, ['metadata', 'owner'], 'owner');
      for (const [i, login] of b.spec.committee.entries())
        user(login, ['spec', 'committee', i], 'committee member');
      owned('MLCube', b.spec.preparator, ['spec', 'preparator'], 'preparator');
      owned('MLCube', b.spec.referenceModel, ['spec', 'referenceModel'], 'referenceModel');
      owned('MLCube', b.spec.metrics, ['spec', 'metrics'], 'metrics');
      for (const which of ['modelAutoApproval', 'datasetAutoApproval'] as const) {
        for (const [i, login] of (b.spec.policy[which].allowlist ?? []).entries()) {
          user(login, ['spec', 'policy', which, 'allowlist', i], 'allowlist entry');
        }
      }
      compat(b.spec.compatibilityTest);
      break;
    }
    case 'ModelAssociation': {
      const a = e.entity as EntityByKind['ModelAssociation'];
      user(a.metadata.owner, ['metadata', 'owner'], 'owner');
      benchmark(a.spec.benchmark, ['spec', 'benchmark']);
      owned('MLCube', a.spec.model, ['spec', 'model'], 'model');
      compat(a.spec.compatibilityTest);
      break;
    }
    case 'DatasetAssociation': {
      const a = e.entity as EntityByKind['DatasetAssociation'];
      user(a.metadata.owner, ['metadata', 'owner'], 'owner');
      const hasB = benchmark(a.spec.benchmark, ['spec', 'benchmark']);
      const hasD = owned('Dataset', a.spec.dataset, ['spec', 'dataset'], 'dataset');
      const b = hasB ? facts.support.benchmark(a.spec.benchmark) : undefined;
      const prep = hasD ? facts.support.datasetPreparator(a.spec.dataset) : undefined;
      if (b && prep !== undefined && prep !== b.preparator) {
        out.push(
          error(
            'ref.preparator-mismatch',
            `dataset "${a.spec.dataset}" was prepared with "${prep}", but benchmark "${a.spec.benchmark}" uses preparator "${b.preparator}"`,
            at(['spec', 'dataset']),
          ),
        );
      }
      compat(a.spec.compatibilityTest);
      break;
    }
    case 'Result': {
      const r = e.entity as EntityByKind['Result'];
      user(r.metadata.owner, ['metadata', 'owner'], 'owner (data owner)');
      const hasB = benchmark(r.spec.benchmark, ['spec', 'benchmark']);
      const hasM = owned('MLCube', r.spec.model, ['spec', 'model'], 'model');
      const hasD = owned('Dataset', r.spec.dataset, ['spec', 'dataset'], 'dataset');
      if (
        hasB &&
        hasD &&
        !facts.has('DatasetAssociation', datasetAssociationRef(r.spec.benchmark, r.spec.dataset))
      ) {
        out.push(
          error(
            'ref.not-associated',
            `dataset "${r.spec.dataset}" is not associated with benchmark "${r.spec.benchmark}"; its association must be merged before results`,
            at(['spec', 'dataset']),
          ),
        );
      }
      if (
        hasB &&
        hasM &&
        !facts.has('ModelAssociation', modelAssociationRef(r.spec.benchmark, r.spec.model))
      ) {
        const b = facts.support.benchmark(r.spec.benchmark);
        // The reference model takes part without an association; an unloadable benchmark is reported on its own.
        if (b && b.referenceModel !== r.spec.model) {
          out.push(
            error(
              'ref.not-associated',
              `model "${r.spec.model}" is neither associated with benchmark "${r.spec.benchmark}" nor its reference model; its association must be merged before results`,
              at(['spec', 'model']),
            ),
          );
        }
      }
      const runnerRef = r.spec.execution.runnerRef;
      if (runnerRef && owned('Runner', runnerRef, ['spec', 'execution', 'runnerRef'], 'runner')) {
        const served = facts.support.runnerDatasets(runnerRef);
        if (served && !served.includes(r.spec.dataset)) {
          out.push(
            error(
              'ref.runner-not-serving',
              `runner "${runnerRef}" does not serve dataset "${r.spec.dataset}"`,
              at(['spec', 'execution', 'runnerRef']),
            ),
          );
        }
      }
      cubes(r.spec.execution.cubes, ['spec', 'execution', 'cubes']);
      for (const [i, login] of (r.spec.encrypted?.recipients ?? []).entries()) {
        user(login, ['spec', 'encrypted', 'recipients', i], 'recipient');
      }
      break;
    }
  }
  return out;
}
