/**
 * Physical line numbers for CSV records.
 *
 * DuckDB 1.5 numbers CSV "lines" as records plus blank lines (header = 1), so a record whose quoted
 * value holds newlines counts once and every later number is too small. Its good rows carry no
 * number at all. We rebuild both from what DuckDB tells us: the good rows in file order, how many
 * lines each spans (newlines inside its values), the rejected records with their DuckDB numbers
 * and raw text, and the blank physical lines (from a plain line scan). Walking them in step gives
 * each record's first physical line. Work is proportional to the exceptions (multi-line records,
 * rejects, blank lines), not to the rows.
 */
export interface LineMapInput {
  /** Physical (and DuckDB) line number of the first data record: 2 with a header, else 1. */
  firstDataLine: number;
  goodCount: number;
  /** Good-row ordinal (1-based) → physical lines it spans, only for rows spanning more than one. */
  multiLineGood: Map<number, number>;
  /** Sorted by duckLine. */
  rejects: readonly { duckLine: number; span: number }[];
  /** Sorted physical numbers of empty lines (those inside quoted values included). */
  blankLines: readonly number[];
  totalLines: number;
}

export interface LineMap {
  /** Runs of good rows: from good-row ordinal `[0]` on, row k is at physical line `[1] + (k - [0])`. */
  segments: [number, number][];
  /** Physical line of each reject, parallel to the input rejects. */
  rejectLines: number[];
  /** False when the pieces did not fit together; numbers then fall back to DuckDB's own. */
  exact: boolean;
}

export function mapCsvLines(input: LineMapInput): LineMap {
  return walk(input) ?? duckdbLines(input.firstDataLine, input.rejects);
}

/** DuckDB's own numbering: right unless blank lines or multi-line records come before a record. */
export function duckdbLines(firstDataLine: number, rejects: readonly { duckLine: number }[]): LineMap {
  return { segments: [[1, firstDataLine]], rejectLines: rejects.map((r) => r.duckLine), exact: false };
}

function walk(input: LineMapInput): LineMap | null {
  const { goodCount, multiLineGood, rejects, blankLines } = input;
  const multi = [...multiLineGood.keys()].sort((a, b) => a - b);
  const segments: [number, number][] = [];
  const rejectLines: number[] = [];
  let phys = input.firstDataLine;
  let logical = input.firstDataLine;
  let good = 1;
  let ri = 0;
  let bi = 0;
  let mi = 0;
  const emit = (ordinal: number, line: number) => {
    const last = segments.at(-1);
    if (!last || last[1] - last[0] !== line - ordinal) segments.push([ordinal, line]);
  };
  while (good <= goodCount || ri < rejects.length) {
    while (bi < blankLines.length && (blankLines[bi] as number) < phys) bi += 1;
    if (blankLines[bi] === phys) {
      phys += 1;
      logical += 1;
      continue;
    }
    const reject = rejects[ri];
    if (reject && reject.duckLine < logical) return null;
    if (reject && reject.duckLine === logical) {
      rejectLines.push(phys);
      phys += reject.span;
      logical += 1;
      ri += 1;
      continue;
    }
    if (good > goodCount) return null;
    while (mi < multi.length && (multi[mi] as number) < good) mi += 1;
    const span = multiLineGood.get(good);
    if (span !== undefined) {
      emit(good, phys);
      phys += span;
      logical += 1;
      good += 1;
      continue;
    }
    const run = Math.min(
      goodCount - good + 1,
      (multi[mi] ?? Infinity) - good,
      (reject?.duckLine ?? Infinity) - logical,
      (blankLines[bi] ?? Infinity) - phys,
    );
    emit(good, phys);
    phys += run;
    logical += run;
    good += run;
  }
  // Whatever follows the last record must be blank lines.
  while (bi < blankLines.length && (blankLines[bi] as number) < phys) bi += 1;
  while (bi < blankLines.length && blankLines[bi] === phys) {
    phys += 1;
    bi += 1;
  }
  if (phys - 1 !== input.totalLines) return null;
  return { segments, rejectLines, exact: true };
}
