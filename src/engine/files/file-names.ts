/**
 * Column names as found in a file header, made usable: trimmed, control characters (a NUL, a tab,
 * a line break) replaced by `_`, blanks named `column_<n>` (1-based position), duplicates (DuckDB
 * compares names case-insensitively) suffixed `_2`, `_3`, ….
 * Reserved names (`_source_file`, `_source_line`) are suffixed too so file data never collides
 * with the reader's own columns.
 */
export interface CleanNames {
  names: string[];
  /** One sentence per name that was changed, for the caller's warnings. */
  changes: string[];
}

const RESERVED = new Set(['_source_file', '_source_line']);
const CONTROL = /[\u0000-\u001f\u007f]/g;

export function cleanColumnNames(raw: readonly (string | null | undefined)[]): CleanNames {
  const taken = new Set<string>(RESERVED);
  const names: string[] = [];
  const changes: string[] = [];
  raw.forEach((value, i) => {
    const trimmed = (value ?? '').trim();
    const visible = trimmed.replace(CONTROL, '_');
    const base = visible === '' ? `column_${i + 1}` : visible;
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    taken.add(name.toLowerCase());
    names.push(name);
    if (trimmed === '') changes.push(`column ${i + 1} has no name; named it ${name}`);
    else if (visible !== trimmed) changes.push(`column ${i + 1} name ${JSON.stringify(trimmed)} holds control characters; named it ${name}`);
    else if (RESERVED.has(base.toLowerCase())) changes.push(`column ${i + 1} is named ${JSON.stringify(base)}, a name Silt keeps for where each row came from; named it ${name}`);
    else if (name !== base) changes.push(`column ${i + 1} repeats the name ${JSON.stringify(base)}; named it ${name}`);
  });
  return { names, changes };
}
