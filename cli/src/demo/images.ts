/**
 * Container images of the example cubes for `gitperf demo --runner podman`: built offline by
 * scripts/build-example-images.sh (cached by podman after the first build), and pinned by digest in the
 * MLCube entities the demo registers.
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fail } from '../diagnostics/diagnostic.js';

export const BUILD_SCRIPT = fileURLToPath(
  new URL('../../../scripts/build-example-images.sh', import.meta.url),
);

const CONTAINERS_CONF = fileURLToPath(new URL('../../../scripts/containers.conf', import.meta.url));

/**
 * The podman settings the image build uses (runc, cgroupfs, ulimits that rootless runc may set), unless the
 * caller chose a containers.conf: the cubes then run the way their images were built and tested.
 */
export function useExampleContainerSettings(env: NodeJS.ProcessEnv = process.env): void {
  env.CONTAINERS_CONF ??= CONTAINERS_CONF;
}

/** example folder → `localhost/gitperf/bc-<folder>:0.1@sha256:<digest>`. */
export async function buildExampleImages(folders: string[]): Promise<Record<string, string>> {
  if (!(await stat(BUILD_SCRIPT).catch(() => undefined)))
    fail(
      'demo.images-script-missing',
      `${BUILD_SCRIPT} is missing; run the container demo from a clone of gitperf`,
    );
  const build = await execa('bash', [BUILD_SCRIPT, ...folders], { reject: false });
  if (build.exitCode !== 0)
    fail(
      'demo.images-failed',
      `building the example images failed (${BUILD_SCRIPT}): ${String(build.stderr).trim().split('\n').slice(-3).join(' ')}; is podman installed and working?`,
    );
  const out: Record<string, string> = {};
  for (const line of String(build.stdout).split('\n')) {
    const match = /^localhost\/gitperf\/bc-([a-z]+):(\S+) id=\S+ digest=(sha256:[0-9a-f]{64})/.exec(
      line.trim(),
    );
    if (match) out[match[1]] = `localhost/gitperf/bc-${match[1]}:${match[2]}@${match[3]}`;
  }
  for (const folder of folders)
    if (!out[folder])
      fail(
        'demo.images-failed',
        `the image build printed no digest for ${folder}: ${String(build.stdout).trim()}`,
      );
  return out;
}
