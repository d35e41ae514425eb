import type { Command } from 'commander';

interface CommandModule {
  register(program: Command): void;
}

interface Entry {
  /** Top-level command names the module registers. */
  names: string[];
  load(): Promise<CommandModule>;
}

/**
 * Every command module, in `--help` order. A module is imported only when its command runs (or
 * for help and unknown commands), so `silt query` does not pay for the pipeline, the demo
 * generator or the crawler.
 */
const COMMANDS: Entry[] = [
  { names: ['demo'], load: () => import('./commands/demo.js') },
  { names: ['init'], load: () => import('./commands/init.js') },
  { names: ['ns'], load: () => import('./commands/ns.js') },
  { names: ['table'], load: () => import('./commands/table.js') },
  { names: ['load'], load: () => import('./commands/load.js') },
  { names: ['query'], load: () => import('./commands/query.js') },
  { names: ['crawl'], load: () => import('./commands/crawl.js') },
  { names: ['plan', 'apply'], load: () => import('./commands/plan.js') },
  { names: ['run', 'runs'], load: () => import('./commands/run.js') },
  { names: ['ingest', 'landing'], load: () => import('./commands/ingest.js') },
  { names: ['quarantine'], load: () => import('./commands/quarantine.js') },
  { names: ['vacuum'], load: () => import('./commands/vacuum.js') },
  { names: ['retention'], load: () => import('./commands/retention.js') },
  { names: ['compact'], load: () => import('./commands/compact.js') },
  { names: ['expire', 'rewrite-manifests', 'maintain'], load: () => import('./commands/maintenance.js') },
  { names: ['recover'], load: () => import('./commands/recover.js') },
  { names: ['export'], load: () => import('./commands/export.js') },
  { names: ['migrate'], load: () => import('./commands/migrate.js') },
  { names: ['check'], load: () => import('./commands/check.js') },
  { names: ['connect'], load: () => import('./commands/connect.js') },
  { names: ['serve'], load: () => import('./commands/serve.js') },
  { names: ['worker'], load: () => import('./commands/worker.js') },
  { names: ['dev'], load: () => import('./commands/dev.js') },
  { names: ['lineage'], load: () => import('./commands/lineage.js') },
  { names: ['alerts'], load: () => import('./commands/alerts.js') },
  { names: ['workgroup', 'audit'], load: () => import('./commands/governance.js') },
  { names: ['principal', 'group', 'token', 'grants'], load: () => import('./commands/access.js') },
  { names: ['cost'], load: () => import('./commands/cost.js') },
  { names: ['validate', 'pii'], load: () => import('./commands/validate.js') },
  { names: ['key'], load: () => import('./commands/key.js') },
];

/** Global options that take a value (`--project DIR`); the command name is the first other word. */
const VALUE_OPTIONS = new Set(['--project']);

/** The command a command line names: the first word past the global options, if any. */
export function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (VALUE_OPTIONS.has(arg)) i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** Registers the command `args` names, or every command when it names none we know (help, typos). */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const name = commandName(args);
  const named = COMMANDS.filter((e) => name !== undefined && e.names.includes(name));
  const modules = await Promise.all((named.length > 0 ? named : COMMANDS).map((e) => e.load()));
  for (const m of modules) m.register(program);
}
