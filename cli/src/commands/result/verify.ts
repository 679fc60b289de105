import { writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { profileFlags, registryDirFlags } from '../../cli/profile-flag.js';
import { registrySigners, verifyRegistryResults } from '../../registry/result-provenance.js';
import { loadRegistryState, skippedWarning } from '../../submission/registry-state.js';
import { allowedSignerLines, formatAllowedSigners } from '../../trust/index.js';

export default class ResultVerify extends BaseCommand {
  static override summary = "Verify every result's signature against its runner's keys.";
  static override description =
    "Each signed result is checked (SSHSIG, namespace gitperf-result) against the keys of the runner it names that were valid at its finishedAt; unsigned results are listed as unsigned. With --allowed-signers FILE the runners' keys are written to FILE in ssh-keygen's allowed-signers format, so anyone can check a result with `ssh-keygen -Y verify -f FILE -I <runner> -n gitperf-result -Overify-time=<finishedAt>` (cli/src/trust/README.md says how to get the signed bytes). Exits 1 when a signature does not verify.";
  static override examples = [
    '<%= config.bin %> result verify --registry registry',
    '<%= config.bin %> result verify --allowed-signers allowed_signers',
  ];
  static override flags = {
    ...profileFlags,
    ...registryDirFlags,
    'allowed-signers': Flags.string({
      description: "write the runners' keys to this allowed-signers file (ssh-keygen format)",
      helpValue: 'FILE',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(ResultVerify);
    const st = await loadRegistryState(flags);
    const skipped = skippedWarning(st);
    if (skipped) this.report(skipped);
    const signers = registrySigners(st.index);
    const text = formatAllowedSigners(signers);
    if (flags['allowed-signers']) await writeFile(flags['allowed-signers'], text);
    const verdicts = verifyRegistryResults(st.index, allowedSignerLines(signers));
    const invalid = verdicts.filter((v) => v.status === 'invalid');
    if (invalid.length > 0) process.exitCode = 1;
    for (const verdict of verdicts) {
      const who = verdict.runner ? ` by ${verdict.runner}` : '';
      if (verdict.status === 'signed') this.log(`${verdict.file}: signed${who} (${verdict.fingerprint})`);
      else if (verdict.status === 'unsigned') this.log(`${verdict.file}: unsigned`);
      else
        this.log(
          `${verdict.file}: INVALID${who}: ${verdict.diagnostic?.message} (${verdict.diagnostic?.code})`,
        );
    }
    const count = (s: string) => verdicts.filter((v) => v.status === s).length;
    this.log(
      `${verdicts.length} result(s): ${count('signed')} signed, ${count('unsigned')} unsigned, ${invalid.length} invalid` +
        (flags['allowed-signers'] ? `; allowed signers written to ${flags['allowed-signers']}` : ''),
    );
    return { allowedSigners: flags['allowed-signers'] ?? null, results: verdicts };
  }
}
