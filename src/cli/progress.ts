/** A one-line progress display on a terminal (stderr); silent when stderr is piped. */
export class Progress {
  private readonly started = performance.now();
  private last = 0;
  private shown = false;
  private readonly enabled = process.stderr.isTTY === true && !process.env['CI'];

  constructor(private readonly label: string) {}

  update(parts: { files?: number; rows?: number; bytes?: number }): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    const text = [
      parts.files !== undefined ? `${parts.files} files` : '',
      parts.rows !== undefined ? `${parts.rows.toLocaleString('en-US')} rows` : '',
      parts.bytes !== undefined ? formatBytes(parts.bytes) : '',
      `${((now - this.started) / 1000).toFixed(1)} s`,
    ].filter(Boolean);
    process.stderr.write(`\r\x1b[K${this.label}: ${text.join(', ')}`);
    this.shown = true;
  }

  /** A free-text status line (what is running now). */
  note(message: string): void {
    if (!this.enabled) return;
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[K${this.label}: ${message} (${secs} s)`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
