/** YAML as the procedures read and write it; files written atomically (the file and folder helpers are in `infra/atomic-write.ts`). */
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from '../infra/atomic-write.js';
import { fastParse, fastStringify } from '../registry/fast-yaml.js';

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

/**
 * YAML text as the procedures read it (what cubes write, the prepared dataset's records): plain block YAML
 * through the fast reader, which gives the same data, anything else through `yaml`. Throws `yaml`'s error.
 */
export function parseYaml(text: string): unknown {
  return fastParse(text) ?? parse(text);
}
