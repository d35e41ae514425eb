/** A fresh demo project for probing by hand: `node bench/out/probe/fresh-project.js ROWS DIR`. */
import { demoTemplate, freshDemoProject } from '../lib/demo-project.js';

const [rows, dir] = process.argv.slice(2);
await freshDemoProject(await demoTemplate(Number(rows)), dir ?? '', { threads: 2, memoryLimit: '8GB' });
