/**
 * The sampler's side of early slot release: the signal handler writes the
 * open window's generation at `marks[slot]` for the slot each tick takes,
 * and flips the generation as each window closes, before it drains the
 * ticks it hands to that window. So at any moment, a slot whose mark is not
 * the current generation is in no tick still waiting for its labels.
 */
export interface SampleMarker {
  /** Starts marking into `marks` (indexed by slot); null stops. */
  markSlots(marks: Uint8Array | null): void;
  /** The value ticks of the open window write: 1 or 2 (0 before the first start). */
  generation(): number;
}
