import type { LabelSet } from './label-set';

/** What became of the label sets entered while a profiler ran. */
export interface LabelSetStats {
  /** Distinct label sets entered, counted once per window each. */
  readonly admitted: number;
  /** withLabels calls whose labels were left out: their window already had `maxPerWindow` others. */
  readonly dropped: number;
  readonly maxPerWindow: number;
}

/**
 * Bounds the distinct custom label sets entered per window. Pyroscope makes
 * every label other than span_id a series label, so each distinct set is a
 * series for as long as it is sent: past the bound, a new set is refused
 * (its call runs with the labels already in force), counted, and warned
 * about once.
 *
 * It also hands out one LabelSet per distinct set and window: every call
 * with the same labels then shares the slot entries made for them
 * (labelled-entry.ts), instead of making its own per call.
 */
export class LabelSetBudget {
  /** Each series key entered this window, with the set shared for it (null while only sets with profile_id came). */
  private sets = new Map<string, LabelSet | null>();
  private admittedCount = 0;
  private droppedCount = 0;
  private warned = false;

  constructor(
    readonly maxPerWindow: number,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * The set to enter for `set`'s labels: the one already entered this
   * window with the same labels, else `set` itself; undefined when it is
   * refused. A set with `profile_id` is never shared: those ids are often
   * one per call, and would make the table as large as the calls.
   */
  admit(set: LabelSet): LabelSet | undefined {
    // profile_id alone adds no series label.
    if (set.pairs.length === 0) return set;
    const key = set.key;
    const known = this.sets.get(key);
    if (known !== undefined) {
      if (set.profileId !== undefined) return set;
      if (known !== null) return known;
      this.sets.set(key, set);
      return set;
    }
    if (this.sets.size >= this.maxPerWindow) {
      this.droppedCount++;
      if (!this.warned) {
        this.warned = true;
        this.warn(
          `more than ${this.maxPerWindow} distinct label sets in one window: the labels of further withLabels calls ` +
            'are left out (counted in stats().labels.dropped). Each set is a Pyroscope series: keep label values few, ' +
            'or raise maxLabelSets (SPANPROF_MAX_LABEL_SETS).',
        );
      }
      return undefined;
    }
    this.sets.set(key, set.profileId === undefined ? set : null);
    this.admittedCount++;
    return set;
  }

  windowClosed(): void {
    this.sets = new Map();
  }

  stats(): LabelSetStats {
    return { admitted: this.admittedCount, dropped: this.droppedCount, maxPerWindow: this.maxPerWindow };
  }
}
