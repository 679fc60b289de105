import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let lib: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use (~60 ms): the fast path parses plain registry files
 * without it, so a valid registry or a small change often never needs it.
 */
export function yaml(): typeof Yaml {
  lib ??= require('yaml') as typeof Yaml;
  return lib;
}
