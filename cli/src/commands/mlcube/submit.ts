import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { participantFlags, participantFromFlags } from '../../cli/participant-flags.js';
import { describeOutcome, submitMlcube } from '../../participants/index.js';

export default class MlcubeSubmit extends BaseCommand {
  static override summary = 'Register an MLCube: hash its files and open a submission (self-service).';
  static override description =
    `Fetches the manifest (and the parameters file, additional files and image tarball), hashes them, checks the manifest is a valid mlcube.yaml, and opens a submission adding registry/mlcubes/<you>/<name>.yaml. A path inside the registry repository is recorded relative to its root; another local file as file:// (reachable from this machine only); https:// URLs as they are. Without --image or --image-tarball the manifest's docker.image is recorded unpinned. The local runner runs a registered cube only from its registered code (--code; recorded automatically, as the hash of the manifest's code folder, when the manifest is a local file with a local: command). --operational registers it in operation state, which benchmarks and associations require (its hashes are then frozen).`;
  static override examples = [
    '<%= config.bin %> mlcube submit --name bc-centroid --manifest examples/cubes/centroid/mlcube.yaml --parameters examples/cubes/centroid/workspace/parameters.yaml --operational',
    '<%= config.bin %> mlcube submit --name m --manifest https://example.org/mlcube.yaml --image registry.example.org/m:1@sha256:<digest> --json',
  ];
  static override flags = {
    name: Flags.string({ required: true, description: 'MLCube name (lower-case letters, digits, -)' }),
    manifest: Flags.string({ required: true, description: 'mlcube.yaml: path, file:// or https:// URL' }),
    parameters: Flags.string({ description: 'workspace/parameters.yaml: path or URL' }),
    'additional-files': Flags.string({ description: 'tar.gz of the additional files: path or URL' }),
    code: Flags.string({
      description:
        "the local runner's code: a folder (hashed as gitperf's canonical tar) or a tar archive (path or URL); default the manifest's code folder when the manifest is a local file with a local: command",
    }),
    image: Flags.string({
      description: 'container image REF@sha256:DIGEST (pinned) or REF',
      exclusive: ['image-tarball'],
    }),
    'image-tarball': Flags.string({ description: 'image tarball (docker save): path or URL' }),
    operational: Flags.boolean({ description: 'register in operation state (needed by benchmarks)' }),
    description: Flags.string({ description: 'a short description' }),
    ...participantFlags,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(MlcubeSubmit);
    const participant = await participantFromFlags(flags, this.jsonEnabled(), (d) => this.report(d));
    const out = await submitMlcube(participant, {
      name: flags.name,
      manifest: flags.manifest,
      parameters: flags.parameters,
      additionalFiles: flags['additional-files'],
      code: flags.code,
      image: flags.image,
      imageTarball: flags['image-tarball'],
      operational: flags.operational,
      description: flags.description,
    });
    this.log(describeOutcome(out));
    return out;
  }
}
