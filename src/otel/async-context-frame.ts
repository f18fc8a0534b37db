import { AsyncLocalStorage, AsyncResource, createHook } from 'node:async_hooks';

/**
 * Facts about how this Node carries AsyncLocalStorage, found once.
 *
 * Where AsyncLocalStorage runs on AsyncContextFrame (default from Node 24;
 * Node 22 with --experimental-async-context-frame), V8 itself restores the
 * store on every promise continuation and Node does on every callback, with
 * no async_hooks at all.
 */
export interface AsyncContextFacts {
  /** AsyncLocalStorage stores live in AsyncContextFrame. */
  readonly contextFrame: boolean;
  /** `createHook({ trackPromises: false })` is honoured (Node 24.9+). */
  readonly hooksWithoutPromises: boolean;
  /**
   * The key under which an AsyncResource keeps its frame. Node emits an
   * AsyncResource's `before` hook before it switches to that frame, so a
   * hook must read the store from here.
   */
  readonly resourceFrameKey: symbol | undefined;
}

let facts: AsyncContextFacts | undefined;

export function asyncContextFacts(): AsyncContextFacts {
  if (facts === undefined) {
    // The async_hooks implementation has _enable(); the frame one does not.
    const contextFrame =
      typeof (AsyncLocalStorage.prototype as unknown as { _enable?: unknown })._enable !== 'function';
    facts = {
      contextFrame,
      hooksWithoutPromises: acceptsTrackPromises(),
      resourceFrameKey: contextFrame ? findResourceFrameKey() : undefined,
    };
  }
  return facts;
}

/** Node versions that know the option validate it; older ones ignore it. */
function acceptsTrackPromises(): boolean {
  try {
    createHook({ trackPromises: 'probe' } as unknown as Parameters<typeof createHook>[0]);
    return false;
  } catch {
    return true;
  }
}

function findResourceFrameKey(): symbol | undefined {
  const probe = new AsyncResource('spanprof-probe', { requireManualDestroy: true });
  return Object.getOwnPropertySymbols(probe).find((key) => key.description === 'context_frame');
}
