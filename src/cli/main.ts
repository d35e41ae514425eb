import { Command, CommanderError } from 'commander';
import { EXIT } from './errors.js';
import { register as registerConnect } from './commands/connect.js';
import { register as registerCrawl } from './commands/crawl.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerIngest } from './commands/ingest.js';
import { register as registerInit } from './commands/init.js';
import { register as registerNs } from './commands/ns.js';
import { register as registerLoad } from './commands/load.js';
import { register as registerPlan } from './commands/plan.js';
import { register as registerQuarantine } from './commands/quarantine.js';
import { register as registerQuery } from './commands/query.js';
import { register as registerRun } from './commands/run.js';
import { register as registerTable } from './commands/table.js';
import { register as registerVacuum } from './commands/vacuum.js';

const program = new Command('silt')
  .description('Silt: an open lakehouse — Iceberg tables, medallion pipelines and SQL, on one machine or many')
  .option('--project <dir>', 'the project folder (default: the nearest folder with a silt.yaml, from here upward)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

for (const register of [
  registerDemo,
  registerInit,
  registerNs,
  registerTable,
  registerLoad,
  registerQuery,
  registerCrawl,
  registerPlan,
  registerRun,
  registerIngest,
  registerQuarantine,
  registerVacuum,
  registerConnect,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  else throw e;
}
