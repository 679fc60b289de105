// RFC 8785 canonical JSON and the result payload built on it: the RFC's own vectors, and the exact bytes of
// a sample result's payload (the README's specification, checked independently with sha256sum).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../cli/src/trust/canonical-json.js';
import { measurementsDigest, parseMeasurements } from '../../cli/src/trust/measurements.js';
import { resultPayload, resultPayloadJson } from '../../cli/src/trust/result-payload.js';
import { codeOf, sampleResult } from './fixtures.js';

describe('canonical JSON (RFC 8785)', () => {
  it('serialises numbers as RFC 8785 Appendix B says', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['44b52d02c7e14af6', '1e+23'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['41b3de4355555555', '333333333.3333333'],
    ];
    for (const [bits, expected] of vectors) {
      expect(canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))).toBe(expected);
    }
  });

  it('reproduces the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the order from the text: JSON.parse would move the integer-like key "1" first.
    const text = canonicalJson(input);
    const values = [...text.matchAll(/:"([^"]*)"/g)].map((match) => match[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('refuses what JSON cannot hold', async () => {
    expect(await codeOf(Promise.resolve().then(() => canonicalJson(Number.NaN)))).toBe(
      'trust.canonical-number',
    );
    expect(await codeOf(Promise.resolve().then(() => canonicalJson([Number.POSITIVE_INFINITY])))).toBe(
      'trust.canonical-number',
    );
    expect(await codeOf(Promise.resolve().then(() => canonicalJson({ text: 'a\ud800b' })))).toBe(
      'trust.canonical-string',
    );
  });
});

describe('the result payload', () => {
  it('is the documented projection, byte for byte', () => {
    const payload = resultPayload(sampleResult()).toString('utf8');
    const metricsDigest = createHash('sha256')
      .update('{"metrics":{"accuracy":0.939394,"auc":0.982553,"brier":"NaN","coverage":1}}')
      .digest('hex');
    expect(payload).toBe(
      '{"benchmark":"bc-diagnosis","dataOwner":"hospital-c","dataset":"hospital-c/wdbc-c","execution":{"cubes":[' +
        '{"hashes":{"manifest":"sha256:91f26ed3d8c167beb3e627086c7d02254b91347526d223a4f0cd6f80199f93aa","parameters":"sha256:3ffffffb4650b70a3400458863ea152d76505b4047a882ac0f71031b7ed78ba0"},"ref":"ana/bc-prep","role":"preparator"},' +
        '{"hashes":{"image":"sha256:0d3b2c1e4f5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0","manifest":"sha256:e6d8ea8ff5195aa87fd744593e29fa3441cafd3b0667db643840910e4ddbb1aa"},"ref":"lee/bc-centroid","role":"model"},' +
        '{"hashes":{"manifest":"sha256:77baaf0f61382da055535d4f7c8fbb9f653c227bdfcc4d374c73a57ca7df082b"},"ref":"ana/bc-metrics","role":"metrics"}],' +
        '"dataset":{"generatedUid":"sha256:c57b63ad67fff8e12630f00754a18d0b15bb2c1c0542d7d0aa14315597fdaebd"},' +
        '"finishedAt":"2026-11-30T10:05:00Z","gitperfVersion":"0.1.0","runner":"podman","runnerRef":"hospital-c/gpu-1","startedAt":"2026-11-30T10:00:00Z"},' +
        `"format":"gitperf-result/1","measurementsSha256":"${metricsDigest}","model":"lee/bc-centroid","partial":false}`,
    );
  });

  it('leaves out what is not signed: signature, recipients, ciphertext, metadata other than the owner', () => {
    const plain = resultPayload(sampleResult());
    const decorated = sampleResult();
    decorated.spec.signature = '-----BEGIN SSH SIGNATURE-----';
    decorated.metadata.description = 'changed later';
    decorated.metadata.labels = { site: 'a' };
    expect(resultPayload(decorated)).toEqual(plain);
  });

  it('changes with every signed field', () => {
    const base = resultPayload(sampleResult());
    const edits: ((result: ReturnType<typeof sampleResult>) => void)[] = [
      (result) => {
        result.spec.metrics = { ...result.spec.metrics, accuracy: 0.99 };
      },
      (result) => {
        result.spec.metrics = { ...result.spec.metrics, extra: 1 };
      },
      (result) => {
        result.spec.sufficientStatistics = {
          cases: 33,
          operatingPoint: { threshold: 0.5, tp: 10, fp: 3, tn: 15, fn: 5 },
        };
      },
      (result) => {
        result.spec.execution.cubes[1].hashes.image = `sha256:${'0'.repeat(64)}`;
      },
      (result) => {
        result.spec.execution.cubes.reverse();
      },
      (result) => {
        result.spec.execution.dataset.generatedUid = `sha256:${'1'.repeat(64)}`;
      },
      (result) => {
        result.spec.execution.runnerRef = 'hospital-a/gpu-1';
      },
      (result) => {
        result.spec.execution.finishedAt = '2026-11-30T10:05:01Z';
      },
      (result) => {
        result.spec.partial = true;
      },
      (result) => {
        result.spec.model = 'kim/bc-stump';
      },
      (result) => {
        result.metadata.owner = 'hospital-a';
      },
    ];
    for (const edit of edits) {
      const changed = sampleResult();
      edit(changed);
      expect(resultPayload(changed).equals(base)).toBe(false);
    }
  });

  it('uses the encrypted envelope digest when metrics are encrypted, and needs one', async () => {
    const encrypted = sampleResult();
    const digest = measurementsDigest({ metrics: { accuracy: 0.5 }, nonce: 'ab'.repeat(32) });
    encrypted.spec.metrics = undefined;
    encrypted.spec.encrypted = {
      scheme: 'age',
      recipients: ['ana'],
      ciphertext: 'x',
      measurementsSha256: digest,
    };
    expect(resultPayloadJson(encrypted)).toMatchObject({ measurementsSha256: digest });
    // A hand-written file the schema would refuse: the payload builder must still say so, not sign garbage.
    (encrypted.spec.encrypted as { measurementsSha256?: string }).measurementsSha256 = undefined;
    expect(await codeOf(Promise.resolve().then(() => resultPayload(encrypted)))).toBe(
      'trust.payload-measurements',
    );
  });

  it('round-trips measurements through their JSON, NaN included', async () => {
    const measurements = { metrics: { auc: Number.NaN, accuracy: 0.5 }, sufficientStatistics: { tp: 3 } };
    const text = Buffer.from(
      canonicalJson({ metrics: { accuracy: 0.5, auc: 'NaN' }, sufficientStatistics: { tp: 3 } }),
    );
    const parsed = parseMeasurements(text);
    expect(parsed.metrics.auc).toBeNaN();
    expect(measurementsDigest(parsed)).toBe(measurementsDigest(measurements));
    for (const bad of [
      '[]',
      '{}',
      '{"metrics":{"a":"x"}}',
      '{"metrics":{"1a":1}}',
      '{"metrics":{},"other":1}',
      '\xff',
    ]) {
      expect(await codeOf(Promise.resolve().then(() => parseMeasurements(Buffer.from(bad, 'latin1'))))).toBe(
        'trust.measurements-malformed',
      );
    }
  });
});
