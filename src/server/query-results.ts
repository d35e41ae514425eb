import { createReadStream } from 'node:fs';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Cell } from '../engine/index.js';

/** Rows per entry of the spill file's sparse index: a page reads at most this many lines it skips. */
const MARK_EVERY = 1024;

/**
 * The rows of one statement's result as they arrive: in memory until they pass `memoryBytes`,
 * then in an NDJSON file (one JSON array per row) with a sparse index of byte offsets, so a page
 * far into a large result reads little. Readers may read while rows are still being added.
 */
export class ResultRows {
  private memory: Cell[][] = [];
  private file: string | undefined;
  private fileBytes = 0;
  private readonly marks: number[] = [];
  private waiters: (() => void)[] = [];
  /** Rows added so far. */
  count = 0;
  /** Bytes of JSON the rows take (memory and file alike). */
  bytes = 0;
  ended = false;

  constructor(
    private readonly spillPath: string,
    private readonly memoryBytes: number,
  ) {}

  async append(rows: Cell[][]): Promise<void> {
    const lines = rows.map((r) => JSON.stringify(r));
    const size = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    if (this.file === undefined && this.bytes + size > this.memoryBytes) await this.spill();
    if (this.file !== undefined) {
      await this.write(lines);
    } else {
      this.memory.push(...rows);
    }
    this.count += rows.length;
    this.bytes += size;
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Rows [offset, offset + limit) of those added so far. */
  async page(offset: number, limit: number): Promise<Cell[][]> {
    const end = Math.min(this.count, offset + limit);
    if (offset >= end) return [];
    if (this.file === undefined) return this.memory.slice(offset, end);
    const mark = Math.floor(offset / MARK_EVERY);
    const lines = createInterface({ input: createReadStream(this.file, { start: this.marks[mark]! }), crlfDelay: Infinity });
    const out: Cell[][] = [];
    let at = mark * MARK_EVERY;
    for await (const line of lines) {
      if (at >= offset) out.push(JSON.parse(line) as Cell[]);
      at += 1;
      if (at >= end) break;
    }
    lines.close();
    return out;
  }

  /** Every row from `offset` on, yielded as it arrives, until the result ends. */
  async *follow(offset = 0, batch = 2048): AsyncGenerator<Cell[][]> {
    let at = offset;
    for (;;) {
      if (at < this.count) {
        const rows = await this.page(at, batch);
        if (rows.length === 0) return; // disposed while read: nothing more to give
        at += rows.length;
        yield rows;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async dispose(): Promise<void> {
    this.memory = [];
    this.count = 0;
    this.end();
    if (this.file) await rm(this.file, { force: true });
  }

  private async spill(): Promise<void> {
    await mkdir(path.dirname(this.spillPath), { recursive: true });
    this.file = this.spillPath;
    const rows = this.memory;
    this.memory = [];
    await this.write(rows.map((r) => JSON.stringify(r)));
  }

  private async write(lines: string[]): Promise<void> {
    let text = '';
    let offset = this.fileBytes;
    // The file holds every row from the first spill on: new lines are rows this.count… (0… at the spill).
    let index = this.fileBytes === 0 ? 0 : this.count;
    for (const line of lines) {
      if (index % MARK_EVERY === 0) this.marks.push(offset);
      const l = line + '\n';
      text += l;
      offset += Buffer.byteLength(l);
      index += 1;
    }
    await appendFile(this.file!, text);
    this.fileBytes = offset;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
