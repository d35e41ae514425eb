/**
 * Items due at a future record index: a duplicate line or a newer version is emitted some rows
 * after the original (often in a later file), without scanning a queue on every row.
 */
export class Later<T> {
  private readonly due = new Map<number, T[]>();

  add(at: number, item: T): void {
    const list = this.due.get(at);
    if (list) list.push(item);
    else this.due.set(at, [item]);
  }

  /** Removes and returns what is due at `at`, in the order it was added. */
  take(at: number): readonly T[] | undefined {
    const list = this.due.get(at);
    if (list) this.due.delete(at);
    return list;
  }

  /** Removes and returns everything left, by due index. */
  rest(): T[] {
    const keys = [...this.due.keys()].sort((a, b) => a - b);
    const items = keys.flatMap((k) => this.due.get(k) ?? []);
    this.due.clear();
    return items;
  }
}
