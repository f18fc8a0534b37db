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
  /**
   * Returns the frame in force (the isolate's continuation-preserved
   * embedder data): AsyncContextFrame's own static `current`, found through
   * a frame's constructor. Undefined where there are no frames.
   */
  readonly currentFrame: (() => unknown) | undefined;
}

let facts: AsyncContextFacts | undefined;
// A frame is Node's internal Map subclass, not `instanceof Map` here: read it with Map's own get.
// eslint-disable-next-line @typescript-eslint/unbound-method -- called on a frame, with .call
const mapGet = Map.prototype.get;

/** The entry of `key` in `frame`, or undefined (no frame, or no entry). */
export function storeOfFrame(frame: unknown, key: AsyncLocalStorage<unknown>): unknown {
  if (frame === undefined || frame === null) return undefined;
  try {
    return mapGet.call(frame, key);
  } catch {
    // Not a frame (a resource's field overwritten by someone else).
    return undefined;
  }
}

export function asyncContextFacts(): AsyncContextFacts {
  if (facts === undefined) {
    // The async_hooks implementation has _enable(); the frame one does not.
    const contextFrame =
      typeof (AsyncLocalStorage.prototype as unknown as { _enable?: unknown })._enable !== 'function';
    const option = acceptsTrackPromises();
    const noPromiseHookKey = option ? undefined : findNoPromiseHookKey();
    const resourceFrameKey = contextFrame ? findResourceFrameKey() : undefined;
    facts = {
      contextFrame,
      hooksWithoutPromises: option || noPromiseHookKey !== undefined,
      noPromiseHookKey,
      resourceFrameKey,
      currentFrame: resourceFrameKey !== undefined ? findCurrentFrame(resourceFrameKey) : undefined,
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

/**
 * AsyncContextFrame's static `current`, taken from the constructor of a
 * frame an AsyncResource captured inside a probe store, and kept only when
 * it gives back the very frame in force in another probe store.
 */
function findCurrentFrame(resourceFrameKey: symbol): (() => unknown) | undefined {
  const storage = new AsyncLocalStorage<number>();
  try {
    const captured = storage.run(1, () => {
      const probe = new AsyncResource('spanprof-probe', { requireManualDestroy: true }) as unknown as Record<symbol, unknown>;
      return probe[resourceFrameKey];
    });
    const current = (captured as { constructor?: { current?: unknown } } | undefined)?.constructor?.current;
    if (typeof current !== 'function') return undefined;
    // Static, and blind to `this`: called bare.
    const read = current as () => unknown;
    const inside = storage.run(2, () => {
      const frame = read();
      return storeOfFrame(frame, storage) === 2 ? frame : undefined;
    });
    return inside !== undefined && read() !== inside ? read : undefined;
  } catch {
    return undefined;
  } finally {
    // Each run's exit leaves a frame holding the probe's key, which every later frame would copy.
    storage.disable();
  }
}
