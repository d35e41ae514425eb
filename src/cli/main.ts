import { Command, CommanderError } from 'commander';
import { registerCommands } from './command-registry.js';
import { EXIT } from './errors.js';

// `silt runs | head -1`: once the reader has gone, the rest of the output is dropped and the
// command finishes its work (a run half-done because a pager closed would help no one).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

const program = new Command('silt')
  .description('Silt: an open lakehouse — Iceberg tables, medallion pipelines and SQL, on one machine or many')
  .option('--project <dir>', 'the project folder (default: the nearest folder with a silt.yaml, from here upward)')
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors read like every other Silt error: one line starting `silt:`.
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'silt: ')) })
  .exitOverride();

// SQL that starts with a comment (`silt query "-- daily totals\nSELECT …"`) is text, not an
// option: no option has whitespace after its `--`. A leading newline keeps the SQL as written.
const argv = process.argv.map((arg, i) => (i >= 2 && /^--\s/.test(arg) ? `\n${arg}` : arg));

await registerCommands(program, argv.slice(2));

try {
  await program.parseAsync(argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else throw e;
}
