/**
 * Result signatures of a large registry are verified by worker threads beside the validation
 * (trust/result-verifier.ts): a bad signature among hundreds of good ones is still reported, at its file
 * and line, exactly as when every signature is verified in the validating thread or in the check workers,
 * and as when the verdicts come from the cache a previous run kept (each run has its own home otherwise).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Result } from '../../cli/src/registry/types.generated.js';
import { publicKeyOfSeed } from '../../cli/src/trust/ed25519.js';
import { formatPublicKey, generateEd25519KeyPair, signResult } from '../../cli/src/trust/index.js';
// @ts-expect-error: plain ESM script without type declarations
import { generateRegistry } from '../../scripts/bench/gen-registry.mjs';
import { repoRoot, runCli } from '../helpers/cli.js';

const sourceTrust = { formatPublicKey, signResult, publicKeyOfSeed };
let root: string;
let resultPaths: string[];

/** The line of `spec.signature`'s value (its `|` header). */
function signatureLine(file: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.indexOf('  signature: |') + 1;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gitperf-sigpool-'));
  const registry = join(root, 'registry');
  const gen = generateRegistry(registry, 2000, { signed: true, trust: sourceTrust });
  expect(gen.counts.Result).toBeGreaterThan(600);
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : path.includes('/results/') ? [path] : [];
    });
  resultPaths = walk(join(registry, 'benchmarks')).sort();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('result signatures verified in worker threads', () => {
  it('reports each bad signature in a large registry, the same with and without workers', async () => {
    expect(existsSync(join(repoRoot, 'cli/dist/trust/result-verifier-worker.js'))).toBe(true);
    // Three results spread over the registry: an edited metric, another runner's key, no signature.
    const [edited, otherKey, unsigned] = [
      resultPaths[3],
      resultPaths[Math.floor(resultPaths.length / 2)],
      resultPaths[resultPaths.length - 5],
    ];
    const editedText = readFileSync(edited, 'utf8');
    writeFileSync(edited, editedText.replace('    accuracy: 0.9\n', '    accuracy: 0.95\n'));
    // Signed over the right content, by a key the runner's entity does not list.
    const stranger = generateEd25519KeyPair();
    const otherText = readFileSync(otherKey, 'utf8');
    const forged = signResult(parse(otherText) as Result, stranger);
    writeFileSync(
      otherKey,
      otherText.replace(
        / {2}signature: \|\n( {4}.*\n)+/,
        `  signature: |\n${forged
          .trimEnd()
          .split('\n')
          .map((line) => `    ${line}\n`)
          .join('')}`,
      ),
    );
    writeFileSync(unsigned, readFileSync(unsigned, 'utf8').replace(/ {2}signature: \|\n( {4}.*\n)+/, ''));

    const run = (env: Record<string, string>, home = mkdtempSync(join(root, 'home-'))) =>
      runCli(['validate', 'registry', '--json'], {
        cwd: root,
        env: { GITPERF_HOME: home, ...env },
        timeout: 120_000,
      });
    const workersHome = mkdtempSync(join(root, 'home-'));
    const inWorkers = await run({ GITPERF_SIGNATURE_WORKERS: '2', GITPERF_WORKERS: '0' }, workersHome);
    const inline = await run({ GITPERF_SIGNATURE_WORKERS: '0', GITPERF_WORKERS: '0' });
    const inCheckWorkers = await run({ GITPERF_WORKERS: '2' });
    const byDefault = await run({});
    // Every verdict from the cache the first run kept, the two failures included.
    const cached = await run({ GITPERF_SIGNATURE_WORKERS: '2', GITPERF_WORKERS: '0' }, workersHome);
    expect(readdirSync(join(workersHome, 'cache', 'parsed', 'result-signatures')).length).toBeGreaterThan(0);
    expect(inWorkers.exitCode, inWorkers.stderr).toBe(1);
    const report = JSON.parse(inWorkers.stdout);
    const shown = (path: string) => path.slice(root.length + 1);
    expect(
      report.errors.map((e: { code: string; file: string; line: number }) => [e.code, e.file, e.line]),
    ).toEqual(
      [edited, otherKey].sort().map((path) => ['result.signature-invalid', shown(path), signatureLine(path)]),
    );
    const messages = report.errors.map((e: { message: string }) => e.message).join('\n');
    expect(messages).toMatch(/trust\.signature-invalid/);
    expect(messages).toMatch(/trust\.signer-unknown/);
    for (const other of [inline, inCheckWorkers, byDefault, cached]) {
      expect(other.exitCode).toBe(1);
      expect(JSON.parse(other.stdout)).toEqual(report);
    }

    // With the cache warm: the edited metric put back verifies again (ok), and a runner whose key changed in
    // its Runner entity has every result refused, though the result files are those of the cached verdicts.
    writeFileSync(edited, editedText);
    const rekeyedRunner = (parse(editedText) as Result).spec.execution.runnerRef ?? '';
    const runnerFile = join(root, 'registry', 'runners', `${rekeyedRunner}.yaml`);
    const runnerText = readFileSync(runnerFile, 'utf8');
    const oldKey = /publicKey: (ssh-ed25519 \S+)/.exec(runnerText)?.[1] ?? '';
    expect(oldKey).not.toBe('');
    writeFileSync(
      runnerFile,
      runnerText.replaceAll(oldKey, formatPublicKey(generateEd25519KeyPair().publicKey)),
    );
    const rekeyedCached = await run({ GITPERF_SIGNATURE_WORKERS: '2', GITPERF_WORKERS: '0' }, workersHome);
    const rekeyedFresh = await run({ GITPERF_SIGNATURE_WORKERS: '0', GITPERF_WORKERS: '0' });
    const rekeyedReport = JSON.parse(rekeyedCached.stdout);
    expect(rekeyedReport).toEqual(JSON.parse(rekeyedFresh.stdout));
    const refused = rekeyedReport.errors.map((e: { file: string }) => e.file);
    const ofRunner = resultPaths.filter((path) => {
      const spec = (parse(readFileSync(path, 'utf8')) as Result).spec;
      return spec.signature !== undefined && spec.execution.runnerRef === rekeyedRunner;
    });
    expect(ofRunner).toContain(edited);
    expect(refused).toEqual([...new Set([...ofRunner, otherKey])].map(shown).sort());
    expect(rekeyedReport.errors.map((e: { message: string }) => e.message).join('\n')).not.toMatch(
      /trust\.signature-invalid/,
    );
  });
});
