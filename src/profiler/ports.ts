import type { ProfileWindow, SpanLabels } from '../profile/window';

/** Where the labels of a slot come from: the span tracking layer. */
export interface SlotLabelSource {
  /** Labels of these slots as they are now; called right after a window closes. */
  labelsFor(slots: Iterable<number>): Map<number, SpanLabels>;
  /** Called after labelsFor for each closed window: slots retired before now may be reused. */
  windowClosed(): void;
}

/** Takes closed windows away: encodes and exports them. Must not throw. */
export interface WindowSink {
  consume(window: ProfileWindow): void;
  /** Waits until every consumed window has been handed on, or the deadline passes. */
  flush(deadlineMs: number): Promise<void>;
  shutdown(deadlineMs: number): Promise<void>;
}

/** A source with no spans: every sample is unlabelled. */
export const NO_LABELS: SlotLabelSource = {
  labelsFor: () => new Map(),
  windowClosed: () => {},
};
