/**
 * Profiling without touching product code: wraps methods on prototypes (DuckDB's connection,
 * Silt's Table and Catalog classes) so each outermost call is timed and attributed to the Silt
 * function that made it, read from the stack (run node with --enable-source-maps for .ts lines).
 */
import path from 'node:path';
import { ROOT } from './paths.js';

export interface TimedCall {
  kind: string;
  method: string;
  /** The SQL text (squashed) for DuckDB calls, else empty. */
  what: string;
  /** The nearest Silt frame outside the wrapped class, e.g. `readCsv (src/engine/file-csv.ts:34)`. */
  caller: string;
  ms: number;
  /** User + system CPU of the whole process meanwhile (exact only when nothing else runs beside the call). */
  cpuMs: number;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

export class CallTimer {
  readonly calls: TimedCall[] = [];
  private readonly restores: (() => void)[] = [];

  /**
   * Times `methods` of `proto`; nested calls of the same kind on the same object count once, in the
   * outermost. Calls on different objects (DuckDB connections working side by side) are each timed,
   * so their sum can exceed the wall time.
   */
  wrap(kind: string, proto: object, methods: readonly string[], skipFrames: RegExp): void {
    const target = proto as Record<string, Method>;
    const depths = new WeakMap<object, number>();
    for (const method of methods) {
      const original = target[method];
      if (typeof original !== 'function') throw new Error(`bench: profile: ${kind} has no method ${method}`);
      const calls = this.calls;
      target[method] = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
        const self = this as object;
        const depth = depths.get(self) ?? 0;
        if (depth > 0) return original.apply(this, args);
        const caller = callerOf(new Error().stack ?? '', skipFrames);
        depths.set(self, depth + 1);
        const started = performance.now();
        const cpu = process.cpuUsage();
        try {
          return await original.apply(this, args);
        } finally {
          depths.set(self, depth);
          const what = typeof args[0] === 'string' ? squash(args[0]) : '';
          const used = process.cpuUsage(cpu);
          calls.push({ kind, method, what, caller, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 });
        }
      };
      this.restores.push(() => (target[method] = original));
    }
  }

  restore(): void {
    for (const r of this.restores.splice(0).reverse()) r();
  }

  total(kind: string): number {
    return this.calls.filter((c) => c.kind === kind).reduce((n, c) => n + c.ms, 0);
  }
}

function squash(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 110 ? `${s.slice(0, 107)}...` : s;
}

/** The first stack frame in Silt's own code that is not part of the wrapped layer. */
function callerOf(stack: string, skip: RegExp): string {
  for (const line of stack.split('\n').slice(1)) {
    const m = /at (?:async )?(?:(\S+) \()?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[2]!;
    const rel = path.relative(ROOT, file);
    if (!/^(src|dist)\//.test(rel) || skip.test(rel)) continue;
    return `${m[1] ?? '<anonymous>'} (${rel}:${m[3]})`;
  }
  return '(outside silt)';
}
