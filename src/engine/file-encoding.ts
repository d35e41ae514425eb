/**
 * The UTF-16 or UTF-32 encoding a file's first bytes show (by byte-order mark, or by the NUL bytes
 * that text of such a file has next to each ASCII character), or null. Silt reads text as UTF-8;
 * read any other way such a file is a NUL byte every other character.
 */
export function wideEncoding(head: Uint8Array): string | null {
  if (head.length < 2) return null;
  const [a, b, c, d] = [head[0], head[1], head[2] ?? 1, head[3] ?? 1];
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? 'UTF-32 (little-endian)' : 'UTF-16 (little-endian)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 (big-endian)';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32 (big-endian)';
  if (a === 0) return b === 0 ? 'UTF-32 (big-endian)' : 'UTF-16 (big-endian)';
  if (b === 0) return c === 0 && d === 0 ? 'UTF-32 (little-endian)' : 'UTF-16 (little-endian)';
  return null;
}

/** The reject reason for a file in a wide encoding: what it is, and what to do. */
export function wideEncodingError(encoding: string): string {
  return `the file is ${encoding} encoded; Silt reads UTF-8 only: save it as UTF-8 and land it again`;
}
