import type { SpanLabels } from '../window/profile-window';

/**
 * What spanprof stores in the async context frame: a one-element array
 * holding a slot id, or 0 once its entry's spans have ended. The signal
 * handler finds it under FrameHolders' storage and reads element 0
 * (native/frame_slot_reader.cc).
 */
export type FrameHolder = [slot: number];

/**
 * One label set that running code can publish: the unit a slot is given to.
 * With the default scopes there is one per local root span, shared by every
 * span under it.
 */
export interface LabelEntry {
  /** Slot held now; 0 when none is held (not needed yet, or retired). Only the slot table writes it. */
  slot: number;
  /** The holder that carries this entry in async context frames, if one is out. Only FrameHolders writes it. */
  frameHolder: FrameHolder | undefined;
  /** The labels as they are now (a span can be renamed after it starts). */
  labels(): SpanLabels;
  /** Every span this entry labels has ended (or is no longer tracked). */
  spansEnded(): boolean;
  /**
   * On a span's entry: the entry made for it and the first custom label set
   * its code ran with (labelled-entry.ts). Most spans meet one set, which
   * then needs no lookup by span.
   */
  firstLabelled?: LabelEntry & { readonly set: object };
}
