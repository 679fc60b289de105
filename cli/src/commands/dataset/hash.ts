import { existsSync } from 'node:fs';
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { fail } from '../../diagnostics/diagnostic.js';
import { folderHash } from '../../workflows/folder-hash.js';
import { consoleProgress } from '../../workflows/progress.js';

export default class DatasetHash extends BaseCommand {
  static override summary =
    "Print the MedPerf folder hash of folders (a dataset's generatedUid or inputDataHash).";
  static override description =
    `sha256 of every file under the folders, digests sorted, sha256 of their concatenation: the same function \`gitperf dataset prepare\` uses. Pass the prepared data and labels folders to check a registered generatedUid, or the raw data and labels folders to check an inputDataHash.`;
  static override examples = [
    '<%= config.bin %> dataset hash ~/.gitperf/datasets/wdbc-a/data ~/.gitperf/datasets/wdbc-a/labels',
  ];
  static override strict = false;
  static override args = { paths: Args.string({ description: 'folders to hash', required: true }) };

  async run(): Promise<unknown> {
    const { argv } = await this.parse(DatasetHash);
    const paths = argv as string[];
    // MedPerf's folder hash skips a missing path silently; on the command line it is a typo, not a hash.
    const missing = paths.filter((path) => !existsSync(path));
    if (missing.length > 0)
      fail(
        'hash.path-missing',
        `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist; pass the dataset's folders`,
        { file: missing[0] },
        2,
      );
    const json = this.jsonEnabled();
    const progress = consoleProgress();
    let started = false;
    const hashed = await folderHash(paths, {
      onProgress: json
        ? undefined
        : (hashProgress) => {
            if (hashProgress.bytesTotal < 64 * 1024 * 1024) return;
            if (!started) progress.step('hashing');
            started = true;
            progress.update(
              hashProgress.bytesDone / hashProgress.bytesTotal,
              `${hashProgress.filesDone}/${hashProgress.filesTotal} files`,
            );
          },
    });
    for (const ignored of hashed.ignored) {
      this.report({
        code: 'hash.path-ignored',
        severity: 'warning',
        message:
          ignored.reason === 'missing'
            ? `${ignored.path} does not exist; it adds nothing to the hash (as in MedPerf)`
            : `${ignored.path} is not a folder; MedPerf's folder hash ignores it, pass its folder instead`,
        file: ignored.path,
      });
    }
    if (started) progress.done('hashing', true, `${hashed.files} files`);
    if (!json) this.log(hashed.hash);
    return {
      hash: hashed.hash,
      hex: hashed.hex,
      files: hashed.files,
      bytes: hashed.bytes,
      ignored: hashed.ignored,
    };
  }
}
