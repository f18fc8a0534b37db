import type { RawWindow } from '../native/types';
import type { ProfileWindow, SpanLabels } from '../window/profile-window';
import type { EpochClock } from './epoch-clock';
import type { SlotLabelSource } from './ports';

/** Ticks and drops seen by the signal handler since the previous window. */
export interface TickDelta {
  readonly ticks: number;
  readonly droppedTicks: number;
}

/**
 * Closes a raw window into a ProfileWindow: the labels of every slot its
 * samples reference are captured now, before any slot can be reused.
 */
export function buildWindow(
  raw: RawWindow,
  source: SlotLabelSource,
  clock: EpochClock,
  ticks: TickDelta,
  periodNs: number,
): ProfileWindow {
  const samples = raw.samples.slot;
  const labels: Map<number, SpanLabels> = source.labelsFor(samples);
  let unlabelled = 0;
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] !== 0 && !labels.has(samples[i])) unlabelled++;
  }
  source.windowClosed();
  return {
    raw,
    startEpochNs: clock.toEpochNs(raw.startUs),
    endEpochNs: clock.toEpochNs(raw.endUs),
    periodNs,
    labels,
    counters: {
      ticks: ticks.ticks,
      droppedTicks: ticks.droppedTicks,
      unmatchedSamples: raw.stats.unmatchedSamples,
      untimedSamples: raw.stats.untimedSamples,
      unmatchedTicks: raw.stats.unmatchedTicks,
      unlabelledSamples: unlabelled,
    },
  };
}
