#!/usr/bin/env node
// Writes oclif.manifest.json (what `oclif manifest` does) so `gitperf --help` and every command
// start without importing all command modules. Run by `npm run build` after tsc; a manifest
// that lags behind cli/dist/commands would hide new commands, so the build always rewrites it.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'oclif.manifest.json');
if (process.argv.includes('--remove')) {
  // Before tsc: if the compile fails, no stale manifest is left to hide commands.
  rmSync(out, { force: true });
  process.exit(0);
}
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
writeFileSync(`${out}.tmp`, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
console.log(`wrote oclif.manifest.json (${Object.keys(plugin.manifest.commands).length} commands)`);
