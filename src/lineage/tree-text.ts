import type { LineageNode, LineageTrace } from './trace.js';

/**
 * A trace as a readable tree. Each line names a table (or `table.column`) and, in brackets, how
 * the column above it is made from it (upstream) or how it is made from the one above (downstream).
 */
export function lineageTreeText(trace: LineageTrace): string {
  const lines = [trace.column === undefined ? trace.table : `${trace.table}.${trace.column}`];
  const section = (title: string, nodes: LineageNode[] | undefined): void => {
    if (nodes === undefined) return;
    lines.push(`${title}:`);
    if (nodes.length === 0) lines.push('  (none)');
    branch(nodes, '  ', lines);
  };
  section('upstream', trace.upstream);
  section('downstream', trace.downstream);
  return lines.join('\n');
}

function branch(nodes: LineageNode[], indent: string, lines: string[]): void {
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    const name = n.column === undefined ? n.table : `${n.table}.${n.column}`;
    const how = n.kind ? `  [${[n.kind, ...(n.how ?? [])].join('; ')}]` : '';
    lines.push(`${indent}${last ? '└─ ' : '├─ '}${name}${how}`);
    branch(n.children, indent + (last ? '   ' : '│  '), lines);
  });
}
