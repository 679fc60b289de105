/**
 * The layering of cli/src, written once: which folders each folder may import. The layering test
 * checks every import of cli/src/**\/*.ts against it, checks that no folders import each other, and
 * that only the command layer touches oclif. The README's Architecture section describes the same
 * layers for people; change both together.
 *
 * Read it bottom-up: foundations first, then the engines, then the roles, then the command layer.
 */
import type { LayeringRules } from './import-graph.js';

export const layeringRules: LayeringRules = {
  allowed: {
    // Foundations: errors as values, shared leaf helpers (atomic writes, hashing, worker pool,
    // $GITPERF_HOME), the one way git is run.
    diagnostics: [],
    infra: ['diagnostics'],
    git: ['infra', 'diagnostics'],
    // Keys, signatures and encryption of results: pure building blocks below the registry, whose
    // validator verifies every result's signature (so trust knows no entity types, only their shape).
    trust: ['infra', 'diagnostics'],
    // Engines, each knowing nothing of the others: the registry grammar and validator, the cube
    // runner, the merge policy (reads the registry through git), the forges.
    // The validator verifies each result's signature (trust's building blocks).
    registry: ['trust', 'infra', 'diagnostics'],
    cube: ['infra', 'diagnostics'],
    policy: ['trust', 'registry', 'git', 'infra', 'diagnostics'],
    // The local forge signs its members' reviews and merges (trust's SSHSIG).
    forge: ['trust', 'git', 'infra', 'diagnostics'],
    // The MedPerf procedures run cubes on data named by the registry.
    workflows: ['cube', 'registry', 'infra', 'diagnostics'],
    // Profiles name a forge address (forge's types) and live under $GITPERF_HOME with the member's key;
    // the user a profile acts as is a registry login (the registry's name grammar).
    profile: ['forge', 'trust', 'registry', 'git', 'infra', 'diagnostics'],
    // Submissions: where forge and policy meet (the registry's pre-receive hook checks signed merges).
    submission: ['policy', 'forge', 'profile', 'trust', 'registry', 'git', 'infra', 'diagnostics'],
    // What each role submits: a procedure's output as a submission.
    participants: [
      'submission',
      'workflows',
      'forge',
      'trust',
      'registry',
      'cube',
      'git',
      'infra',
      'diagnostics',
    ],
    // The public leaderboard: a static site built from a registry's results.
    leaderboard: ['registry', 'git', 'infra', 'diagnostics'],
    // What the registry waits for: jobs from registry files, cube hashes as a run records them.
    plan: ['registry', 'cube', 'git', 'infra', 'diagnostics'],
    // The embedded hospital runner: the plan's jobs run as a benchmark run and submitted as a data owner
    // submits results (participants); the registry read from git (policy's GitView).
    runner: ['participants', 'plan', 'workflows', 'policy', 'cube', 'registry', 'infra', 'diagnostics'],
    // A new registry: its files, its CODEOWNERS (policy), its first profile.
    init: ['policy', 'forge', 'profile', 'registry', 'git', 'infra', 'diagnostics'],
    // Every role, played on a fresh registry (the hospitals' runners included).
    demo: [
      'init',
      'leaderboard',
      'participants',
      'runner',
      'submission',
      'workflows',
      'profile',
      'forge',
      'trust',
      'registry',
      'git',
      'infra',
      'diagnostics',
    ],
    // The command layer: flags in, one module call, rendering out.
    cli: [
      'leaderboard',
      'participants',
      'submission',
      'workflows',
      'profile',
      'forge',
      'trust',
      'infra',
      'diagnostics',
    ],
    commands: [
      'cli',
      'demo',
      'init',
      'leaderboard',
      'plan',
      'runner',
      'participants',
      'submission',
      'workflows',
      'profile',
      'forge',
      'policy',
      'trust',
      'registry',
      'cube',
      'git',
      'infra',
      'diagnostics',
    ],
  },
  restrictedPackages: {
    // Logic modules take plain typed options, so they can be called from tests, the demo and scripts.
    '@oclif/core': ['commands', 'cli'],
  },
};
