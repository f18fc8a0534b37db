import { AsyncLocalStorage } from 'node:async_hooks';
import type { LabelEntry } from './label-entry';
import type { SlotTable } from './slot-table';

/**
 * What spanprof stores in the async context frame: a one-element array
 * holding a slot id. The signal handler finds it under `storage` and reads
 * element 0 (native/frame_slot_reader.cc); nothing else ever writes it.
 */
export type FrameHolder = readonly [slot: number];

/** The native side's reader of the slot kept in the async context frame (the sampler). */
export interface FrameSlotReader {
  /** Starts reading `key`'s store in each tick; null stops. False where this build or V8 cannot. */
  readFrames(key: object | null): boolean;
  /** The slot the signal handler would record right now. */
  frameSlot(): number;
}

/**
 * Gives label entries holders to put in the async context frame, and keeps
 * each holder's slot lent for exactly as long as the holder lives.
 *
 * A frame travels with every continuation made inside it, and no code runs
 * when one resumes, so an id handed out for one window (as SlotTable does
 * for the hook mechanisms) could resume after it was given to another
 * span. Here the id belongs to the holder: while anything can still carry
 * it, the holder is reachable; once the holder is collected, the id is
 * released and freed at the next window close (SlotTable.release).
 */
export class FrameHolders {
  /** The private key under which holders ride in the frame. */
  readonly storage = new AsyncLocalStorage<FrameHolder | undefined>();
  private readonly slots: SlotTable;
  private readonly collected: FinalizationRegistry<number>;
  private made = 0;
  private releasedCount = 0;
  private closed = false;

  constructor(slots: SlotTable) {
    this.slots = slots;
    this.collected = new FinalizationRegistry((slot: number) => {
      // Closed: every slot was released then, and may be lent again by now.
      if (this.closed) return;
      // A throw here would be an uncaught exception in the user's process.
      try {
        this.slots.release(slot);
        this.releasedCount++;
      } catch {
        // Not lent: nothing to give back.
      }
    });
  }

  /**
   * The holder to run `entry`'s code under: `current` (the store in force)
   * when it already belongs to `entry`, so nested switches to one entry
   * make no new frame; else a new holder with a slot of its own. Undefined
   * for no span, or when the table is full.
   *
   * No WeakRef or WeakMap ties holders to entries: each costs microseconds
   * to make. Like them, a registered holder is cleared only by a full
   * collection (V8's scavenges leave registry targets alone), so its slot,
   * and the entry it names, stay taken until one runs.
   */
  holderFor(entry: LabelEntry | null, current: FrameHolder | undefined): FrameHolder | undefined {
    if (entry === null) return undefined;
    if (current !== undefined && this.slots.ownerOf(current[0]) === entry) return current;
    const slot = this.slots.lendUntilReleased(entry);
    if (slot === 0) return undefined;
    const holder: FrameHolder = [slot];
    this.collected.register(holder, slot);
    this.made++;
    return holder;
  }

  /**
   * No holder of these will be read again (the reader stopped): every slot
   * they hold is released, freed at the next window close.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.slots.releaseAllHeld();
  }

  /** Holders made, and those whose slot was given back after collection. */
  stats(): { readonly made: number; readonly released: number } {
    return { made: this.made, released: this.releasedCount };
  }
}
