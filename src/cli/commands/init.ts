import type { Command } from 'commander';
import { initProject } from '../../project/index.js';
import { action, out } from '../context.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create a project: a commented silt.yaml, the lake folders and the catalog')
    .argument('[dir]', 'folder for the project', '.')
    .option('--name <name>', 'project name (default: the folder name)')
    .action(
      action(async (dir: string, opts: { name?: string }) => {
        const { file } = await initProject(dir, opts);
        out(`created ${file}`);
      }),
    );
}
