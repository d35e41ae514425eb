/** A folder name as a catalog table name: lower-case letters, digits and `_`, not starting with a digit. */
export function tableNameOf(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/\.(csv|tsv|json|ndjson|jsonl|parquet)$/, '')
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return 'dataset';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/**
 * The first free name for a dataset folder: its own name, then prefixed with its parent folders'
 * names (`a/orders` and `b/orders` become `orders` and `b_orders`), then numbered.
 */
export function uniqueTableName(folders: readonly string[], suffix: string, taken: ReadonlySet<string>): string {
  const parts = folders.map(tableNameOf);
  const withSuffix = (n: string): string => (suffix ? `${n}_${suffix}` : n);
  for (let i = parts.length - 1; i >= 0; i--) {
    const name = withSuffix(tableNameOf(parts.slice(i).join('_')));
    if (!taken.has(name)) return name;
  }
  const base = withSuffix(tableNameOf(parts.at(-1) ?? 'dataset'));
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}
