import { createHook } from 'node:async_hooks';
import { promiseHooks } from 'node:v8';
import { asyncContextFacts } from './async-context-frame';

/**
 * How a tracker learns that a callback or a promise continuation starts and
 * ends:
 * - `async-hooks`: one async_hooks hook with `before`/`after` for callbacks
 *   and promises alike. Works everywhere; where AsyncLocalStorage runs on
 *   async_hooks (Node 20, 22) Node keeps its promise hooks on anyway.
 * - `context-frame`: where AsyncLocalStorage runs on AsyncContextFrame, Node
 *   needs no promise hooks, and async_hooks' own promise tracking (ids and
 *   bookkeeping on every promise) is most of the cost. This keeps async_hooks
 *   for callbacks only (`trackPromises: false`) and follows continuations
 *   with V8's promise hooks, which V8 calls after it has restored the frame.
 *   On Node 22 with --experimental-async-context-frame too: see
 *   AsyncContextFacts.hooksWithoutPromises.
 */
export type ContinuationMechanism = 'async-hooks' | 'context-frame';

/**
 * How a tracker keeps the slot of the running code where the sampler reads
 * it: one of the hook mechanisms, publishing into a shared cell, or
 * `frame-slot`, where no hook runs at all: the slot rides in the async
 * context frame (FrameHolders) and the signal handler reads it from there.
 */
export type TrackingMechanism = ContinuationMechanism | 'frame-slot';

export type MechanismOption = 'auto' | TrackingMechanism;

const MECHANISMS: readonly MechanismOption[] = ['auto', 'frame-slot', 'async-hooks', 'context-frame'];

export interface ContinuationListener {
  /** A callback starts (timer, immediate, tick, I/O, AsyncResource; promises too under `async-hooks`). */
  readonly enterCallback: () => void;
  /** A promise continuation starts (`context-frame` only). */
  readonly enterContinuation: () => void;
  /** Whatever started last has finished. */
  readonly exit: () => void;
}

/**
 * The hook mechanism for this option: itself, or for 'auto' and
 * 'frame-slot' the best one this Node offers (used where frames cannot be
 * read). A wrong or unavailable choice throws, naming the option.
 */
export function resolveMechanism(option: unknown): ContinuationMechanism {
  if (option === 'frame-slot' && !asyncContextFacts().contextFrame) {
    throw new Error(
      `mechanism 'frame-slot' needs AsyncLocalStorage on AsyncContextFrame (Node 24 and later); ` +
        `Node ${process.version} has none here. Use 'auto' or 'async-hooks'.`,
    );
  }
  if (option === undefined || option === 'auto' || option === 'frame-slot') {
    const facts = asyncContextFacts();
    return facts.contextFrame && facts.hooksWithoutPromises ? 'context-frame' : 'async-hooks';
  }
  if (option === 'async-hooks') return option;
  if (option === 'context-frame') {
    const facts = asyncContextFacts();
    if (!facts.contextFrame || !facts.hooksWithoutPromises) {
      throw new Error(
        `mechanism 'context-frame' needs AsyncLocalStorage on AsyncContextFrame and async_hooks ` +
          `that can be kept off promises (Node 24, or Node 22 with --experimental-async-context-frame); ` +
          `Node ${process.version} has ` +
          `${facts.contextFrame ? 'AsyncContextFrame but no way to keep hooks off promises' : 'no AsyncContextFrame'}. ` +
          `Use 'auto' or 'async-hooks'.`,
      );
    }
    return option;
  }
  throw new RangeError(
    `mechanism must be one of ${MECHANISMS.map((m) => `'${m}'`).join(', ')} (default 'auto'); got ${String(option)}`,
  );
}

/** An async_hooks hook that promise events skip; see AsyncContextFacts.hooksWithoutPromises. */
function callbackOnlyHook(listener: ContinuationListener): ReturnType<typeof createHook> {
  const key = asyncContextFacts().noPromiseHookKey;
  if (key === undefined) {
    return createHook({
      before: listener.enterCallback,
      after: listener.exit,
      trackPromises: false,
    } as Parameters<typeof createHook>[0]);
  }
  const hook = createHook({ before: listener.enterCallback, after: listener.exit });
  // Set before enable(): enable() reads it to decide on promise hooks.
  (hook as unknown as Record<symbol, unknown>)[key] = true;
  return hook;
}

/** Installs the hooks; returns the function that removes them. */
export function installContinuationHooks(
  mechanism: ContinuationMechanism,
  listener: ContinuationListener,
): () => void {
  if (mechanism === 'async-hooks') {
    const hook = createHook({ before: listener.enterCallback, after: listener.exit }).enable();
    return () => {
      hook.disable();
    };
  }
  const callbacks = callbackOnlyHook(listener).enable();
  const stopPromiseHooks = promiseHooks.createHook({
    before: listener.enterContinuation,
    after: listener.exit,
  }) as () => void;
  return () => {
    callbacks.disable();
    stopPromiseHooks();
  };
}
