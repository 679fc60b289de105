/**
 * Container images: loading a verified image tarball into podman or docker and naming the image to run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { error } from '../diagnostics/diagnostic.js';
import { failed, type Outcome, ok } from './types.js';

const run = promisify(execFile);

export type Engine = 'docker' | 'podman';

/** `reference@digest` when a digest is registered (a reference already carrying one is kept). */
export function pinnedImage(image: { reference: string; digest?: string }): string {
  if (!image.digest) return image.reference;
  // The registered digest decides what runs: a digest written into the reference itself is replaced, or the
  // run (and the hashes its result records) could name one image while another runs.
  return `${image.reference.split('@')[0]}@${image.digest}`;
}

/**
 * `<engine> load -i FILE`, then the loaded image's id (hex, no `sha256:`), which is what gets run: the id is
 * derived from the verified tarball's content, so a same-named image from elsewhere cannot stand in.
 */
export async function loadImageTarball(
  engine: Engine,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Outcome<{ id: string; names: string[] }>> {
  let out: string;
  try {
    const result = await run(engine, ['load', '-i', file], { env, maxBuffer: 16 * 1024 * 1024 });
    out = `${result.stdout}\n${result.stderr}`;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    return failed([
      error(
        err.code === 'ENOENT' ? 'runner.unavailable' : 'image.load-failed',
        err.code === 'ENOENT'
          ? `${engine} is not installed; it is needed to load the image tarball ${file}`
          : `${engine} load -i ${file} failed: ${(err.stderr ?? err.message).trim().split('\n').pop()}`,
      ),
    ]);
  }
  const names: string[] = [];
  let id: string | undefined;
  for (const line of out.split('\n')) {
    const mId = /^Loaded image ID:\s*(?:sha256:)?([0-9a-f]{64})/.exec(line.trim());
    if (mId) id = mId[1];
    const match = /^Loaded image\(?s?\)?:\s*(.+)$/.exec(line.trim());
    if (match)
      names.push(
        ...match[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  }
  if (!id) {
    if (names.length === 0)
      return failed([
        error('image.load-failed', `${engine} load -i ${file} did not say which image it loaded`),
      ]);
    try {
      const result = await run(engine, ['image', 'inspect', '--format', '{{.Id}}', names[0]], { env });
      id = result.stdout.trim().replace(/^sha256:/, '');
    } catch (e) {
      return failed([
        error('image.load-failed', `cannot inspect the loaded image ${names[0]}: ${(e as Error).message}`),
      ]);
    }
  }
  return ok({ id, names });
}
