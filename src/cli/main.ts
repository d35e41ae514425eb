import { Command, CommanderError } from 'commander';
import { registerCommands } from './command-registry.js';
import { EXIT } from './errors.js';

const program = new Command('silt')
  .description('Silt: an open lakehouse — Iceberg tables, medallion pipelines and SQL, on one machine or many')
  .option('--project <dir>', 'the project folder (default: the nearest folder with a silt.yaml, from here upward)')
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors read like every other Silt error: one line starting `silt:`.
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'silt: ')) })
  .exitOverride();

await registerCommands(program, process.argv.slice(2));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else throw e;
}
