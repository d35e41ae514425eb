import { type Engine, quoteIdent } from '../core/index.js';
import type { Reject } from './file-types.js';

/**
 * Deepest nesting of objects and arrays a JSON record may have. DuckDB's json_structure recurses
 * and crashes the process on records nested some thousands deep, and a schema that deep serves no
 * one; 128 is serde_json's default limit.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Records longer than this are measured before any structure is taken: only they can be nested
 * deep enough (over 2048 levels, two bytes a level) to crash json_structure. Shorter ones are
 * measured only when the structure shows nesting past MAX_JSON_DEPTH, as counting brackets in
 * every record costs several times json_valid.
 */
export const CRASH_GUARD_BYTES = 4096;

/** How deep a JSON structure (as json_structure gives it) nests objects and arrays. */
export function structureDepth(structure: unknown): number {
  if (structure === null || typeof structure !== 'object') return 0;
  const inner = Array.isArray(structure) ? structure : Object.values(structure);
  return 1 + inner.reduce<number>((deepest, v) => Math.max(deepest, structureDepth(v)), 0);
}

/**
 * Takes the object records longer than `longerThan` bytes and nested deeper than MAX_JSON_DEPTH out
 * of `records` (line, text, ok) and returns them as rejects. Only records with more opening
 * brackets than the limit can be that deep; just those are measured.
 */
export async function takeTooDeep(engine: Engine, path: string, records: string, cut: (text: string) => string, longerThan = 0): Promise<Reject[]> {
  const table = quoteIdent(records);
  const openings = `strlen(text) - strlen(replace(replace(text, '[', ''), '{', ''))`;
  const candidates = await engine.all<{ line: bigint; text: string }>(
    `SELECT line, text FROM ${table} WHERE ok AND strlen(text) > ${Math.max(longerThan, 2 * MAX_JSON_DEPTH)} AND ${openings} > ${MAX_JSON_DEPTH}`,
  );
  const deep = candidates.filter((c) => nestedDeeperThan(c.text, MAX_JSON_DEPTH));
  if (deep.length === 0) return [];
  await engine.run(`DELETE FROM ${table} WHERE line IN (${deep.map((d) => String(d.line)).join(', ')})`);
  const error = `nested deeper than ${MAX_JSON_DEPTH} levels, the most Silt reads; flatten the record or send its deep part as a JSON string`;
  return deep.map((d) => ({ file: path, line: Number(d.line), column: null, raw: cut(d.text), error }));
}

/** Whether valid JSON `text` opens more than `limit` objects or arrays inside each other. */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
