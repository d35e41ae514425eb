import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { commandName, registerCommands } from './command-registry.js';

test('the command is the first word past the global options', () => {
  assert.equal(commandName(['--project', 'dir', 'query', 'SELECT 1']), 'query');
  assert.equal(commandName(['--project=dir', 'table', 'list']), 'table');
  assert.equal(commandName(['--help']), undefined);
  assert.equal(commandName([]), undefined);
});

test('only the named command is loaded; help and unknown words load them all', async () => {
  const names = async (args: string[]) => {
    const program = new Command('silt');
    await registerCommands(program, args);
    return program.commands.map((c) => c.name());
  };
  assert.deepEqual(await names(['query', 'SELECT 1']), ['query']);
  assert.deepEqual(await names(['runs', 'show', 'x']), ['run', 'runs']);
  const all = await names(['--help']);
  for (const name of ['demo', 'init', 'ns', 'table', 'load', 'query', 'crawl', 'plan', 'apply', 'run', 'runs', 'ingest', 'landing', 'quarantine', 'vacuum', 'check', 'connect']) {
    assert.ok(all.includes(name), `help lists ${name}`);
  }
  assert.deepEqual(await names(['quer']), all);
});
