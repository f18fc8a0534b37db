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
 */
export class LabelSetBudget {
  private keys = new Set<string>();
  private admittedCount = 0;
  private droppedCount = 0;
  private warned = false;

  constructor(
    readonly maxPerWindow: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Whether `set` may be entered now. */
  admit(set: LabelSet): boolean {
    // profile_id alone adds no series label.
    if (set.pairs.length === 0 || this.keys.has(set.key)) return true;
    if (this.keys.size >= this.maxPerWindow) {
      this.droppedCount++;
      if (!this.warned) {
        this.warned = true;
        this.warn(
          `more than ${this.maxPerWindow} distinct label sets in one window: the labels of further withLabels calls ` +
            'are left out (counted in stats().labels.dropped). Each set is a Pyroscope series: keep label values few, ' +
            'or raise maxLabelSets (SPANPROF_MAX_LABEL_SETS).',
        );
      }
      return false;
    }
    this.keys.add(set.key);
    this.admittedCount++;
    return true;
  }

  windowClosed(): void {
    this.keys = new Set();
  }

  stats(): LabelSetStats {
    return { admitted: this.admittedCount, dropped: this.droppedCount, maxPerWindow: this.maxPerWindow };
  }
}
