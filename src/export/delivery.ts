import type { EncodedWindow } from '../pprof/encoded-window';
import type { Sized } from './byte-queue';
import type { Logger } from '../log/logger';

/** A window in an exporter's queue; each output adds what it tracks while delivering. */
export interface QueuedWindow extends Sized {
  readonly window: EncodedWindow;
}

/**
 * What one step of delivering the queue's head window came to. Outputs
 * differ in what a step is (one request, one whole window); the loop that
 * runs the steps is the same for all.
 */
export type Delivery =
  /** Delivered whole: counted as sent, and it leaves the queue. */
  | { readonly kind: 'sent' }
  /** Given up on: counted as failed, and it leaves the queue. */
  | { readonly kind: 'failed' }
  /**
   * Not finished: the loop takes the head again, after `afterMs` when given.
   * Meanwhile the window is not busy, so a full queue may drop it.
   */
  | { readonly kind: 'again'; readonly afterMs?: number }
  /** Cancelled: the loop ends. */
  | { readonly kind: 'stop' };

export const SENT: Delivery = { kind: 'sent' };
export const FAILED: Delivery = { kind: 'failed' };
export const AGAIN: Delivery = { kind: 'again' };
export const STOP: Delivery = { kind: 'stop' };

/** What a queued exporter is told once, at construction. */
export interface QueuedExporterSettings {
  /** Bound on windows waiting, in gzip'd bytes. */
  readonly maxQueueBytes: number;
  readonly logger: Logger;
  /**
   * Start delivering on a later turn rather than inside the caller's
   * export(): for outputs whose first step is costly to prepare.
   */
  readonly startOnNextTurn: boolean;
  /** How a failure of the delivery loop itself is logged: `<loopFailure>: <error>`. */
  readonly loopFailure: string;
  /** Likewise for the upkeep. */
  readonly upkeepFailure?: string;
}
