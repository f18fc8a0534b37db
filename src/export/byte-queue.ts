/** An entry with a size in bytes. */
export interface Sized {
  readonly bytes: number;
}

/**
 * A FIFO bounded in total bytes. When a push takes it over the bound, the
 * oldest entries that are not busy go first; the new entry itself goes when
 * it alone is over the bound. The busy entry is the one a sender is working
 * on, and cannot be taken away from under it.
 */
export class ByteBoundedQueue<T extends Sized> {
  private items: T[] = [];
  private total = 0;
  private busyItem: T | undefined;

  constructor(private readonly maxBytes: number) {}

  get length(): number {
    return this.items.length;
  }

  get bytes(): number {
    return this.total;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Marks the head as being worked on, or clears the mark. */
  setBusy(item: T | undefined): void {
    this.busyItem = item;
  }

  /** Adds an entry; returns the entries dropped to make room. */
  push(item: T): T[] {
    this.items.push(item);
    this.total += item.bytes;
    return this.trim();
  }

  /** Drops the oldest non-busy entries while over the bound. */
  trim(): T[] {
    const dropped: T[] = [];
    while (this.total > this.maxBytes) {
      const index = this.items.findIndex((i) => i !== this.busyItem);
      if (index < 0) break;
      const [victim] = this.items.splice(index, 1);
      this.total -= victim.bytes;
      dropped.push(victim);
    }
    return dropped;
  }

  /** Removes an entry wherever it is; false if it was not queued. */
  remove(item: T): boolean {
    const index = this.items.indexOf(item);
    if (index < 0) return false;
    this.items.splice(index, 1);
    this.total -= item.bytes;
    if (this.busyItem === item) this.busyItem = undefined;
    return true;
  }

  /** Empties the queue, returning what it held. */
  drain(): T[] {
    const all = this.items;
    this.items = [];
    this.total = 0;
    this.busyItem = undefined;
    return all;
  }
}
