/**
 * Column names as found in a file header, made usable: control characters (NUL bytes, stray line
 * breaks) removed, trimmed, blanks named `column_<n>` (1-based
 * position), duplicates (DuckDB compares names case-insensitively) suffixed `_2`, `_3`, ….
 * Reserved names (`_source_file`, `_source_line`) are suffixed too so file data never collides
 * with the reader's own columns.
 */
export interface CleanNames {
  names: string[];
  /** One sentence per name that was changed, for the caller's warnings. */
  changes: string[];
}

const RESERVED = new Set(['_source_file', '_source_line']);

export function cleanColumnNames(raw: readonly (string | null | undefined)[]): CleanNames {
  const taken = new Set<string>(RESERVED);
  const names: string[] = [];
  const changes: string[] = [];
  raw.forEach((value, i) => {
    const text = value ?? '';
    // A NUL cannot even be put in a DuckDB literal; a UTF-16 header read as UTF-8 is full of them.
    const visible = text.replace(/[\u0000-\u001f\u007f]/g, '');
    const trimmed = visible.trim();
    const base = trimmed === '' ? `column_${i + 1}` : trimmed;
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    taken.add(name.toLowerCase());
    names.push(name);
    if (visible !== text) changes.push(`column ${i + 1}'s name ${JSON.stringify(text)} holds control characters; named it ${name}`);
    else if (trimmed === '') changes.push(`column ${i + 1} has no name; named it ${name}`);
    else if (name !== base) changes.push(`column ${i + 1} repeats the name ${JSON.stringify(base)}; named it ${name}`);
  });
  return { names, changes };
}
