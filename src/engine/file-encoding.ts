import { InvalidInput } from '../errors.js';
import { headBytes, type Compression } from './file-format.js';

const SAMPLE = 4096;

/**
 * Refuses a text file in UTF-16 or UTF-32, by its byte order mark or, without one, by the NUL byte
 * in every other position that ASCII text has in UTF-16. Read as UTF-8 such a file is garbage
 * (NULs in every name and value), so it is turned away whole with what to do instead.
 */
export function assertNotWideText(path: string, compression: Compression): void {
  const encoding = wideEncoding(headBytes(path, compression, SAMPLE));
  if (encoding === null) return;
  throw new InvalidInput(
    `load: ${path}: the file is ${encoding}; Silt reads text files as UTF-8: save it as UTF-8 (in Excel: "CSV UTF-8") and put it back`,
  );
}

export function wideEncoding(head: Uint8Array): string | null {
  const [a, b, c, d] = head;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'UTF-32 LE encoded (byte order mark FF FE 00 00)';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32 BE encoded (byte order mark 00 00 FE FF)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 LE encoded (byte order mark FF FE)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 BE encoded (byte order mark FE FF)';
  const pairs = Math.floor(head.length / 2);
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenNul += 1;
    if (head[i + 1] === 0) oddNul += 1;
  }
  // Mostly-ASCII UTF-16 has a NUL in nearly every pair; text with a few stray NULs does not.
  if (oddNul >= pairs * 0.7 && evenNul <= pairs * 0.1) return 'UTF-16 LE encoded (no byte order mark)';
  if (evenNul >= pairs * 0.7 && oddNul <= pairs * 0.1) return 'UTF-16 BE encoded (no byte order mark)';
  return null;
}
