/** YAML files as the procedures write them, atomically (the file and folder helpers are in `infra/atomic-write.ts`). */
import { stringify } from 'yaml';
import { writeFileAtomic } from '../infra/atomic-write.js';

/** YAML as the registry writes it (NaN becomes `.nan`, which the registry schemas allow for metrics). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

export async function writeYamlAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, toYaml(value));
}
