/** What the leaderboard reads from a loaded registry: per benchmark, its policy, models and results. */
import type { RegistryIndex } from '../registry/registry-index.js';
import type { SealedMeasurements } from '../registry/result-encryption.js';
import { isSignedResult } from '../registry/result-signed.js';
import type { Benchmark, CubeUsage, SufficientStatistics } from '../registry/types.generated.js';

/** One merged result: one model on one dataset. */
export interface ResultCell {
  model: string;
  dataset: string;
  /** Registry-relative path, e.g. `benchmarks/b/results/hospital-a/wdbc-a/lee.bc-centroid.yaml`. */
  file: string;
  /** The reported metrics; empty when the result is encrypted. */
  metrics: Readonly<Record<string, number>>;
  encrypted: boolean;
  /** An encrypted result's ciphertext and signed digest (decrypt.ts opens them with a committee identity). */
  sealed?: SealedMeasurements;
  stats?: SufficientStatistics;
  partial: boolean;
  /** A runner signed it; an unsigned one (submitted by hand) is marked `unsigned` where its numbers show. */
  signed: boolean;
  cubes: readonly CubeUsage[];
}

export interface BenchmarkInput {
  name: string;
  description?: string;
  policy: Benchmark['spec']['policy'];
  /** Associated models with their public-leaderboard opt-in. */
  models: { model: string; optIn: boolean }[];
  results: ResultCell[];
}

export function collectBenchmarks(index: RegistryIndex): BenchmarkInput[] {
  return index.list('Benchmark').map((benchmark) => ({
    name: benchmark.entity.metadata.name,
    ...(benchmark.entity.metadata.description ? { description: benchmark.entity.metadata.description } : {}),
    policy: benchmark.entity.spec.policy,
    models: index.modelAssociations(benchmark.ref).map((association) => ({
      model: association.entity.spec.model,
      optIn: association.entity.spec.leaderboardOptIn === true,
    })),
    results: index.results(benchmark.ref).map((result) => {
      const spec = result.entity.spec;
      return {
        model: spec.model,
        dataset: spec.dataset,
        file: result.path,
        metrics: spec.metrics ?? {},
        encrypted: spec.encrypted !== undefined,
        ...(spec.encrypted ? { sealed: sealedOf(spec.encrypted) } : {}),
        ...(spec.sufficientStatistics ? { stats: spec.sufficientStatistics } : {}),
        partial: spec.partial,
        signed: isSignedResult(result.entity),
        cubes: spec.execution.cubes,
      };
    }),
  }));
}

/** The part of `spec.encrypted` a reader needs (the recipients' logins are not). */
export function sealedOf(encrypted: SealedMeasurements): SealedMeasurements {
  return { ciphertext: encrypted.ciphertext, measurementsSha256: encrypted.measurementsSha256 };
}
