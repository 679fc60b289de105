/** A realistic Result (the example registry's shape) for the trust tests; every call returns a fresh copy. */
import type { Result } from '../../cli/src/registry/types.generated.js';

/** A Result whose encrypted envelope may carry the digest an encrypted result keeps in the clear. */
export type SampleResult = Pick<Result, 'metadata'> & {
  spec: Omit<Result['spec'], 'encrypted'> & {
    encrypted?: NonNullable<Result['spec']['encrypted']> & { measurementsSha256?: string };
  };
};

export function sampleResult(): SampleResult {
  return {
    metadata: { name: 'lee.bc-centroid', owner: 'hospital-c' },
    spec: {
      benchmark: 'bc-diagnosis',
      model: 'lee/bc-centroid',
      dataset: 'hospital-c/wdbc-c',
      metrics: { accuracy: 0.939394, auc: 0.982553, coverage: 1, brier: Number.NaN },
      partial: false,
      execution: {
        runner: 'podman',
        runnerRef: 'hospital-c/gpu-1',
        startedAt: '2026-11-30T10:00:00Z',
        finishedAt: '2026-11-30T10:05:00Z',
        gitperfVersion: '0.1.0',
        cubes: [
          {
            role: 'preparator',
            ref: 'ana/bc-prep',
            hashes: {
              manifest: 'sha256:91f26ed3d8c167beb3e627086c7d02254b91347526d223a4f0cd6f80199f93aa',
              parameters: 'sha256:3ffffffb4650b70a3400458863ea152d76505b4047a882ac0f71031b7ed78ba0',
            },
          },
          {
            role: 'model',
            ref: 'lee/bc-centroid',
            hashes: {
              manifest: 'sha256:e6d8ea8ff5195aa87fd744593e29fa3441cafd3b0667db643840910e4ddbb1aa',
              image: 'sha256:0d3b2c1e4f5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0',
            },
          },
          {
            role: 'metrics',
            ref: 'ana/bc-metrics',
            hashes: { manifest: 'sha256:77baaf0f61382da055535d4f7c8fbb9f653c227bdfcc4d374c73a57ca7df082b' },
          },
        ],
        dataset: { generatedUid: 'sha256:c57b63ad67fff8e12630f00754a18d0b15bb2c1c0542d7d0aa14315597fdaebd' },
      },
    },
  };
}

/** The diagnostic code a synchronous call throws (fails the test when it returns or throws a non-diagnostic). */
export { codeOf } from '../helpers/errors.js';
