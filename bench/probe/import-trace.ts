/**
 * Imports the given modules one after another in this fresh process and prints, as JSON, how long
 * each took beyond what earlier imports already loaded: the incremental start-up cost of each.
 *   node import-trace.js <specifier>...
 */
const steps: { module: string; ms: number }[] = [];
for (const spec of process.argv.slice(2)) {
  const started = performance.now();
  await import(spec);
  steps.push({ module: spec, ms: performance.now() - started });
}
process.stdout.write(JSON.stringify(steps) + '\n');
