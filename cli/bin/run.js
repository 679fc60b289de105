#!/usr/bin/env node
// The compiled CLI lives in cli/dist (built by `npm run build`, which `npm ci` runs through `prepare`).

// oclif checks its own Node engine range when it is imported, which loads semver (47 modules, about 20 ms
// on every run); npm already checks gitperf's `engines` at install, and oclif 4 supports every Node >= 18.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });
