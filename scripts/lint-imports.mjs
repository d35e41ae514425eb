#!/usr/bin/env node
// The import rules of src/ (see ARCHITECTURE.md), checked on every `npm test`:
//  1. layers: foundations never import services or faces; services never import faces;
//  2. no cycle between files, nor between folders (type-only imports count: they couple too);
//  3. production files never import test support;
//  4. a file reaches into another folder only through that folder's index.ts;
//  5. a folder split into rooms (ROOMS below): a room imports only the rooms listed for it, and
//     only through the room's index.ts.
// Known violations are listed in ALLOWED below, each with why; any other one fails with file:line,
// and so does an allowed one that no longer occurs (so the list only shrinks).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

const LAYER = {
  foundation: ['storage', 'table', 'catalog', 'engine', 'config', 'observe', 'keys', 'trino', '.'],
  service: ['ingest', 'transform', 'models', 'pipeline', 'crawler', 'lifecycle', 'project', 'demo', 'governance', 'export', 'lineage', 'alerts', 'cost', 'devstack'],
  face: ['cli', 'server', 'web', 'interop-engines'],
};
const RANK = { foundation: 0, service: 1, face: 2 };

/** Folders split into rooms, each room with its index.ts: the rooms each room may import. */
const ROOMS = {
  engine: { core: [], files: ['core'], write: ['core'], sql: ['core', 'write'] },
};

/** `engine/sql/x.ts` -> `engine/sql`, or undefined outside a room. */
function roomOf(file) {
  const [folder, room] = file.split('/');
  return ROOMS[folder]?.[room] !== undefined && file.split('/').length > 2 ? `${folder}/${room}` : undefined;
}

/** Known violations, `rule from -> to` (paths under src/), grouped by why each stays for now. */
const ALLOWED_BY_REASON = [];
const ALLOWED = new Map(ALLOWED_BY_REASON.flatMap(([reason, keys]) => keys.map((k) => [k, reason])));

/**
 * Test support: the testing/ folder, test files, a folder's own fixtures (`test-*.ts`,
 * `*test-support.ts`, `*-test-fixture.ts`), and any other file that imports node:test (the
 * contract suites) or that only such a suite runs (`migrate-child.ts`).
 */
const supportCache = new Map();
function isTestSupport(file) {
  if (!supportCache.has(file)) {
    supportCache.set(
      file,
      file.startsWith('testing/') ||
        /\.test\.ts$/.test(file) ||
        /(^|\/)(test-[^/]*|[^/]*test-support|[^/]*-test-fixture|migrate-child)\.ts$/.test(file) ||
        /from 'node:test'/.test(safeRead(file)),
    );
  }
  return supportCache.get(file);
}

function safeRead(file) {
  try {
    return readFileSync(path.join(SRC, file), 'utf8');
  } catch {
    return '';
  }
}

function folderOf(file) {
  const i = file.indexOf('/');
  return i < 0 ? '.' : file.slice(0, i);
}

function layerOf(folder) {
  for (const [layer, folders] of Object.entries(LAYER)) if (folders.includes(folder)) return layer;
  return undefined;
}

function listTs(dir, rel = '') {
  const out = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listTs(dir, r));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(r);
  }
  return out;
}

/** Each relative import of `file`: the imported file (under src/) and the line it is on. */
function importsOf(file) {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const found = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm;
  for (let m; (m = re.exec(text)); ) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])).replace(/\.js$/, '.ts');
    found.push({ target, line: text.slice(0, m.index).split('\n').length });
  }
  return found;
}

const files = listTs(SRC).sort();
const problems = [];
const edges = new Map(); // production + support graph (tests left out) for cycles
const report = (file, line, rule, to, message) => problems.push({ key: `${file} -> ${to}`, where: `src/${file}:${line}`, rule, message });

for (const file of files) {
  const from = folderOf(file);
  const test = isTestSupport(file);
  if (!/\.test\.ts$/.test(file)) edges.set(file, new Set());
  for (const { target, line } of importsOf(file)) {
    const to = folderOf(target);
    if (!/\.test\.ts$/.test(file)) edges.get(file).add(target);
    if (test) continue;
    if (isTestSupport(target)) report(file, line, 'test-support', target, `production code imports test support ${target}`);
    const lf = layerOf(from);
    const lt = layerOf(to);
    if (lf && lt && RANK[lt] > RANK[lf]) report(file, line, 'layers', target, `a ${lf} (${from}) imports a ${lt} (${to}): imports point down only`);
    if (to !== from && to !== '.' && target !== `${to}/index.ts`) report(file, line, 'front-door', target, `reaches into ${to}/ past its index.ts (${target})`);
    const [roomFrom, roomTo] = [roomOf(file), roomOf(target)];
    if (roomFrom && to === from && roomTo !== roomFrom) {
      const [folder, name] = roomFrom.split('/');
      const other = roomTo?.split('/')[1];
      if (!other || !ROOMS[folder][name].includes(other)) report(file, line, 'rooms', target, `room ${roomFrom} imports ${target}; it may import only ${ROOMS[folder][name].map((r) => `${folder}/${r}`).join(', ') || 'nothing else in ' + folder}`);
      else if (target !== `${roomTo}/index.ts`) report(file, line, 'rooms', target, `reaches into ${roomTo}/ past its index.ts (${target})`);
    }
  }
}

// Cycles: files (strongly connected components of the import graph), then folders.
function cycles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

for (const comp of cycles(edges)) {
  const members = new Set(comp);
  for (const file of comp) {
    for (const { target, line } of importsOf(file)) {
      if (members.has(target)) report(file, line, 'file-cycle', target, `imports ${target}, which imports this file back (cycle: ${comp.join(', ')})`);
    }
  }
}
const folderGraph = new Map();
for (const [file, targets] of edges) {
  const from = folderOf(file);
  if (!folderGraph.has(from)) folderGraph.set(from, new Set());
  for (const t of targets) if (folderOf(t) !== from) folderGraph.get(from).add(folderOf(t));
}
for (const comp of cycles(folderGraph)) {
  // One shortest way round the cycle, each step shown by the first import that makes it.
  const members = new Set(comp);
  const start = comp[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  let last;
  while (queue.length && last === undefined) {
    const f = queue.shift();
    for (const t of [...folderGraph.get(f)].sort()) {
      if (!members.has(t)) continue;
      if (t === start) {
        last = f;
        break;
      }
      if (!prev.has(t)) {
        prev.set(t, f);
        queue.push(t);
      }
    }
  }
  const ring = [start];
  for (let f = last; f !== start; f = prev.get(f)) ring.splice(1, 0, f);
  for (let i = 0; i < ring.length; i++) {
    const from = ring[i];
    const to = ring[(i + 1) % ring.length];
    const file = [...edges.keys()].find((f) => folderOf(f) === from && [...edges.get(f)].some((t) => folderOf(t) === to));
    const { target, line } = importsOf(file).find((x) => folderOf(x.target) === to);
    report(file, line, 'folder-cycle', target, `${from} imports ${to}, and round the cycle ${[...ring, start].join(' -> ')}`);
  }
}

const seen = new Set();
const fresh = [];
for (const p of problems) {
  const allowed = ALLOWED.get(`${p.rule} ${p.key}`);
  if (allowed === undefined) fresh.push(p);
  else seen.add(`${p.rule} ${p.key}`);
}
const stale = [...ALLOWED.keys()].filter((k) => !seen.has(k));
if (process.argv.includes('--list')) for (const p of problems) console.log(`${p.where}: ${p.rule}: ${p.message}`);
for (const p of fresh) console.error(`${p.where}: ${p.rule}: ${p.message}`);
for (const k of stale) console.error(`scripts/lint-imports.mjs: allowed "${k}" no longer occurs; remove it from ALLOWED`);
console.error(`lint-imports: ${files.length} files, ${problems.length - fresh.length} known violation(s) allowed, ${fresh.length} new, ${stale.length} stale`);
process.exit(fresh.length || stale.length ? 1 : 0);
