/**
 * The merged structure of an NDJSON text's object records, as DuckDB's `json_structure` gives it
 * for the array of those records, in one pass over the bytes and without building any value.
 * It costs about half of asking DuckDB (which builds a structure per record batch and merges
 * them), and runs on Node's thread while DuckDB's threads work on other files.
 *
 * It reads strict JSON only. A line it cannot read (malformed, not an object, nested deeper than
 * MAX_JSON_DEPTH, or one of the extensions DuckDB accepts, such as NaN or a trailing comma) adds
 * nothing and is returned in `unread`; the caller uses the structure only when those are exactly
 * the lines DuckDB did not take as object records either, so any record the two judge
 * differently sends the file to `json_structure`.
 */
import { MAX_JSON_DEPTH } from './file-json-depth.js';

export interface ScannedStructure {
  /** What `json_structure` gives for the array of the records read (`'NULL'` when none). */
  structure: unknown;
  /** Lines (1-based, blank lines counted) holding something other than a strict JSON object. */
  unread: number[];
  /** Lines whose record holds a top-level key more than once (DuckDB keeps one of its values). */
  repeated: number[];
}

// The kinds of value seen at one place in the records.
const UBIGINT = 1;
const BIGINT = 2;
const DOUBLE = 4;
const VARCHAR = 8;
const BOOLEAN = 16;
const OBJECT = 32;
const ARRAY = 64;
const NUMBERS = UBIGINT | BIGINT | DOUBLE;

/** One place in the records (the record, a key's value, an array's elements): the kinds of value seen there. */
interface Place {
  kinds: number;
  /** An object's keys in order of first appearance, each with its bytes for comparing in place. */
  keys: { key: string; bytes: Buffer | null; place: Place }[];
  index: Map<string, number>;
  element: Place | null;
}

const newPlace = (): Place => ({ kinds: 0, keys: [], index: new Map(), element: null });

const [SPACE, TAB, NEWLINE, QUOTE, BACKSLASH, COMMA, COLON] = [0x20, 0x09, 0x0a, 0x22, 0x5c, 0x2c, 0x3a];
const [OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, MINUS, DOT, ZERO, NINE] = [0x7b, 0x7d, 0x5b, 0x5d, 0x2d, 0x2e, 0x30, 0x39];

export async function scanStructure(bytes: Buffer): Promise<ScannedStructure> {
  const scan = new StructureScan();
  await scan.lines(bytes);
  return scan.result();
}

/**
 * scanStructure over a text that arrives in pieces (a store's stream), read once and never held
 * whole: each piece's whole lines are scanned as they come, the part of a line a piece cuts off
 * waits for the next. Null, and the rest not read, when the text is not plain as the whole-text
 * reader takes it (a carriage return, a NUL byte, or a byte-order mark at its start).
 */
export async function scanPlainStructure(pieces: AsyncIterable<Buffer>): Promise<ScannedStructure | null> {
  const scan = new StructureScan();
  const view = (bytes: Buffer, from: number, to: number) => new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from);
  let head: number[] = [];
  // The start of a line that runs past the pieces so far, in pieces (joined once, when it ends).
  let carry: Uint8Array[] = [];
  for await (const bytes of pieces) {
    if (bytes.includes(0x0d) || bytes.includes(0)) return null;
    if (head.length < BOM.length) {
      head = [...head, ...bytes.subarray(0, BOM.length - head.length)];
      if (BOM.every((b, i) => head[i] === b)) return null;
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry.push(new Uint8Array(view(bytes, 0, bytes.length)));
      continue;
    }
    if (carry.length === 0) await scan.lines(bytes.subarray(0, last + 1));
    else {
      // The line the last piece cut off, completed; then this piece's other whole lines, in place.
      const firstEnd = bytes.indexOf(NEWLINE);
      await scan.lines(Buffer.concat([...carry, view(bytes, 0, firstEnd + 1)]));
      if (firstEnd < last) await scan.lines(bytes.subarray(firstEnd + 1, last + 1));
    }
    // Copied: a store may reuse a piece's memory for the next.
    carry = last + 1 < bytes.length ? [new Uint8Array(view(bytes, last + 1, bytes.length))] : [];
  }
  await scan.lines(Buffer.concat(carry));
  return scan.result();
}

const BOM = [0xef, 0xbb, 0xbf];

/** The scan's state across the pieces of one text: `lines` takes the next whole lines in order. */
class StructureScan {
  private readonly root = newPlace();
  private readonly unread: number[] = [];
  private readonly repeated: number[] = [];
  private readonly reader: LineReader = { bytes: Buffer.alloc(0), root: this.root, undo: [], stack: [], inObject: [], nextKey: [], line: 0, seen: [], repeats: false };
  private line = 0;

  /** Scans `bytes`, which ends at a line's end (its newline included) or at the end of the text. */
  async lines(bytes: Buffer): Promise<void> {
    const reader = this.reader;
    reader.bytes = bytes;
    let pos = 0;
    while (pos < bytes.length) {
      // Node's thread is shared by the files read side by side (and by a server taking pushes): it
      // is handed back between slices, so their next statements start while a large file scans.
      if (pos > 0) await new Promise((resolve) => setImmediate(resolve));
      const sliceEnd = pos + SLICE_BYTES;
      while (pos < bytes.length && pos < sliceEnd) {
        const line = ++this.line;
        let lineEnd = bytes.indexOf(NEWLINE, pos);
        if (lineEnd < 0) lineEnd = bytes.length;
        pos = afterBlanks(bytes, pos);
        if (pos < lineEnd) {
          reader.undo.length = 0;
          reader.line = line;
          reader.repeats = false;
          if (!readRecord(reader, pos, lineEnd)) {
            undoLine(reader.undo);
            this.unread.push(line);
          } else if (reader.repeats) this.repeated.push(line);
        }
        pos = lineEnd + 1;
      }
    }
  }

  result(): ScannedStructure {
    return { structure: this.root.kinds === 0 ? 'NULL' : described(this.root), unread: this.unread, repeated: this.repeated };
  }
}

/** Bytes scanned before Node's thread is handed back (a few milliseconds' work). */
const SLICE_BYTES = 1024 * 1024;

interface LineReader {
  bytes: Buffer;
  root: Place;
  /**
   * Changes made while reading the current line, undone when the line turns out unreadable:
   * [place, kinds before] pairs, or [place, ADDED_KEY] / [place, ADDED_ELEMENT].
   */
  undo: (Place | number)[];
  /** The objects and arrays open at each depth, whether each is an object, and the index of the key expected next in it. */
  stack: Place[];
  inObject: boolean[];
  nextKey: number[];
  /** The line being read; for each top-level key (by index), the last line it was seen on. */
  line: number;
  seen: number[];
  /** Whether the line being read repeats a top-level key. */
  repeats: boolean;
}

/**
 * Merges the record on bytes pos..lineEnd into the places; false when it is not a strict JSON
 * object. One loop with the position in a local: this runs over every byte of the file.
 */
function readRecord(reader: LineReader, pos: number, lineEnd: number): boolean {
  const { bytes, stack, inObject, nextKey, undo } = reader;
  if (bytes[pos] !== OPEN_BRACE) return false;
  let depth = 0;
  stack[0] = reader.root;
  inObject[0] = true;
  nextKey[0] = 0;
  mark(undo, reader.root, OBJECT);
  pos++;
  let first = true;
  for (;;) {
    pos = afterBlanks(bytes, pos);
    let c = bytes[pos];
    const holder = stack[depth]!;
    let place: Place | null = null;
    if (first && c === (inObject[depth] ? CLOSE_BRACE : CLOSE_BRACKET)) pos++;
    else if (!inObject[depth]) place = holder.element;
    else {
      if (c !== QUOTE) return false;
      const start = ++pos;
      // Records mostly repeat the key order of the last: the key expected next, written as is, is
      // taken without reading the string again (such keys hold no quote, backslash or control character).
      let at = nextKey[depth]!;
      const expected = holder.keys[at]?.bytes;
      if (expected && bytes[start + expected.length] === QUOTE && sameBytes(expected, bytes, start, start + expected.length)) {
        pos = start + expected.length + 1;
      } else {
        pos = stringEnd(bytes, pos, lineEnd);
        if (pos < 0) return false;
        at = keyIndex(holder, bytes, start, pos - 1, at, undo);
        if (at < 0) return false;
      }
      nextKey[depth] = at + 1;
      if (depth === 0) {
        if (reader.seen[at] === reader.line) reader.repeats = true;
        else reader.seen[at] = reader.line;
      }
      place = holder.keys[at]!.place;
      pos = afterBlanks(bytes, pos);
      if (bytes[pos] !== COLON) return false;
      pos = afterBlanks(bytes, pos + 1);
      c = bytes[pos];
    }
    if (place !== null) {
      first = false;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth + 1 >= MAX_JSON_DEPTH) return false;
        mark(undo, place, c === OPEN_BRACE ? OBJECT : ARRAY);
        if (c === OPEN_BRACKET && place.element === null) {
          place.element = newPlace();
          undo.push(place, ADDED_ELEMENT);
        }
        depth++;
        stack[depth] = place;
        inObject[depth] = c === OPEN_BRACE;
        nextKey[depth] = 0;
        first = true;
        pos++;
        continue;
      }
      let kind: number;
      if (c === QUOTE) {
        pos = stringEnd(bytes, pos + 1, lineEnd);
        if (pos < 0) return false;
        kind = VARCHAR;
      } else if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) {
        const negative = c === MINUS;
        const digitsStart = negative ? pos + 1 : pos;
        pos = afterDigits(bytes, digitsStart);
        const digits = pos - digitsStart;
        if (digits === 0 || (digits > 1 && bytes[digitsStart] === ZERO)) return false;
        let fraction = false;
        if (bytes[pos] === DOT) {
          const from = pos + 1;
          pos = afterDigits(bytes, from);
          if (pos === from) return false;
          fraction = true;
        }
        if (bytes[pos] === 0x65 || bytes[pos] === 0x45) {
          const from = bytes[pos + 1] === 0x2b || bytes[pos + 1] === MINUS ? pos + 2 : pos + 1;
          pos = afterDigits(bytes, from);
          if (pos === from) return false;
          fraction = true;
        }
        kind = fraction ? DOUBLE : integerKind(bytes, digitsStart, pos, negative);
      } else {
        // true, false or null, told apart by the first letter.
        const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === 0x6e ? NULL : undefined;
        if (word === undefined) return false;
        for (let i = 1; i < word.length; i++) if (bytes[pos + i] !== word[i]) return false;
        pos += word.length;
        kind = word === NULL ? 0 : BOOLEAN;
      }
      if (kind > 0) mark(undo, place, kind);
    }
    // After a value, or a container that just closed: a comma, or the close of the container.
    for (;;) {
      if (place === null && --depth < 0) return afterBlanks(bytes, pos) === lineEnd;
      pos = afterBlanks(bytes, pos);
      c = bytes[pos];
      if (c === COMMA) {
        pos++;
        break;
      }
      if (c !== (inObject[depth] ? CLOSE_BRACE : CLOSE_BRACKET)) return false;
      pos++;
      place = null;
    }
  }
}

function afterBlanks(bytes: Buffer, pos: number): number {
  while (bytes[pos] === SPACE || bytes[pos] === TAB) pos++;
  return pos;
}

function afterDigits(bytes: Buffer, pos: number): number {
  let c = bytes[pos];
  while (c !== undefined && c >= ZERO && c <= NINE) c = bytes[++pos];
  return pos;
}

function mark(undo: (Place | number)[], place: Place, kind: number): void {
  if ((place.kinds | kind) === place.kinds) return;
  undo.push(place, place.kinds);
  place.kinds |= kind;
}

/**
 * The position after the string whose first byte is at `pos`, or -1 when it does not end on the
 * line or is not strict JSON as DuckDB's parser reads it: a raw control character, an unknown
 * escape, or a `\u` escape that is not four hex digits or leaves a surrogate unpaired. So every
 * record the scan reads, DuckDB reads too (readers rely on it to skip json_valid on them).
 */
function stringEnd(bytes: Buffer, pos: number, lineEnd: number): number {
  while (pos < lineEnd) {
    const c = bytes[pos]!;
    if (c === QUOTE) return pos + 1;
    if (c < 0x20) return -1;
    if (c !== BACKSLASH) pos++;
    else if ((pos = escapeEnd(bytes, pos + 1)) < 0) return -1;
  }
  return -1;
}

/** The position after the escape whose letter is at `pos` (after the backslash), or -1. */
function escapeEnd(bytes: Buffer, pos: number): number {
  const c = bytes[pos];
  if (c !== U) return c !== undefined && SIMPLE_ESCAPES.includes(c) ? pos + 1 : -1;
  const unit = hexUnit(bytes, pos + 1);
  if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff)) return -1;
  if (unit < 0xd800 || unit > 0xdbff) return pos + 5;
  // A high surrogate must be followed by an escaped low one.
  if (bytes[pos + 5] !== BACKSLASH || bytes[pos + 6] !== U) return -1;
  const low = hexUnit(bytes, pos + 7);
  return low >= 0xdc00 && low <= 0xdfff ? pos + 11 : -1;
}

/** The value of the four hex digits at `pos`, or -1. */
function hexUnit(bytes: Buffer, pos: number): number {
  let unit = 0;
  for (let i = pos; i < pos + 4; i++) {
    const c = bytes[i];
    const digit = c === undefined ? -1 : c >= ZERO && c <= NINE ? c - ZERO : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

const U = 0x75;
/** `"` `\` `/` `b` `f` `n` `r` `t`: the escapes JSON has besides `\u`. */
const SIMPLE_ESCAPES = [QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74];

/**
 * The index in `holder` of the key written at bytes start..stop, added when new; -1 when its
 * escapes are not JSON. Records mostly repeat the key order of the last, so the key expected next
 * is compared in place first: a key is only decoded when it is not that one.
 */
function keyIndex(holder: Place, bytes: Buffer, start: number, stop: number, expected: number, undo: (Place | number)[]): number {
  const keys = holder.keys;
  if (sameBytes(keys[expected]?.bytes, bytes, start, stop)) return expected;
  if (keys.length <= COMPARED_KEYS) {
    for (let i = 0; i < keys.length; i++) if (sameBytes(keys[i]!.bytes, bytes, start, stop)) return i;
  }
  let key: string;
  let escaped = false;
  for (let i = start; i < stop && !escaped; i++) escaped = bytes[i] === BACKSLASH;
  if (!escaped) key = bytes.toString('utf8', start, stop);
  else {
    try {
      key = JSON.parse(bytes.toString('utf8', start - 1, stop + 1)) as string;
    } catch {
      return -1;
    }
  }
  let at = holder.index.get(key);
  if (at === undefined) {
    at = keys.length;
    holder.index.set(key, at);
    // A key holding a backslash, quote or control character is never compared in place: its
    // written bytes differ from it, and readRecord takes a key matched in place as strict JSON.
    keys.push({ key, bytes: /["\\\u0000-\u001f]/.test(key) ? null : Buffer.from(key), place: newPlace() });
    undo.push(holder, ADDED_KEY);
  }
  return at;
}

/** Objects with up to this many keys have a key looked up by comparing bytes, not by decoding it. */
const COMPARED_KEYS = 64;

function sameBytes(key: Buffer | null | undefined, bytes: Buffer, start: number, stop: number): boolean {
  if (!key || key.length !== stop - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== bytes[start + i]) return false;
  return true;
}

/** An integer's kind as DuckDB's JSON reader takes it: past 64 bits it is a double. */
function integerKind(bytes: Buffer, digitsStart: number, digitsEnd: number, negative: boolean): number {
  const digits = digitsEnd - digitsStart;
  if (digits < 19) return negative ? BIGINT : UBIGINT;
  const text = bytes.toString('latin1', digitsStart, digitsEnd);
  if (negative) return digits === 19 && text <= '9223372036854775808' ? BIGINT : DOUBLE;
  return digits === 19 || (digits === 20 && text <= '18446744073709551615') ? UBIGINT : DOUBLE;
}

const ADDED_KEY = -1;
const ADDED_ELEMENT = -2;
const [TRUE, FALSE, NULL] = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];

function undoLine(undo: (Place | number)[]): void {
  for (let i = undo.length - 2; i >= 0; i -= 2) {
    const place = undo[i] as Place;
    const before = undo[i + 1] as number;
    if (before === ADDED_KEY) place.index.delete(place.keys.pop()!.key);
    else if (before === ADDED_ELEMENT) place.element = null;
    else place.kinds = before;
  }
}

/**
 * A place as `json_structure` describes it: one kind is its type (an unsigned and a signed
 * integer make HUGEINT, any number with a double DOUBLE), several are JSON, none is NULL; an object
 * that never held a key is JSON.
 */
function described(place: Place): unknown {
  const k = place.kinds;
  if (k === 0) return 'NULL';
  if ((k & NUMBERS) === k) return k & DOUBLE ? 'DOUBLE' : k === (UBIGINT | BIGINT) ? 'HUGEINT' : k === UBIGINT ? 'UBIGINT' : 'BIGINT';
  if (k === VARCHAR) return 'VARCHAR';
  if (k === BOOLEAN) return 'BOOLEAN';
  if (k === ARRAY) return [described(place.element ?? newPlace())];
  if (k === OBJECT && place.keys.length > 0) return Object.fromEntries(place.keys.map((e) => [e.key, described(e.place)]));
  return 'JSON';
}
