import type { SpanLabels } from '../window/profile-window';
import type { LabelEntry } from './label-entry';
import type { SampleMarker } from './sample-marker';
import type { SlotLabelSource, SlotStats } from './slot-label-source';

export interface SlotTableOptions {
  /** Most slots lent at once. Default (and most) 1 048 576. */
  readonly capacity?: number;
  /** Whether windows carry each span's trace id besides its span id. Default true. */
  readonly traceIds?: boolean;
}

export const MAX_SLOT_CAPACITY = 1 << 20;
/**
 * How often ended entries that no tick took give their slots back between
 * window closes. Sooner than most young-generation collections come, so an
 * unsampled span's record and entry die young instead of living (and being
 * promoted) until the window closes.
 */
export const DEFAULT_SWEEP_MS = 100;
const HELD = 1;
const RELEASED = 2;
/**
 * Ids are handed out on demand and the table grows only as far as it is
 * used, so the default is the most there can be. Fewer would overflow at
 * high span rates: per-window lending holds every entry whose code ran in a
 * window (100,000 at 10,000 spans/s and 10 s windows), and frame holders
 * every running span's entry plus those that ended in the last window.
 */
export const DEFAULT_SLOT_CAPACITY = MAX_SLOT_CAPACITY;

/** Says whether an entry's slot id may sit in a slot cell right now. */
export type PublishedCheck = (entry: LabelEntry) => boolean;

export interface SlotTableStats extends SlotStats {
  /** Slots lent since the table was made. */
  readonly acquired: number;
  /** Of `live`, slots lent until released (see lendUntilReleased). */
  readonly held: number;
  /** Slots taken back at window boundaries, or earlier (see `freedEarly`). */
  readonly retired: number;
  /** Of `retired`, slots of ended entries no tick took, freed between window closes. */
  readonly freedEarly: number;
  /** Most slots lent at once. */
  readonly highWater: number;
  readonly windows: number;
}

/**
 * Slot ids (1..capacity; 0 means "no span") lent to label entries for one
 * window at a time.
 *
 * Why no sample can get a wrong label:
 * - Code never writes a remembered slot id. Trackers publish `slotFor(entry)`,
 *   which reads the entry's current slot; once it is taken back nobody writes
 *   that id again, and the entry borrows a fresh slot the next time its code
 *   runs. So a context that outlives its span (a callback scheduled inside
 *   it) keeps its labels without keeping an id alive.
 * - At each window boundary every slot is taken back, except those published
 *   at that instant. The profiler calls `labelsFor` and `windowClosed` in the
 *   same synchronous turn as the `collect()` that closed the window, so the
 *   only ids published between that collect and this call are the ones
 *   published now: the window now open can hold no other id, and the window
 *   just closed already has its labels. The ids taken back are free at once.
 * - Lending per window needs no span-end signal, so spans whose end is never
 *   seen (other tracers, leaks) cannot hold slots. The table holds the
 *   entries whose code ran in one window.
 * - When the table is full, `slotFor` returns 0 and counts an overflow:
 *   those samples carry no span rather than someone else's.
 *
 * Where the slot rides in the async context itself (FrameHolders), no code
 * runs when a continuation resumes, so an id stays lent while its spans
 * run: `lendUntilReleased` and `release` instead.
 *
 * Holding every entry until its window closes would keep every span's
 * labels for a whole window: memory growing with the span rate, for the
 * few spans a 100 Hz sampler actually hits. With `followSamples`, the signal
 * handler marks each slot a tick takes (SampleMarker), and a slot whose
 * entry's spans ended goes back within `sweepMs` when no tick of the open
 * window took it and nothing can publish it any more; what the table holds
 * until the window closes is bounded by the samples, not by the spans.
 */
export class SlotTable implements SlotLabelSource {
  readonly capacity: number;
  /** owners[slot]: the entry the slot is lent to. */
  private readonly owners: (LabelEntry | undefined)[] = [undefined];
  private readonly free: number[] = [];
  private nextUnused = 1;
  /** Entries holding a slot, in lending order. */
  private liveEntries: LabelEntry[] = [];
  private checkList: PublishedCheck[] = [];
  private closeListeners: (() => void)[] = [];
  /** Slots lent until released, and those released since the last window closed. */
  private held = 0;
  private released: number[] = [];
  /** Per slot: HELD while lent until released, RELEASED until the next window close, else 0. */
  private heldState = new Uint8Array(1024);
  private overflows = 0;
  private acquired = 0;
  private retired = 0;
  private freedEarly = 0;
  /** The sampler whose marks this table follows, and the marks (followSamples). */
  private following: { readonly marker: SampleMarker; readonly marks: Uint8Array } | undefined;
  private sweepListeners: (() => void)[] = [];
  private highWater = 0;
  private windows = 0;

  private readonly traceIds: boolean;

  constructor(options: SlotTableOptions = {}) {
    this.capacity = validateCapacity(options.capacity ?? DEFAULT_SLOT_CAPACITY);
    this.traceIds = options.traceIds ?? true;
  }

  /** The entry's slot, lending a free one if it holds none; 0 if the table is full. */
  slotFor(entry: LabelEntry): number {
    if (entry.slot !== 0) return entry.slot;
    const slot = this.take();
    if (slot === 0) return 0;
    this.owners[slot] = entry;
    entry.slot = slot;
    this.liveEntries.push(entry);
    this.noteLive();
    return slot;
  }

  /** A free id, or 0 (counted as an overflow) when none is left. */
  private take(): number {
    if (this.free.length > 0) return this.free.pop() as number;
    if (this.nextUnused <= this.capacity) return this.nextUnused++;
    this.overflows++;
    return 0;
  }

  private noteLive(): void {
    this.acquired++;
    const live = this.liveEntries.length + this.held;
    if (live > this.highWater) this.highWater = live;
  }

  /**
   * A slot lent to `entry` until `release(slot)`, whatever windows close
   * meanwhile; 0 (an overflow) when the table is full. The entry's own
   * `slot` is left alone: an entry may hold several such slots over time.
   */
  lendUntilReleased(entry: LabelEntry): number {
    const slot = this.take();
    if (slot === 0) return 0;
    this.owners[slot] = entry;
    if (slot >= this.heldState.length) {
      const grown = new Uint8Array(Math.min(this.capacity + 1, this.heldState.length * 2));
      grown.set(this.heldState);
      this.heldState = grown;
    }
    this.heldState[slot] = HELD;
    this.held++;
    this.noteLive();
    return slot;
  }

  /** The entry `slot` is lent to, if any. */
  ownerOf(slot: number): LabelEntry | undefined {
    return slot > 0 ? this.owners[slot] : undefined;
  }

  /**
   * Nothing can carry `slot` any more. Its labels stay until the next window
   * closes when a tick of the open window took it; otherwise (known only
   * while following samples) it is free at once.
   */
  release(slot: number): void {
    if (!Number.isInteger(slot) || slot < 1 || slot >= this.heldState.length || this.heldState[slot] !== HELD) {
      throw new RangeError(`release: slot ${String(slot)} is not lent until released`);
    }
    const following = this.following;
    if (following !== undefined && following.marks[slot] !== following.marker.generation()) {
      this.freeReleased(slot);
      this.held--;
      this.retired++;
      this.freedEarly++;
      return;
    }
    this.heldState[slot] = RELEASED;
    this.released.push(slot);
  }

  /**
   * Has `marker`'s signal handler mark the slots its ticks take, and from
   * then on frees, every `sweepMs`, the slots of ended entries that no tick
   * of the open window took. Returns the function that stops it: call it
   * only once the sampler has stopped, as a tick that no longer marks could
   * take a slot that is then freed.
   */
  followSamples(marker: SampleMarker, sweepMs = DEFAULT_SWEEP_MS): () => void {
    if (!Number.isInteger(sweepMs) || sweepMs < 1) {
      throw new RangeError(`sweepMs must be a positive integer (default ${DEFAULT_SWEEP_MS}); got ${String(sweepMs)}`);
    }
    if (this.following !== undefined) throw new Error('the slot table already follows a sampler');
    // Pages are touched only up to the highest id ever lent.
    const following = { marker, marks: new Uint8Array(this.capacity + 1) };
    marker.markSlots(following.marks);
    this.following = following;
    const timer = setInterval(() => this.sweep(), sweepMs);
    timer.unref();
    return () => {
      clearInterval(timer);
      if (this.following !== following) return;
      marker.markSlots(null);
      this.following = undefined;
    };
  }

  /**
   * Runs `listener` after each sweep (see followSamples): where it releases
   * ended entries' slots, those no tick took are free at once.
   * Returns the unregister function.
   */
  onSweep(listener: () => void): () => void {
    this.sweepListeners = [...this.sweepListeners, listener];
    return () => {
      this.sweepListeners = this.sweepListeners.filter((l) => l !== listener);
    };
  }

  /**
   * Frees the per-window slots of entries whose spans ended, that nothing
   * publishes now and no tick of the open window took; then runs the sweep
   * listeners. A no-op unless following samples.
   */
  sweep(): void {
    const following = this.following;
    if (following === undefined) return;
    const { marks } = following;
    const generation = following.marker.generation();
    const live = this.liveEntries;
    const checks = this.checkList;
    let kept = 0;
    for (let i = 0; i < live.length; i++) {
      const entry = live[i];
      // Unpublished, no tick can take the slot before it is freed in this same turn.
      if (entry.spansEnded() && marks[entry.slot] !== generation && !isPublished(entry, checks)) {
        this.retireEntry(entry);
        this.freedEarly++;
      } else {
        live[kept++] = entry;
      }
    }
    this.retired += live.length - kept;
    live.length = kept;
    const listeners = this.sweepListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]();
  }

  /** Takes back an entry's per-window slot. */
  private retireEntry(entry: LabelEntry): void {
    this.owners[entry.slot] = undefined;
    this.freeSlot(entry.slot);
    entry.slot = 0;
  }

  /** Frees a slot that was lent until released. */
  private freeReleased(slot: number): void {
    this.owners[slot] = undefined;
    this.heldState[slot] = 0;
    this.freeSlot(slot);
  }

  /** Puts `slot` on the free list; its mark is cleared, as nothing can publish it now. */
  private freeSlot(slot: number): void {
    if (this.following !== undefined) this.following.marks[slot] = 0;
    this.free.push(slot);
  }

  /**
   * Registers a check run at each window boundary: a slot still published is
   * not retired. Returns the unregister function.
   */
  keepPublished(check: PublishedCheck): () => void {
    // A new array each time: a check removed while windowClosed runs cannot shift the loop.
    if (!this.checkList.includes(check)) this.checkList = [...this.checkList, check];
    return () => {
      this.checkList = this.checkList.filter((c) => c !== check);
    };
  }

  /**
   * Runs `listener` at the end of each windowClosed, once the ids released
   * before it are free: what it releases is freed at the next close.
   * Returns the unregister function.
   */
  onWindowClosed(listener: () => void): () => void {
    this.closeListeners = [...this.closeListeners, listener];
    return () => {
      this.closeListeners = this.closeListeners.filter((l) => l !== listener);
    };
  }

  labelsFor(slots: ArrayLike<number>): Map<number, SpanLabels> {
    const out = new Map<number, SpanLabels>();
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      const owner = slot > 0 ? this.owners[slot] : undefined;
      if (owner !== undefined && !out.has(slot)) out.set(slot, this.traceIds ? owner.labels() : withoutTraceId(owner.labels()));
    }
    return out;
  }

  windowClosed(): void {
    this.windows++;
    // Runs once per window, so mostly unoptimised: a plain indexed loop over
    // entries and checks, with no iterator or closure of its own per entry.
    const live = this.liveEntries;
    const checks = this.checkList;
    const kept: LabelEntry[] = [];
    for (let i = 0; i < live.length; i++) {
      const entry = live[i];
      if (isPublished(entry, checks)) kept.push(entry);
      else this.retireEntry(entry);
    }
    this.retired += live.length - kept.length;
    this.liveEntries = kept;
    const released = this.released;
    if (released.length > 0) {
      this.released = [];
      for (let i = 0; i < released.length; i++) this.freeReleased(released[i]);
      this.held -= released.length;
      this.retired += released.length;
    }
    const listeners = this.closeListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]();
  }

  stats(): SlotTableStats {
    return {
      live: this.liveEntries.length + this.held,
      held: this.held,
      capacity: this.capacity,
      overflows: this.overflows,
      acquired: this.acquired,
      retired: this.retired,
      freedEarly: this.freedEarly,
      highWater: this.highWater,
      windows: this.windows,
    };
  }
}

function isPublished(entry: LabelEntry, checks: readonly PublishedCheck[]): boolean {
  for (let c = 0; c < checks.length; c++) {
    if (checks[c](entry)) return true;
  }
  return false;
}

function validateCapacity(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SLOT_CAPACITY) {
    throw new RangeError(
      `capacity must be an integer from 1 to ${MAX_SLOT_CAPACITY} (default ${DEFAULT_SLOT_CAPACITY}); got ${String(value)}`,
    );
  }
  return value;
}

function withoutTraceId(labels: SpanLabels): SpanLabels {
  if (labels.traceId === undefined) return labels;
  const { traceId: _dropped, ...rest } = labels;
  return rest;
}
