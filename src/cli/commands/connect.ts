import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { action, inProject, out } from '../context.js';

export function register(program: Command): void {
  program
    .command('connect')
    .description('print how another engine opens this catalog')
    .argument('<engine>', 'pyiceberg')
    .action(
      action(async function (this: Command, engine: string) {
        if (engine !== 'pyiceberg') throw new InvalidInput(`connect: unknown engine ${JSON.stringify(engine)}; supported: pyiceberg`);
        const props = await inProject(this, async (p) => p.catalog.pyicebergProperties());
        out(JSON.stringify(props));
      }),
    );
}
