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
 * Gives each label entry a holder to put in the async context frame, and
 * keeps the holder's slot lent for exactly as long as the holder lives.
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
  /** Weak both ways: a live holder must not keep its entry, nor the entry its holder. */
  private readonly holders = new WeakMap<LabelEntry, WeakRef<FrameHolder>>();
  private readonly collected: FinalizationRegistry<number>;
  private made = 0;
  private releasedCount = 0;

  constructor(slots: SlotTable) {
    this.slots = slots;
    this.collected = new FinalizationRegistry((slot: number) => {
      // A throw here would be an uncaught exception in the user's process.
      try {
        this.slots.release(slot);
        this.releasedCount++;
      } catch {
        // Not lent: nothing to give back.
      }
    });
  }

  /** The entry's live holder or a new one; undefined for no span, or when the table is full. */
  holderFor(entry: LabelEntry | null): FrameHolder | undefined {
    if (entry === null) return undefined;
    const live = this.holders.get(entry)?.deref();
    if (live !== undefined) return live;
    const slot = this.slots.lendUntilReleased(entry);
    if (slot === 0) return undefined;
    const holder: FrameHolder = [slot];
    this.holders.set(entry, new WeakRef(holder));
    this.collected.register(holder, slot);
    this.made++;
    return holder;
  }

  /** Holders made, and those whose slot was given back after collection. */
  stats(): { readonly made: number; readonly released: number } {
    return { made: this.made, released: this.releasedCount };
  }
}
