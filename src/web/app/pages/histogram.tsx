import { num } from '../format.js';
import type { Distribution } from './column-histograms.js';

/** A column's distribution drawn small: bars over value bins, or its commonest values with their counts. */
export function Histogram({ column, d }: { column: string; d: Distribution | undefined }) {
  if (!d || d.buckets.length === 0) return <span class="muted">—</span>;
  const max = Math.max(...d.buckets.map((b) => b.n), 1);
  if (d.kind === 'top') {
    return (
      <ol class="top-values" aria-label={`Commonest values of ${column}`}>
        {d.buckets.map((b) => (
          <li>
            <span class="top-bar" style={{ width: `${(b.n / max) * 100}%` }} aria-hidden="true" />
            <span class="top-label" title={b.label}>
              {b.label}
            </span>{' '}
            <span class="muted">{num(b.n)}</span>
          </li>
        ))}
      </ol>
    );
  }
  const described = d.buckets.map((b) => `up to ${b.label}: ${num(b.n)}`).join('; ');
  return (
    <div class="histogram" role="img" aria-label={`Histogram of ${column}: ${described}`}>
      {d.buckets.map((b) => (
        <span class="hbar" style={{ height: `${Math.max(2, (b.n / max) * 100)}%` }} title={`≤ ${b.label}: ${num(b.n)}`} />
      ))}
    </div>
  );
}
