import os from 'node:os';
import path from 'node:path';

/** gitperf's local state folder: `$GITPERF_HOME`, default `~/.gitperf`. */
export function gitperfHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env.GITPERF_HOME;
  return h && h.length > 0 ? path.resolve(h) : path.join(os.homedir(), '.gitperf');
}
