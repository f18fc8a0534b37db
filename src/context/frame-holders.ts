import { AsyncLocalStorage } from 'node:async_hooks';
import type { FrameHolder, LabelEntry } from '../slots/label-entry';
import type { SlotTable } from '../slots/slot-table';

/**
 * Gives each label entry one holder to put in the async context frame, and
 * takes it back once the entry's spans ended: at the first window close, or
 * earlier, at the second slot-table sweep that finds them ended (see
 * SlotTable.followSamples), which frees the id at once when no tick took it.
 *
 * A frame travels with every continuation made inside it, and no code runs
 * when one resumes, so the id cannot be swapped when a continuation starts
 * (as SlotTable's per-window lending does for the hook mechanisms). The id
 * is instead the holder's for as long as its spans run. Taking it back
 * zeroes the holder, so every frame still carrying it reads "no span" from
 * then on; the id itself is freed one window later (SlotTable.release), as
 * the window just opened may hold samples that read it before the zeroing.
 *
 * So memory is bounded by the spans running plus those that ended in the
 * last sweep or two, and those a tick took in the open window, whatever the
 * collector does: no FinalizationRegistry (its targets are cleared by full
 * collections only, and survive scavenges). The price: code that resumes in
 * a span's context after the span (with default scopes, its local root and
 * every span under it) ended, later than the next window close or than two
 * sweeps, carries no span labels. A new `with` of that context takes a new
 * holder.
 */
export class FrameHolders {
  /** The private key under which holders ride in the frame. */
  readonly storage = new AsyncLocalStorage<FrameHolder | undefined>();
  private readonly slots: SlotTable;
  /** Entries holding a holder of this instance, and the holders, by index. */
  private entries: LabelEntry[] = [];
  private holders: FrameHolder[] = [];
  /** Per index: an earlier sweep found the entry's spans ended. */
  private seenEnded: boolean[] = [];
  private made = 0;
  private releasedCount = 0;
  private closed = false;
  private readonly stopSweeping: () => void;

  constructor(slots: SlotTable) {
    this.slots = slots;
    const stopAtClose = slots.onWindowClosed(() => this.takeBackEnded(false));
    const stopAtSweep = slots.onSweep(() => this.takeBackEnded(true));
    this.stopSweeping = () => {
      stopAtClose();
      stopAtSweep();
    };
  }

  /**
   * The holder to run `entry`'s code under, made at the entry's first use.
   * Undefined for no span, once closed, or when the table is full.
   */
  holderFor(entry: LabelEntry | null): FrameHolder | undefined {
    if (entry === null) return undefined;
    const own = entry.frameHolder;
    // Another tracker's holder (its table's id) is never used here.
    if (own !== undefined && this.slots.ownerOf(own[0]) === entry) return own;
    if (this.closed) return undefined;
    const slot = this.slots.lendUntilReleased(entry);
    if (slot === 0) return undefined;
    const holder: FrameHolder = [slot];
    entry.frameHolder = holder;
    this.entries.push(entry);
    this.holders.push(holder);
    this.seenEnded.push(false);
    this.made++;
    return holder;
  }

  /**
   * Zeroes and releases the holders of entries whose spans have all ended:
   * all of them right after a window close; at a sweep, those already found
   * ended by an earlier sweep, so code that runs on shortly after its span
   * ended keeps its labels. Their ids are free at once when no tick took them,
   * else at the next close.
   */
  private takeBackEnded(atSweep: boolean): void {
    const entries = this.entries;
    const holders = this.holders;
    const seen = this.seenEnded;
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const holder = holders[i];
      const ended = entry.spansEnded();
      if (ended && (!atSweep || seen[i])) {
        this.giveBack(entry, holder);
        continue;
      }
      entries[kept] = entry;
      holders[kept] = holder;
      seen[kept] = ended;
      kept++;
    }
    entries.length = kept;
    holders.length = kept;
    seen.length = kept;
  }

  private giveBack(entry: LabelEntry, holder: FrameHolder): void {
    const slot = holder[0];
    // Zeroed first: from here no tick can take the id, so the table can free it at once if none did.
    holder[0] = 0;
    if (entry.frameHolder === holder) entry.frameHolder = undefined;
    this.slots.release(slot);
    this.releasedCount++;
  }

  /**
   * No holder of these will be read again (the reader stopped): every one
   * is zeroed and its slot released, freed at the next window close.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopSweeping();
    for (let i = 0; i < this.entries.length; i++) this.giveBack(this.entries[i], this.holders[i]);
    this.entries = [];
    this.holders = [];
    this.seenEnded = [];
  }

  /** Holders made, those given back, and those held now. */
  stats(): { readonly made: number; readonly released: number; readonly held: number } {
    return { made: this.made, released: this.releasedCount, held: this.entries.length };
  }
}
