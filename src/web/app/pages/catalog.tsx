import { useState } from 'preact/hooks';
import { allTables, tableSummaries, type TableSummary } from '../api.js';
import { bytes, num } from '../format.js';
import { Card, Empty, href, Loaded, useData } from '../ui.js';

const LAYERS: (string | null | undefined)[] = ['bronze', 'silver', 'gold'];
/** Layers first (bronze, silver, gold, whatever silt.yaml names their namespaces), then other namespaces. */
const layerRank = (layer: string | null | undefined) => (LAYERS.includes(layer) ? LAYERS.indexOf(layer) : LAYERS.length);

/** Every table by namespace, filtered as you type by table or column name (`gold.`, `orders`, `customer_id`). */
export function CatalogPage({ q }: { q: string }) {
  const state = useData(async (signal) => {
    const [refs, summaries] = await Promise.all([allTables(), tableSummaries(signal)]);
    const byName = new Map(summaries.map((s) => [`${s.namespace}.${s.name}`, s]));
    return refs.map((r) => ({ ...r, summary: byName.get(`${r.namespace}.${r.name}`) as TableSummary | undefined }));
  });
  const [filter, setFilter] = useState(q);
  return (
    <>
      <h1 tabIndex={-1}>Catalog</h1>
      <div class="toolbar">
        <label class="search">
          <span class="sr-only">Search tables and columns</span>
          <input type="search" placeholder="Search tables and columns, e.g. gold. or customer_id" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
      </div>
      <Loaded state={state}>
        {(tables) => {
          const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
          const matches = tables
            .map((t) => {
              const name = `${t.namespace}.${t.name}`.toLowerCase();
              const cols = (t.summary?.columns ?? []).map((c) => c.name);
              const hits = words.every((w) => name.includes(w)) ? [] : cols.filter((c) => words.some((w) => c.toLowerCase().includes(w)));
              const ok = words.every((w) => name.includes(w) || cols.some((c) => c.toLowerCase().includes(w)));
              return { t, hits, ok };
            })
            .filter((m) => m.ok);
          const layerOf = (ns: string) => tables.find((t) => t.namespace === ns && t.summary)?.summary?.layer;
          const namespaces = [...new Set(matches.map((m) => m.t.namespace))].sort((a, b) => layerRank(layerOf(a)) - layerRank(layerOf(b)) || a.localeCompare(b));
          if (!matches.length) return <Empty>No table or column matches “{filter}”.</Empty>;
          return (
            <div class="catalog">
              {namespaces.map((ns) => (
                <Card title={ns}>
                  <ul class="table-list">
                    {matches
                      .filter((m) => m.t.namespace === ns)
                      .map(({ t, hits }) => (
                        <li>
                          <a href={href('catalog', t.namespace, t.name)}>{t.name}</a>
                          {t.kind === 'external' && <span class="badge">external</span>}
                          {t.summary && (
                            <span class="muted small">
                              {' '}
                              {num(t.summary.rows)} rows · {bytes(t.summary.bytes)}
                            </span>
                          )}
                          {hits.length > 0 && <div class="small">columns: {hits.join(', ')}</div>}
                        </li>
                      ))}
                  </ul>
                </Card>
              ))}
            </div>
          );
        }}
      </Loaded>
    </>
  );
}
