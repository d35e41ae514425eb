import type { Command } from 'commander';
import { action, inProject, out } from '../context.js';

export function register(program: Command): void {
  const ns = program.command('ns').description('namespaces (databases) of the catalog');
  ns.command('create')
    .argument('<namespace>')
    .option('--if-not-exists', 'succeed if it exists already')
    .action(
      action(async function (this: Command, name: string, opts: { ifNotExists?: boolean }) {
        await inProject(this, (p) => p.catalog.createNamespace(name, {}, opts));
        out(`created namespace ${name}`);
      }),
    );
  ns.command('list').action(
    action(async function (this: Command) {
      const names = await inProject(this, (p) => p.catalog.listNamespaces());
      if (names.length) out(names.join('\n'));
    }),
  );
  ns.command('drop')
    .argument('<namespace>')
    .action(
      action(async function (this: Command, name: string) {
        await inProject(this, (p) => p.catalog.dropNamespace(name));
        out(`dropped namespace ${name}`);
      }),
    );
}
