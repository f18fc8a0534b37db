import { createContextKey } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { contextManagerInUse, fallbackContextManager } from '../context-manager/fallback-context-manager';
import { registeredContextManager } from '../context-manager/global-context-manager';
import type { LabelSetBudget } from './label-budget';
import { mergeLabels, type LabelSet, type Labels } from './label-set';

/**
 * Custom labels ride in the OpenTelemetry context itself, under this key:
 * every mechanism that follows the span slot across continuations follows
 * them too, and a context's labels are looked up once, when its slot entry
 * is made (SpanRegistry.entryOf).
 */
const LABELS_KEY = createContextKey('spanprof custom labels');

const EMPTY_LABELS: Labels = Object.freeze({});

/** The label set in force in `ctx`, if any. */
export function labelSetOf(ctx: Context): LabelSet | undefined {
  return ctx.getValue(LABELS_KEY) as LabelSet | undefined;
}

let budget: LabelSetBudget | undefined;

/** The running profiler's bound on label sets per window; undefined: no bound (nothing samples). */
export function useLabelSetBudget(next: LabelSetBudget | undefined): void {
  budget = next;
}

/**
 * Runs `fn(...args)` with `labels` merged over the labels in force, and
 * returns what it returns. Every continuation of `fn` (awaits, promise
 * callbacks, timers, immediates, nextTick, I/O callbacks, bound emitters)
 * carries them; the caller's code after the call does not. With
 * OpenTelemetry, they ride in its context beside the active span, and a
 * sample carries both. `profile_id` (16 hex digits) gives the samples that
 * span id, for span profiles without OpenTelemetry.
 *
 * Throws a TypeError or RangeError naming the rule when the labels are not
 * accepted. While a profiler runs, a label set beyond its window's bound
 * (maxLabelSets) is left out and counted: `fn` runs with the outer labels.
 */
export function withLabels<A extends unknown[], R>(labels: Labels, fn: (...args: A) => R, ...args: A): R {
  if (typeof fn !== 'function') {
    throw new TypeError(`withLabels: fn must be a function; got ${fn === null ? 'null' : typeof fn}`);
  }
  const manager = contextManagerInUse();
  const active = manager.active();
  const merged = mergeLabels(labels, labelSetOf(active));
  const set = budget === undefined ? merged : budget.admit(merged);
  if (set === undefined) return fn(...args);
  set.running++;
  let result: R;
  try {
    result = manager.with(active.setValue(LABELS_KEY, set), fn, undefined, ...args);
  } catch (err) {
    set.running--;
    throw err;
  }
  if (isThenable(result)) {
    const done = (): void => {
      set.running--;
    };
    // A second reaction: the caller still sees the rejection, and this one is handled.
    result.then(done, done);
  } else {
    set.running--;
  }
  return result;
}

/** The custom labels in force here, `profile_id` included; an empty object for none. */
export function currentLabels(): Labels {
  const manager = registeredContextManager() ?? fallbackContextManager();
  const set = manager === undefined ? undefined : labelSetOf(manager.active());
  return set === undefined ? EMPTY_LABELS : set.toObject();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
