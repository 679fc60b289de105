export { checkUnattendedEngine } from './engine.js';
export { jobBranch } from './job-branch.js';
export { type RunnerStartOptions, type RunnerStartResult, startRunner } from './loop.js';
export { memoryFile, type RunnerMemory, readMemory } from './memory.js';
export {
  type JobOutcome,
  type JobStatus,
  type PassReport,
  type RunnerPassContext,
  runnerPass,
  selectRunner,
} from './pass.js';
