import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { cell, num } from './format.js';

/** Loads data for a page; `reload` fetches again. */
export function useData<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, loading: false }),
      (error: Error) => !ctl.signal.aborted && setState({ error, loading: false }),
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** What a page shows while its data loads or when it failed. */
export function Loaded<T>({ state, children }: { state: { data?: T; error?: Error; loading: boolean }; children: (data: T) => ComponentChildren }) {
  if (state.error) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <p class="muted" role="status">Loading…</p>;
  return <>{children(state.data)}</>;
}

export function ErrorBox({ error }: { error: Error | string }) {
  return (
    <div class="error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </div>
  );
}

export function Card({ title, children, actions, class: cls }: { title?: ComponentChildren; children: ComponentChildren; actions?: ComponentChildren; class?: string }) {
  return (
    <section class={`card ${cls ?? ''}`}>
      {(title || actions) && (
        <header class="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div class="actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** A table of rows as a result grid: scrolls both ways, numbers right-aligned, NULLs marked. */
export function Grid({ columns, rows, label }: { columns: { name: string; type?: string }[]; rows: unknown[][]; label: string }) {
  const numeric = columns.map((c) => /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC|long|int|double|float|decimal/i.test(c.type ?? ''));
  return (
    <div class="grid-wrap" tabIndex={0} role="region" aria-label={label}>
      <table class="grid">
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" title={c.type}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              {r.map((v, i) => (
                <td class={v === null ? 'null' : numeric[i] ? 'num' : ''}>{cell(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Key figures in a row: label over value. */
export function Stats({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="stats">
      {items.map(([k, v]) => (
        <div>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A link within the console (hash routes). */
export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

/** Previous / next over a paged list, with where we are. */
export function Pager({ offset, total, page, onPage }: { offset: number; total: number; page: number; onPage: (o: number) => void }) {
  return (
    <div class="pager">
      <button onClick={() => onPage(Math.max(0, offset - page))} disabled={offset === 0}>
        Previous
      </button>
      <span>
        {num(total ? offset + 1 : 0)}–{num(Math.min(total, offset + page))} of {num(total)}
      </span>
      <button onClick={() => onPage(offset + page)} disabled={offset + page >= total}>
        Next
      </button>
    </div>
  );
}


/** A list table's header row; the columns named in `num` hold numbers, aligned right. */
export function Head({ cols, num = [] }: { cols: string[]; num?: string[] }) {
  return (
    <thead>
      <tr>
        {cols.map((c) => (
          <th scope="col" class={num.includes(c) ? 'num' : undefined}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
