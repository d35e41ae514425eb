import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { ResultColumn } from '../api.js';

export type ChartKind = 'bar' | 'line' | 'area' | 'scatter';
const KINDS: ChartKind[] = ['bar', 'line', 'area', 'scatter'];
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|REAL)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP.*)$/i;
const COLORS = ['#b06a2c', '#2f6f9f', '#3d8b5a', '#8a5ca8'];

/** The x values a chart uses: numbers, times (seconds), or positions of text categories. */
function xValues(col: ResultColumn, rows: unknown[][], i: number): { xs: number[]; labels?: string[]; time: boolean } {
  if (TEMPORAL.test(col.type)) return { xs: rows.map((r) => Date.parse(String(r[i]).replace(' ', 'T').replace(/\+00$/, 'Z')) / 1000), time: true };
  if (NUMERIC.test(col.type)) return { xs: rows.map((r) => Number(r[i])), time: false };
  return { xs: rows.map((_, k) => k), labels: rows.map((r) => String(r[i] ?? 'NULL')), time: false };
}

/** A chart of a query's rows: pick the kind, the x column and one or more y columns. */
export function Chart({ columns, rows }: { columns: ResultColumn[]; rows: unknown[][] }) {
  const numeric = columns.map((c, i) => ({ c, i })).filter(({ c }) => NUMERIC.test(c.type));
  const firstX = columns.findIndex((c) => !NUMERIC.test(c.type));
  const [kind, setKind] = useState<ChartKind>('bar');
  const [x, setX] = useState(firstX >= 0 ? firstX : 0);
  const [ys, setYs] = useState<number[]>(numeric.filter(({ i }) => i !== x).slice(0, 1).map(({ i }) => i));
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    const xcol = columns[x];
    if (!el || !xcol || !ys.length) return;
    const { xs, labels, time } = xValues(xcol, rows, x);
    let order = xs.map((_, k) => k);
    if (!labels) order = order.filter((k) => Number.isFinite(xs[k])).sort((a, b) => xs[a]! - xs[b]!);
    const data: uPlot.AlignedData = [order.map((k) => xs[k]!), ...ys.map((y) => order.map((k) => (rows[k]![y] == null ? null : Number(rows[k]![y]))))];
    const bars = uPlot.paths.bars!({ size: [0.7, 60] });
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 300,
        scales: { x: { time } },
        axes: [{ values: labels ? (_u, splits) => splits.map((s) => labels[order[s] ?? -1] ?? '') : undefined, stroke: '#555' }, { stroke: '#555' }],
        series: [
          { label: xcol.name },
          ...ys.map((y, k) => {
            const color = COLORS[k % COLORS.length]!;
            return {
              label: columns[y]!.name,
              stroke: kind === 'scatter' ? undefined : color,
              fill: kind === 'bar' ? color : kind === 'area' ? `${color}55` : undefined,
              paths: kind === 'bar' ? bars : kind === 'scatter' ? () => null : undefined,
              points: kind === 'scatter' ? { show: true, size: 6, fill: color, stroke: color } : { show: false },
              width: kind === 'bar' ? 0 : 2,
            } satisfies uPlot.Series;
          }),
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 300 }));
    resize.observe(el);
    return () => (resize.disconnect(), plot.destroy());
  }, [columns, rows, kind, x, ys.join(',')]);
  if (!numeric.length) return <p class="empty">No numeric column to chart: select a count, sum or other number.</p>;
  return (
    <div class="chart">
      <div class="toolbar">
        <fieldset class="segmented">
          <legend class="sr-only">Chart kind</legend>
          {KINDS.map((k) => (
            <label class={kind === k ? 'on' : ''}>
              <input type="radio" name="chart-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {k}
            </label>
          ))}
        </fieldset>
        <label>
          x{' '}
          <select value={x} onChange={(e) => setX(Number(e.currentTarget.value))}>
            {columns.map((c, i) => (
              <option value={i}>{c.name}</option>
            ))}
          </select>
        </label>
        <label>
          y{' '}
          <select multiple size={Math.min(3, numeric.length)} onChange={(e) => setYs([...e.currentTarget.selectedOptions].map((o) => Number(o.value)))}>
            {numeric.map(({ c, i }) => (
              <option value={i} selected={ys.includes(i)}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div ref={box} class="chart-box" role="img" aria-label={`${kind} chart of ${ys.map((y) => columns[y]?.name).join(', ')} by ${columns[x]?.name}`} />
    </div>
  );
}
