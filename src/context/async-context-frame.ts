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
  /**
   * An async_hooks hook can be kept off promises: through the public
   * `createHook({ trackPromises: false })` (Node 24.9+), or through the
   * per-hook field that option sets, where Node has the field but not yet
   * the option (Node 22).
   */
  readonly hooksWithoutPromises: boolean;
  /**
   * The hook's own field that keeps it off promises, where the public option
   * is missing; undefined where the option exists or neither does.
   */
  readonly noPromiseHookKey: symbol | undefined;
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
    const option = acceptsTrackPromises();
    const noPromiseHookKey = option ? undefined : findNoPromiseHookKey();
    facts = {
      contextFrame,
      hooksWithoutPromises: option || noPromiseHookKey !== undefined,
      noPromiseHookKey,
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

/**
 * Node 22 keeps, on every hook, the boolean field that `trackPromises: false`
 * sets on later versions, and honours it the same way: `enable()` installs
 * no promise hooks for it and promise events skip it. Only a boolean own
 * field of that name, false on a fresh hook, is taken.
 */
function findNoPromiseHookKey(): symbol | undefined {
  const probe = createHook({}) as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(probe).find((k) => k.description === 'kNoPromiseHook');
  return key !== undefined && probe[key] === false ? key : undefined;
}

function findResourceFrameKey(): symbol | undefined {
  const probe = new AsyncResource('spanprof-probe', { requireManualDestroy: true });
  return Object.getOwnPropertySymbols(probe).find((key) => key.description === 'context_frame');
}
