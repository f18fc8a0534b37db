import type { NativeBinding } from '../native/types';
import type { ProfileWindow } from '../window/profile-window';
import { ThreadSampler } from '../sampler/thread-sampler';
import { EpochClock } from './epoch-clock';
import type { FrameSlotReader } from '../native/types';
import type { SampleMarker } from '../slots/sample-marker';
import type { ExitReport, SlotLabelSource, WindowSink } from './ports';
import { buildWindow } from './window-builder';
import { PauseRecorder, type PauseSummary } from './pause-recorder';

export interface SpanProfilerOptions {
  /** Window length: how often a profile is closed and handed on. */
  readonly windowMs: number;
  readonly intervalMicros?: number;
  readonly labels: SlotLabelSource;
  readonly sink: WindowSink;
  /** Called when a window could not be built; the profiler keeps running. */
  readonly onError?: (err: unknown) => void;
  /**
   * Called when another SIGPROF user had cut spanprof's handler out of the
   * chain and it was put back; `total` counts such events so far.
   */
  readonly onRechain?: (total: number) => void;
}

export interface SpanProfilerStats {
  readonly windows: number;
  readonly samples: number;
  readonly ticks: number;
  readonly droppedTicks: number;
  readonly unmatchedSamples: number;
  /** V8 samples taken at a deoptimization, with no signal: left out of profiles, not lost. */
  readonly untimedSamples: number;
  readonly unmatchedTicks: number;
  readonly unlabelledSamples: number;
  readonly recoveries: number;
  /** Times another SIGPROF user had bypassed spanprof's handler and it was chained again. */
  readonly rechains: number;
  /**
   * Main-thread time per window: collect, label capture and hand-off, plus
   * what the encoder later spends on the window on this thread.
   */
  readonly pause: PauseSummary;
}

/**
 * Samples the calling thread and closes a window every `windowMs`. Owns the
 * sampler; knows nothing of OpenTelemetry (labels come from `labels`) or of
 * pprof (windows go to `sink`).
 */
export class SpanProfiler {
  private readonly sampler: ThreadSampler;
  private readonly clock: EpochClock;
  private readonly pauses = new PauseRecorder(512);
  private timer: NodeJS.Timeout | undefined;
  private lastTicks = 0;
  private lastDropped = 0;
  private totals = {
    windows: 0,
    samples: 0,
    ticks: 0,
    droppedTicks: 0,
    unmatchedSamples: 0,
    untimedSamples: 0,
    unmatchedTicks: 0,
    unlabelledSamples: 0,
    recoveries: 0,
    rechains: 0,
  };

  constructor(
    binding: NativeBinding,
    private readonly options: SpanProfilerOptions,
  ) {
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be > 0; got ${options.windowMs}`);
    this.sampler = new ThreadSampler(binding, { intervalMicros: options.intervalMicros });
    this.clock = new EpochClock(() => binding.monotonicNowUs());
  }

  /** Shared memory whose index 0 the span tracker keeps current. */
  get slotView(): Int32Array {
    return this.sampler.slotView;
  }

  /** The sampler's reader of slots kept in the async context frame. */
  get frameReader(): FrameSlotReader {
    return this.sampler.frames;
  }

  /** The sampler's marks of the slots its ticks take, for early slot release. */
  get sampleMarker(): SampleMarker {
    return this.sampler;
  }

  get running(): boolean {
    return this.sampler.running;
  }

  start(): void {
    this.sampler.start();
    const c = this.sampler.counters();
    this.lastTicks = c.ticks;
    this.lastDropped = c.droppedTicks;
    this.timer = setInterval(() => this.closeWindow(), this.options.windowMs);
    // A profiler must never keep the process alive.
    this.timer.unref();
  }

  /** Closes the current window now and hands it to the sink. */
  closeWindow(): ProfileWindow | undefined {
    if (!this.sampler.running) return undefined;
    try {
      const t0 = process.hrtime.bigint();
      const raw = this.sampler.collect();
      const c = this.sampler.counters();
      const ticks = (c.ticks - this.lastTicks) >>> 0;
      const droppedTicks = (c.droppedTicks - this.lastDropped) >>> 0;
      this.lastTicks = c.ticks;
      this.lastDropped = c.droppedTicks;
      const window = buildWindow(raw, this.options.labels, this.clock, { ticks, droppedTicks }, this.sampler.intervalMicros * 1000);
      const pause = this.pauses.begin();
      this.options.sink.consume(window, pause);
      pause.add(Number(process.hrtime.bigint() - t0));
      this.account(window);
      return window;
    } catch (err) {
      this.options.onError?.(err);
      return undefined;
    }
  }

  /** Closes the current window and waits for the sink to pass it on. */
  async flush(deadlineMs: number): Promise<void> {
    this.closeWindow();
    await this.options.sink.flush(deadlineMs);
  }

  /** Closes the last window, stops sampling, and shuts the sink down. */
  async stop(deadlineMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closeWindow();
    this.sampler.stop();
    await this.options.sink.shutdown(deadlineMs);
  }

  /**
   * The process is exiting (process.exit(), or the loop ended): closes the
   * last window, stops sampling, and has the sink finish synchronously what
   * it still holds. Must run before the sampler's own exit listener, or the
   * last window is gone. Undefined when the sink cannot finish at exit.
   */
  finishAtExit(budgetMs: number): ExitReport | undefined {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closeWindow();
    this.sampler.stop();
    return this.options.sink.finishAtExit?.(budgetMs);
  }

  stats(): SpanProfilerStats {
    return { ...this.totals, pause: this.pauses.summary() };
  }

  private account(w: ProfileWindow): void {
    const t = this.totals;
    t.windows++;
    t.samples += w.raw.samples.node.length;
    t.ticks += w.counters.ticks;
    t.droppedTicks += w.counters.droppedTicks;
    t.unmatchedSamples += w.counters.unmatchedSamples;
    t.untimedSamples += w.counters.untimedSamples;
    t.unmatchedTicks += w.counters.unmatchedTicks;
    t.unlabelledSamples += w.counters.unlabelledSamples;
    t.recoveries = w.raw.stats.recoveries;
    // Older binaries do not report it.
    t.rechains = w.raw.stats.rechains ?? 0;
    if (w.raw.stats.rechained) this.options.onRechain?.(t.rechains);
  }
}
