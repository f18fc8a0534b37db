import type { EncodedWindow } from '../pprof/encoded-window';
import { finishExporterAtExit, type ExitDelivery, type ExitWindows } from './exit-delivery';
import type { ExporterStats, ProfileExporter } from './exporter';

/**
 * Sends every window to several exporters. Its counts add theirs up, so a
 * window that reached two outputs counts twice in `sent`.
 */
export class FanOutExporter implements ProfileExporter {
  constructor(readonly outputs: readonly ProfileExporter[]) {}

  export(window: EncodedWindow): void {
    for (const o of this.outputs) o.export(window);
  }

  async flush(deadlineMs: number): Promise<boolean> {
    const results = await Promise.all(this.outputs.map((o) => o.flush(deadlineMs)));
    return results.every(Boolean);
  }

  async shutdown(deadlineMs: number): Promise<void> {
    await Promise.all(this.outputs.map((o) => o.shutdown(deadlineMs)));
  }

  /** Each output finishes as it can; the deliveries add up. */
  finishAtExit(windows: ExitWindows, budgetMs: number): ExitDelivery {
    const started = Date.now();
    let written = 0;
    let failed = 0;
    let outOfTime = 0;
    let undelivered = 0;
    let error: string | undefined;
    let directory: string | undefined;
    for (const o of this.outputs) {
      const d = finishExporterAtExit(o, windows, Math.max(0, budgetMs - (Date.now() - started)));
      written += d.written;
      failed += d.failed;
      outOfTime += d.outOfTime;
      undelivered += d.undelivered;
      error ??= d.error;
      directory ??= d.directory;
    }
    return {
      written,
      failed,
      outOfTime,
      undelivered,
      ...(error !== undefined ? { error } : {}),
      ...(directory !== undefined ? { directory } : {}),
    };
  }

  stats(): ExporterStats {
    const total = { sent: 0, failed: 0, dropped: 0, retried: 0, pending: 0, pendingBytes: 0 };
    for (const o of this.outputs) {
      const s = o.stats();
      total.sent += s.sent;
      total.failed += s.failed;
      total.dropped += s.dropped;
      total.retried += s.retried;
      total.pending += s.pending;
      total.pendingBytes += s.pendingBytes;
    }
    return total;
  }
}
