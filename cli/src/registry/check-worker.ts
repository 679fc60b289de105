// Worker thread for full validation of large registries: YAML parsing dominates, so files are
// checked (all three layers) in parallel and only diagnostics and a few support fields come back.
import { parentPort } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { checkFile, PathFacts, refFacts } from './file-check.js';
import type { Kind } from './kinds.js';
import { classifyPath } from './layout.js';
import { type RefFacts, SUPPORT_KINDS, type SupportData, SupportFacts } from './references.js';

export type WorkerRequest =
  | { type: 'init'; refs: Partial<Record<Kind, string[]>> }
  | { type: 'support'; data: SupportData }
  | { type: 'job'; id: number; paths: string[]; files: string[]; buffer: ArrayBuffer; offsets: number[] };

export interface WorkerResponse {
  id: number;
  diagnostics: Diagnostic[];
  support: SupportData;
}

let paths = new PathFacts({});
let facts: RefFacts = refFacts(paths);

parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'init') {
    paths = new PathFacts(msg.refs);
    facts = refFacts(paths);
    return;
  }
  if (msg.type === 'support') {
    facts = refFacts(paths, new SupportFacts(msg.data));
    return;
  }
  const diagnostics: Diagnostic[] = [];
  const support = new SupportFacts();
  const all = new Uint8Array(msg.buffer);
  for (let i = 0; i < msg.paths.length; i++) {
    const info = classifyPath(msg.paths[i]);
    if (!info) continue;
    const bytes = all.subarray(msg.offsets[i], msg.offsets[i + 1]);
    const checked = checkFile(msg.paths[i], msg.files[i], info, bytes, facts);
    diagnostics.push(...checked.diagnostics);
    if (checked.entity && SUPPORT_KINDS.includes(checked.entity.kind)) support.add(checked.entity);
  }
  const res: WorkerResponse = { id: msg.id, diagnostics, support: support.data };
  parentPort?.postMessage(res);
});
