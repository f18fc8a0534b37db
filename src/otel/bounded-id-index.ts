/**
 * Ids (span or trace ids: hex strings) to values, in insertion order, with a
 * bound past which the oldest entry goes.
 *
 * A `Map` did this job, on the path of every span: one `set` at start and one
 * `delete` at end. Under that churn its hash table is reallocated every few
 * hundred spans, and each table is live when a scavenge comes, so V8 copies
 * and promotes it. On the bench's http server at 1,300 requests/s that was
 * about a fifth of all the bytes surviving scavenges (V8's sampling heap
 * profiler, samples of objects a minor GC collects left out).
 *
 * Here the entries live in a pool of preallocated arrays, chained in
 * insertion order, and an open-addressed table of pool indices finds them.
 * Adding and removing entries allocates nothing; only a resize does, when
 * the pool fills or is mostly empty.
 */
export class BoundedIdIndex<V> {
  private keys: (string | undefined)[] = [];
  private values: (V | undefined)[] = [];
  private hashes = new Int32Array(0);
  /** Insertion order: the pool indices before and after each entry, -1 for none. */
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private head = -1;
  private tail = -1;
  /** Unused pool entries, chained through `next`. */
  private free = -1;
  /** Pool index + 1 per table position, 0 for empty; twice the pool's size. */
  private table = new Int32Array(0);
  private mask = 0;
  private count = 0;
  private readonly minCapacity: number;

  constructor(
    private readonly bound: number,
    minCapacity = 256,
  ) {
    if (!Number.isInteger(bound) || bound < 1) throw new RangeError(`bound must be a positive integer; got ${String(bound)}`);
    // A power of two, so that halving and doubling keep the table's mask.
    this.minCapacity = 2 ** Math.ceil(Math.log2(Math.max(2, minCapacity)));
    this.resize(this.minCapacity);
  }

  get size(): number {
    return this.count;
  }

  get(id: string): V | undefined {
    const at = this.find(id, hashOf(id));
    return at < 0 ? undefined : this.values[this.table[at] - 1];
  }

  /**
   * Adds or replaces; an id already present keeps its place in the order.
   * Returns the value of the oldest entry when the bound made it go.
   */
  set(id: string, value: V): V | undefined {
    return this.put(id, value, true);
  }

  /** As `set`, but an id already present keeps its value. */
  add(id: string, value: V): V | undefined {
    return this.put(id, value, false);
  }

  private put(id: string, value: V, replace: boolean): V | undefined {
    const hash = hashOf(id);
    const at = this.find(id, hash);
    if (at >= 0) {
      if (replace) this.values[this.table[at] - 1] = value;
      return undefined;
    }
    let evicted: V | undefined;
    if (this.count >= this.bound) {
      const oldest = this.head;
      evicted = this.values[oldest];
      this.removeAt(this.find(this.keys[oldest] as string, this.hashes[oldest]));
    }
    if (this.count === this.keys.length) this.resize(this.keys.length * 2);
    this.insert(id, hash, value);
    return evicted;
  }

  /** Removes `id`, only while it maps to `value` when one is given. */
  delete(id: string, value?: V): void {
    const at = this.find(id, hashOf(id));
    if (at < 0 || (value !== undefined && this.values[this.table[at] - 1] !== value)) return;
    this.removeAt(at);
    const capacity = this.keys.length;
    if (capacity > this.minCapacity && this.count <= capacity / 8) this.resize(capacity / 2);
  }

  /** The table position of `id`, or -1. */
  private find(id: string, hash: number): number {
    const { table, mask, hashes, keys } = this;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = table[i];
      if (slot === 0) return -1;
      if (hashes[slot - 1] === hash && keys[slot - 1] === id) return i;
    }
  }

  private insert(id: string, hash: number, value: V): void {
    const entry = this.free;
    this.free = this.next[entry];
    this.keys[entry] = id;
    this.values[entry] = value;
    this.hashes[entry] = hash;
    this.prev[entry] = this.tail;
    this.next[entry] = -1;
    if (this.tail >= 0) this.next[this.tail] = entry;
    else this.head = entry;
    this.tail = entry;
    const { table, mask } = this;
    let i = hash & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = entry + 1;
    this.count++;
  }

  /** Removes the entry at table position `at`, closing the gap in its probe run. */
  private removeAt(at: number): void {
    const { table, mask, hashes } = this;
    const entry = table[at] - 1;
    // Backward shift: move later entries of the run into the gap when their
    // home position does not lie between the gap and where they sit.
    let gap = at;
    for (let j = (at + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[table[j] - 1] & mask;
      const stays = gap <= j ? home > gap && home <= j : home > gap || home <= j;
      if (!stays) {
        table[gap] = table[j];
        gap = j;
      }
    }
    table[gap] = 0;
    const before = this.prev[entry];
    const after = this.next[entry];
    if (before >= 0) this.next[before] = after;
    else this.head = after;
    if (after >= 0) this.prev[after] = before;
    else this.tail = before;
    this.keys[entry] = undefined;
    this.values[entry] = undefined;
    this.next[entry] = this.free;
    this.free = entry;
    this.count--;
  }

  /** New arrays of `capacity` entries; the entries move over in their order. */
  private resize(capacity: number): void {
    const { keys, values, hashes, next } = this;
    let entry = this.head;
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.table = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
    for (let i = 0; i < capacity; i++) this.next[i] = i + 1 < capacity ? i + 1 : -1;
    this.free = 0;
    this.head = -1;
    this.tail = -1;
    this.count = 0;
    while (entry >= 0) {
      this.insert(keys[entry] as string, hashes[entry], values[entry] as V);
      entry = next[entry];
    }
  }
}

/** FNV-1a over the id's characters. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h;
}
