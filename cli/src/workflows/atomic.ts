/** YAML files as the procedures write them, atomically (the file and folder helpers are in `infra/atomic-write.ts`). */
import { stringify } from 'yaml';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { fastStringify } from '../registry/fast-yaml.js';

/**
 * YAML as the registry writes it (NaN becomes `.nan`, which the registry schemas allow for metrics). An object
 * used twice is written twice, never as an anchor and alias: registry files refuse those.
 */
export function toYaml(value: unknown): string {
  return fastStringify(value) ?? stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

export async function writeYamlAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, toYaml(value));
}
