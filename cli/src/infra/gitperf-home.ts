import os from 'node:os';
import path from 'node:path';

/** gitperf's local state folder: `$GITPERF_HOME`, default `~/.gitperf`. Every folder of the CLI shares it. */
export function gitperfHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.GITPERF_HOME;
  return home && home.length > 0 ? path.resolve(home) : path.join(os.homedir(), '.gitperf');
}
