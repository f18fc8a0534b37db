import { encodedBytes, type EncodedWindow } from '../pprof/encoded-window';
import { ByteBoundedQueue } from './byte-queue';
import type { Delivery, QueuedExporterSettings, QueuedWindow } from './delivery';
import type { ExporterStats, ProfileExporter } from './exporter';
import { IdleWaiters } from './idle-waiters';
import type { Logger } from '../log/logger';
import { Sleeper } from './sleeper';
import { withinMs } from './within';

type Counter = 'sent' | 'failed' | 'dropped' | 'retried';

/**
 * What every exporter that queues windows shares: the byte-bounded queue,
 * one delivery loop working through it in order, the closing state, a
 * shutdown that runs once, flush waiters, and the counts. An output says
 * only how to deliver the head window (`deliver`) and what it reports; the
 * hooks below let it add what is its own.
 *
 * At most one piece of work runs at a time: the loop, or the upkeep an
 * output owes once the queue is empty. So an output's deliveries and upkeep
 * never overlap, and it needs no locking of its own.
 */
export abstract class QueuedExporter<E extends QueuedWindow> implements ProfileExporter {
  protected readonly logger: Logger;
  private readonly queue: ByteBoundedQueue<E>;
  private readonly idle = new IdleWaiters(() => this.isIdle());
  /** Pauses between attempts; cut short when closing, so none outlasts a deadline. */
  private readonly sleeper = new Sleeper();
  /** The loop or the upkeep, while one runs. */
  private running: Promise<void> | undefined;
  /** No window is taken any more. */
  private closing = false;
  /** Not even the queued ones are worked on any more. */
  private stopped = false;
  private shutdownDone: Promise<void> | undefined;
  private readonly counts: Record<Counter, number> = { sent: 0, failed: 0, dropped: 0, retried: 0 };

  constructor(private readonly settings: QueuedExporterSettings) {
    this.logger = settings.logger;
    this.queue = new ByteBoundedQueue(settings.maxQueueBytes);
  }

  /** The queue entry for a window; `bytes` is its size. */
  protected abstract entryFor(window: EncodedWindow, bytes: number): E;

  /**
   * One step of delivering `entry`, the head of the queue, which cannot be
   * dropped while the step runs. Resolves, never rejects.
   */
  protected abstract deliver(entry: E): Promise<Delivery>;

  /** Says that a full queue dropped `count` windows (`droppedSoFar` in all). */
  protected abstract reportQueueFull(count: number, droppedSoFar: number): void;

  /** Says that shutdown dropped `count` windows it had no time to deliver. */
  protected abstract reportLeftAtShutdown(count: number): void;

  /** After a window was delivered and counted; the loop goes on once this settles. */
  protected afterSent(): Promise<void> | void {}

  /** Work owed once the queue is empty (the directory's index); the exporter is not idle while it is. */
  protected upkeepOwed(): boolean {
    return false;
  }

  protected upkeep(): Promise<void> {
    return Promise.resolve();
  }

  /** At shutdown, once the loop is told to stop and before the queue is emptied. */
  protected onStop(): void {}

  /** Time shutdown keeps back from its flush for `release`. */
  protected releaseMarginMs(_deadlineMs: number): number {
    return 0;
  }

  /** Frees what the output holds (sockets); shutdown waits for it within the deadline. */
  protected release(): Promise<void> {
    return Promise.resolve();
  }

  export(window: EncodedWindow): void {
    try {
      if (this.closing) {
        this.counts.dropped++;
        this.logger.debug('a window arrived after shutdown began; dropped');
        return;
      }
      this.dropForRoom(this.queue.push(this.entryFor(window, encodedBytes(window))).length);
      this.startLoop();
    } catch (err) {
      this.counts.dropped++;
      this.logger.error(`could not queue a window: ${String(err)}`);
    }
  }

  flush(deadlineMs: number): Promise<boolean> {
    // A flushed output owes nothing: start the upkeep now rather than when due.
    this.startUpkeep();
    return this.idle.wait(deadlineMs);
  }

  shutdown(deadlineMs: number): Promise<void> {
    this.shutdownDone ??= this.close(deadlineMs).catch((err) => {
      this.logger.error(`shutdown failed: ${String(err)}`);
    });
    return this.shutdownDone;
  }

  stats(): ExporterStats {
    return { ...this.counts, pending: this.queue.length, pendingBytes: this.queue.bytes };
  }

  /** The loop or the upkeep is running. */
  protected get busy(): boolean {
    return this.running !== undefined;
  }

  protected count(counter: Counter, n = 1): void {
    this.counts[counter] += n;
  }

  /**
   * Stops at once, for the moment the process exits: no window is taken or
   * worked on any more, and the queued ones (with the one in progress) are
   * handed to the caller, which counts them.
   */
  protected stopNow(): E[] {
    this.closing = true;
    this.stopped = true;
    this.sleeper.wake();
    return this.queue.drain();
  }

  /** Releases flush waiters if nothing is left to do. */
  protected checkIdle(): void {
    this.idle.check();
  }

  private async close(deadlineMs: number): Promise<void> {
    const started = Date.now();
    this.closing = true;
    // Go on now rather than after a pause that would outlast the deadline.
    this.sleeper.wake();
    await this.flush(deadlineMs - this.releaseMarginMs(deadlineMs));
    this.stopped = true;
    this.onStop();
    this.sleeper.wake();
    const left = this.queue.drain();
    if (left.length > 0) {
      this.counts.dropped += left.length;
      this.reportLeftAtShutdown(left.length);
    }
    const remaining = Math.max(0, deadlineMs - (Date.now() - started));
    await withinMs(Promise.all([this.running, this.release()]), remaining);
    this.idle.check();
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running === undefined && !this.upkeepOwed();
  }

  private dropForRoom(count: number): void {
    if (count === 0) return;
    this.counts.dropped += count;
    this.reportQueueFull(count, this.counts.dropped);
  }

  private startLoop(): void {
    if (this.running) return;
    const loop = this.settings.startOnNextTurn
      ? new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.loop())
      : this.loop();
    this.run(loop, this.settings.loopFailure);
  }

  /** Starts the upkeep if it is owed and nothing else runs; false if it did not start. */
  private startUpkeep(): boolean {
    if (this.running !== undefined || this.stopped || !this.upkeepOwed()) return false;
    this.run(this.upkeep(), this.settings.upkeepFailure ?? this.settings.loopFailure);
    return true;
  }

  private run(work: Promise<void>, failure: string): void {
    this.running = work
      .catch((err) => this.logger.error(`${failure}: ${String(err)}`))
      .finally(() => {
        this.running = undefined;
        if (this.queue.length > 0 && !this.stopped) this.startLoop();
        // A flush is waiting: it wants the upkeep done now.
        else if (!(this.idle.waiting && this.startUpkeep())) this.idle.check();
      });
  }

  private async loop(): Promise<void> {
    for (;;) {
      const entry = this.queue.peek();
      if (!entry || this.stopped) return;
      this.queue.setBusy(entry);
      const delivery = await this.deliver(entry);
      this.queue.setBusy(undefined);
      if (delivery.kind === 'stop') return;
      if (delivery.kind === 'again') {
        // No longer busy: if the queue is over its bound, this window may go now.
        this.dropForRoom(this.queue.trim().length);
        if (delivery.afterMs !== undefined) await this.sleeper.sleep(delivery.afterMs);
        continue;
      }
      // Taken meanwhile, and counted, by the exit path or a shutdown.
      if (!this.queue.remove(entry)) return;
      if (delivery.kind === 'failed') {
        this.counts.failed++;
        continue;
      }
      this.counts.sent++;
      await this.afterSent();
    }
  }
}
