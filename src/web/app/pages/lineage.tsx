import { Graph, layout } from '@dagrejs/dagre';
import { useState } from 'preact/hooks';
import { get, tablePath, type LineageNode, type TableInfo } from '../api.js';
import { Card, Empty, href, Loaded, useData } from '../ui.js';

interface Lineage {
  table: string;
  column?: string;
  upstream?: (LineageNode & { column?: string; kind?: string })[];
  downstream?: (LineageNode & { column?: string; kind?: string })[];
  warnings: string[];
}
type Node = LineageNode & { column?: string; kind?: string };

const W = 236;
const H = 44;
const key = (n: { table: string; column?: string }) => (n.column ? `${n.table}.${n.column}` : n.table);

/** The lineage trees as one graph, laid out left (sources) to right (what they feed). */
function build(l: Lineage) {
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const root = { table: l.table, column: l.column };
  const labels = new Map<string, { table: string; column?: string; root?: boolean }>([[key(root), { ...root, root: true }]]);
  const add = (n: Node) => labels.has(key(n)) || labels.set(key(n), { table: n.table, column: n.column });
  const up = (parent: string, nodes: Node[]) =>
    nodes.forEach((n) => {
      add(n);
      g.setEdge(key(n), parent);
      up(key(n), n.children as Node[]);
    });
  const down = (parent: string, nodes: Node[]) =>
    nodes.forEach((n) => {
      add(n);
      g.setEdge(parent, key(n));
      down(key(n), n.children as Node[]);
    });
  up(key(root), l.upstream ?? []);
  down(key(root), l.downstream ?? []);
  for (const [k] of labels) g.setNode(k, { width: W, height: H });
  layout(g);
  const size = g.graph();
  return {
    width: size.width ?? 0,
    height: size.height ?? 0,
    nodes: [...labels].map(([k, v]) => ({ ...v, id: k, x: g.node(k).x, y: g.node(k).y })),
    edges: g.edges().map((e) => (g.edge(e).points ?? []) as { x: number; y: number }[]),
  };
}

function Svg({ lineage }: { lineage: Lineage }) {
  const { width, height, nodes, edges } = build(lineage);
  return (
    <div class="graph-wrap">
      <svg class="lineage" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-label={`Lineage of ${key(lineage)}: ${nodes.length} nodes`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
          </marker>
        </defs>
        {edges.map((pts) => (
          <path class="edge" marker-end="url(#arrow)" d={pts.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ')} />
        ))}
        {nodes.map((n) => {
          const isTable = /^[^/]+\.[^/]+$/.test(n.table);
          const layer = n.table.split(/[./]/)[0];
          const box = (
            <g class={`node node-${isTable ? layer : 'landing'}${n.root ? ' root' : ''}`} transform={`translate(${n.x - W / 2},${n.y - H / 2})`}>
              <rect width={W} height={H} rx="6" />
              <text x="10" y={n.column ? 18 : 27}>
                {n.table.length > 29 ? `${n.table.slice(0, 28)}…` : n.table}
              </text>
              {n.column && (
                <text x="10" y="35" class="col">
                  {n.column}
                </text>
              )}
            </g>
          );
          return isTable && !n.root ? <a href={`${href('catalog', ...n.table.split('.'))}?tab=lineage`}>{box}</a> : box;
        })}
      </svg>
    </div>
  );
}

/** A table's (or one column's) upstream and downstream, as a graph; columns on demand. */
export function LineageGraph({ table }: { table: string }) {
  const [column, setColumn] = useState('');
  const info = useData((s) => get<TableInfo>(`/tables/${tablePath(table)}`, s), [table]);
  const state = useData((s) => get<Lineage>(`/lineage/${tablePath(table)}${column ? `?column=${encodeURIComponent(column)}` : ''}`, s), [table, column]);
  return (
    <Card
      title="Lineage"
      actions={
        <label>
          Column{' '}
          <select value={column} onChange={(e) => setColumn(e.currentTarget.value)}>
            <option value="">(whole table)</option>
            {info.data?.columns.map((c) => <option value={c.name}>{c.name}</option>)}
          </select>
        </label>
      }
    >
      <Loaded state={state}>
        {(l) => (
          <>
            {!(l.upstream?.length || l.downstream?.length) ? <Empty>No lineage recorded for {key(l)}: nothing feeds it and it feeds nothing.</Empty> : <Svg lineage={l} />}
            {l.warnings.map((w) => (
              <p class="muted small">{w}</p>
            ))}
          </>
        )}
      </Loaded>
    </Card>
  );
}
