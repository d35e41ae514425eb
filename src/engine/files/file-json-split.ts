/** The records of a JSON document DuckDB could not read whole, found by its brackets and commas. */
export interface SplitDocument {
  /** Each record's bytes (trimmed), in file order; record n is pieces[n - 1]. */
  pieces: Uint8Array[];
  /** What was odd about the document's framing (a stray comma, a missing `]`), for the warnings. */
  notes: string[];
}

const [QUOTE, BACKSLASH, COMMA, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x22, 0x5c, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d];
const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Splits an array of records (`[{..},{..}]`) at its top-level commas, or records written one after
 * another (`{..}{..}`) where each closes. It never judges a record: a malformed one, or the cut
 * tail of a truncated file, is a piece like any other, for the JSON parser to reject. Empty
 * elements (`,,`, a trailing comma) are no records and are only noted.
 */
export function splitDocument(bytes: Uint8Array): SplitDocument {
  const pieces: Uint8Array[] = [];
  const notes: string[] = [];
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (isSpace(bytes[i])) i++;
  const array = bytes[i] === OPEN_ARRAY;
  if (array) i++;
  let depth = 0;
  let inString = false;
  let start = -1;
  let closed = false;
  const end = (to: number) => {
    let j = to;
    while (j > start && isSpace(bytes[j - 1])) j--;
    pieces.push(bytes.subarray(start, j));
    start = -1;
  };
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (isSpace(c)) {
      if (!array && depth === 0 && start >= 0) end(i); // a bare value between records
      continue;
    }
    if (array && depth === 0 && (c === COMMA || c === CLOSE_ARRAY)) {
      if (start >= 0) end(i);
      else if (c === COMMA || pieces.length > 0) notes.push(`an empty element (a stray comma) after record ${pieces.length} was skipped`);
      if (c === CLOSE_ARRAY) {
        closed = true;
        i++;
        break;
      }
      continue;
    }
    if (start < 0) start = i;
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) depth++;
    else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth = Math.max(0, depth - 1);
      if (!array && depth === 0) end(i + 1);
    }
  }
  if (start >= 0) end(bytes.length);
  if (array && !closed) notes.push('the file ends before the array closes with ]: it may be cut short');
  while (isSpace(bytes[i])) i++;
  if (closed && i < bytes.length) {
    notes.push('text follows the array\'s closing ]');
    start = i;
    end(bytes.length);
  }
  return { pieces, notes };
}
