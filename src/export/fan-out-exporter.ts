import type { EncodedWindow } from '../pprof/encoded-window';
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
