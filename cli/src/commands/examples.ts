import { BaseCommand } from '../cli/base-command.js';
import { PACKAGE_EXAMPLES } from '../init/scaffold.js';

export default class Examples extends BaseCommand {
  static override summary = 'Print the folder of the example cubes and data that come with gitperf.';
  static override description =
    'The walkthrough and the demo use them: the MLCube folders (examples/cubes), the demo dataset and three hospitals\' data (examples/data/sites). Use it as "$(gitperf examples)/data/sites/a/data".';
  static override examples = ['ls "$(<%= config.bin %> examples)"'];

  async run(): Promise<unknown> {
    const folder = PACKAGE_EXAMPLES.replace(/\/+$/, '');
    this.log(folder);
    return { path: folder };
  }
}
