#!/usr/bin/env node
// The compiled CLI lives in cli/dist (built by `npm run build`, which `npm ci` runs through `prepare`).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
