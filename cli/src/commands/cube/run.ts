import path from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { sandboxFromFlags, unsafeNoSandboxFlag } from '../../cli/execution-flags.js';
import { planRun, RUNNER_KINDS, type RunnerKind, runTask, shellQuote } from '../../cube/index.js';
import { type Diagnostic, fail, GitperfError } from '../../diagnostics/diagnostic.js';
import { chooseRunner } from '../../workflows/execution-options.js';

export default class CubeRun extends BaseCommand {
  static override summary = 'Run one task of an MLCube folder (the debugging entry of the cube engine).';
  static override description =
    `Reads DIR/mlcube.yaml as MLCube does (or MedPerf's DIR/container_config.yaml: each volume at its mount_path), mounts each parameter (inputs read-only, outputs read-write, one /mlcube_ioN per folder), and runs TASK on the chosen runner with no network. NAME=PATH arguments replace a parameter's default path; relative PATHs are relative to the current folder (defaults stay relative to DIR/workspace). --dry-run prints the exact command line without running anything. The combined output goes to a log file under $GITPERF_HOME/logs/.`;
  static override examples = [
    '<%= config.bin %> cube run --cube examples/cubes/metrics --task evaluate --runner local predictions=preds/ labels=data/labels output_path=out/results.yaml',
    '<%= config.bin %> cube run --cube examples/cubes/prep --task prepare --runner podman --dry-run data_path=raw/ labels_path=labels/',
  ];
  static override strict = false;
  static override flags = {
    cube: Flags.string({
      required: true,
      description: 'cube folder (holds mlcube.yaml or container_config.yaml, and workspace/)',
    }),
    task: Flags.string({ required: true, description: 'task to run (e.g. prepare, infer, evaluate)' }),
    runner: Flags.string({
      options: [...RUNNER_KINDS],
      description:
        'docker, podman, singularity, apptainer, or local (bwrap sandbox). Default: $GITPERF_RUNNER, else podman or docker when installed, else local',
    }),
    'dry-run': Flags.boolean({ description: 'print the exact command line and stop' }),
    timeout: Flags.integer({
      min: 1,
      description: 'kill the task (and everything it started) after this many seconds',
    }),
    image: Flags.string({
      description: 'container image to run instead of the one the manifest or registry names',
    }),
    log: Flags.string({
      description: 'log file (default $GITPERF_HOME/logs/<time>-<cube>-<task>-<hex>.log)',
    }),
    'container-loglevel': Flags.string({
      aliases: ['loglevel'],
      description:
        'MEDPERF_LOGLEVEL given to the cube, upper-cased (e.g. debug); unset by default, as in MedPerf',
    }),
    gpus: Flags.string({ description: 'GPUs for container runners: all, N or device=a,b (default none)' }),
    ...unsafeNoSandboxFlag,
  };

  async run(): Promise<unknown> {
    const { flags, argv } = await this.parse(CubeRun);
    const params: Record<string, string> = {};
    for (const arg of argv as string[]) {
      const equals = arg.indexOf('=');
      if (equals <= 0) fail('cube.bad-argument', `expected NAME=PATH, got "${arg}"`, {}, 2);
      params[arg.slice(0, equals)] = path.resolve(arg.slice(equals + 1)) + (/[\\/]$/.test(arg) ? '/' : '');
    }
    const runner = (await chooseRunner(flags.runner)) as RunnerKind;
    const opts = {
      cubeDir: flags.cube,
      task: flags.task,
      runner,
      params,
      timeoutSeconds: flags.timeout,
      image: flags.image,
      logFile: flags.log,
      loglevel: flags['container-loglevel'],
      gpus: flags.gpus,
      sandbox: sandboxFromFlags(flags),
    };
    const json = this.jsonEnabled();
    const rejectWith = (ds: Diagnostic[]): never => {
      const errors = ds.filter((d) => d.severity === 'error');
      for (const diagnostic of ds) if (diagnostic.severity !== 'error') this.report(diagnostic);
      for (const diagnostic of errors.slice(0, -1)) this.report(diagnostic);
      throw new GitperfError(errors[errors.length - 1] ?? ds[0]);
    };

    if (flags['dry-run']) {
      const plan = await planRun(opts, { createOutputs: false, dryRun: true });
      if (!plan.ok) return rejectWith(plan.diagnostics);
      for (const warning of plan.value.warnings) this.report(warning);
      const command = plan.value.command;
      if (!json) {
        for (const step of command.prepare ?? [])
          this.log(`# if ${step.path} is missing: ${shellQuote(step.argv)}`);
        if (command.cwd && runner === 'local') this.log(`# in ${command.cwd}`);
        this.log(shellQuote(command.argv));
      }
      return {
        runner,
        task: flags.task,
        argv: command.argv,
        command: shellQuote(command.argv),
        cwd: command.cwd ?? null,
        prepare: command.prepare ?? [],
        mounts: plan.value.mounts.mounts,
        params: plan.value.mounts.params,
        warnings: plan.value.warnings,
      };
    }

    const outcome = await runTask({
      ...opts,
      // Live output for people; --json keeps stdout for the result.
      onOutput: json ? undefined : (s) => process.stderr.write(s),
    });
    if (!outcome.ok) return rejectWith(outcome.diagnostics);
    for (const warning of outcome.value.warnings) this.report(warning);
    const taskResult = outcome.value;
    const secs = (taskResult.durationMs / 1000).toFixed(1);
    if (!taskResult.succeeded) {
      process.exitCode = 1;
      this.report({
        code: taskResult.timedOut ? 'cube.timeout' : 'cube.task-failed',
        message: taskResult.timedOut
          ? `task ${taskResult.task} timed out after ${flags.timeout} s and was stopped; log: ${taskResult.logPath}`
          : `task ${taskResult.task} failed with exit code ${taskResult.exitCode ?? `none (signal ${taskResult.signal})`} after ${secs} s; log: ${taskResult.logPath}`,
        severity: 'error',
      });
    } else if (!json) {
      this.log(
        `task ${taskResult.task} succeeded on ${taskResult.runner} in ${secs} s; log: ${taskResult.logPath}`,
      );
    }
    return taskResult;
  }
}
