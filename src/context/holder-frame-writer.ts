import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';
import type { FrameHolder } from '../slots/label-entry';
import { storeOfFrame } from './async-context-frame';

// Frames are Node's internal Map subclass, not `instanceof Map` here: use Map's own set.
// eslint-disable-next-line @typescript-eslint/unbound-method -- called on a frame, with .call
const mapSet = Map.prototype.set;

/**
 * Puts a span's holder into the frames a context manager makes, so that no
 * frame of spanprof's own is made.
 *
 * On AsyncContextFrame, AsyncLocalStorage.run makes a frame on entry and
 * another on exit (its `enterWith(prior)`), each a copy of every entry of the
 * frame before it. Running `with` inside the holder store's own `run` made
 * four frames per `with`; writing the holder into the manager's two makes two.
 *
 * A frame is shared as soon as code runs in it (every continuation started
 * there keeps it), so a frame is written only while it is fresh. Two ways:
 * - `follow`: the manager's storage's `enterWith`, through which `run`
 *   enters and leaves, is wrapped on that instance; right after it made
 *   its frame, the frame gets the holder of the store it was made for.
 *   Nothing is allocated per `with`. Used where a self-test shows that
 *   `run` goes through `enterWith` (Node 24 and 26 do).
 * - `runWith`, otherwise: `fn` is wrapped, and writes into the frame in
 *   force when it starts if that frame is not the caller's and holds `ctx`
 *   under the manager's storage; after `with` returns, the frame it returned
 *   to gets the caller's holder if it is neither the caller's nor the
 *   entry's and holds the caller's context again. Any other way of switching
 *   gets the holder store's own `run` and `enterWith`.
 *
 * The signal handler may read a frame while it is written. Setting a key the
 * table has stores one word; a new key's entry is reachable only once the
 * table counts it; a table that must grow is replaced whole. So a tick reads
 * the holder from before or after the write, or none: never another span's.
 */
export class HolderFrameWriter {
  private readonly key: AsyncLocalStorage<FrameHolder | undefined>;
  private readonly currentFrame: () => unknown;

  /** `key`: the holders' storage; `currentFrame`: AsyncContextFrame's `current`. */
  constructor(key: AsyncLocalStorage<FrameHolder | undefined>, currentFrame: () => unknown) {
    this.key = key;
    this.currentFrame = currentFrame;
  }

  /**
   * Wraps `storage.enterWith` on this instance so that each frame it makes
   * carries `holderOf(store)`. Returns the unwrap function, or undefined
   * (nothing left wrapped) when `storage.run` does not enter through it.
   */
  follow(storage: AsyncLocalStorage<unknown>, holderOf: (store: unknown) => FrameHolder | undefined): (() => void) | undefined {
    const { key, currentFrame } = this;
    const hadOwn = Object.prototype.hasOwnProperty.call(storage, 'enterWith');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the storage as `this`
    const original = storage.enterWith;
    // The self-test's store, and the holder (of no span) it must find in its frame.
    const probe = {};
    const probeHolder: FrameHolder = [0];
    let calls = 0;
    let live = true;
    const enterWith = function (this: AsyncLocalStorage<unknown>, store: unknown): void {
      if (!live) {
        original.call(this, store);
        return;
      }
      const before = currentFrame();
      original.call(this, store);
      calls++;
      const frame = currentFrame();
      // Just made for `store`, and nothing has run in it yet.
      if (frame !== before && storeOfFrame(frame, storage) === store) {
        mapSet.call(frame, key, store === probe ? probeHolder : holderOf(store));
      }
    };
    storage.enterWith = enterWith;
    // One wrapped over this one stays: this one passes through from then on.
    const unwrap = (): void => {
      live = false;
      if (storage.enterWith !== enterWith) return;
      if (hadOwn) storage.enterWith = original;
      else delete (storage as Partial<AsyncLocalStorage<unknown>>).enterWith;
    };
    // run enters and leaves through enterWith, and the probe's frame carries its holder.
    const inside = storage.run(probe, () => storeOfFrame(currentFrame(), key));
    if (calls === 2 && inside === probeHolder) return unwrap;
    unwrap();
    return undefined;
  }

  /**
   * Calls `original` (the manager's `with`, args `[ctx, fn, thisArg, ...]`)
   * with `holder` in force for `fn` and the caller's holder again after.
   * `managerStorage`: the manager's AsyncLocalStorage, when it has one.
   */
  runWith(
    managerStorage: AsyncLocalStorage<unknown> | undefined,
    holder: FrameHolder | undefined,
    original: ContextManager['with'],
    self: ContextManager,
    args: unknown[],
  ): unknown {
    const { key, currentFrame } = this;
    const outer = currentFrame();
    const outerHolder = storeOfFrame(outer, key) as FrameHolder | undefined;
    // The holder in force already: the manager's frames copy it.
    if (holder === outerHolder) return Reflect.apply(original, self, args);
    const fn = args[1];
    if (managerStorage === undefined || typeof fn !== 'function') {
      return key.run(holder, Reflect.apply, original, self, args);
    }
    const body = fn as (...rest: unknown[]) => unknown;
    const ctx = args[0] as Context;
    let entered: unknown;
    args[1] = function (this: unknown, ...rest: unknown[]): unknown {
      const frame = currentFrame();
      if (frame !== outer && storeOfFrame(frame, managerStorage) === ctx) {
        entered = frame;
        mapSet.call(frame, key, holder);
        return Reflect.apply(body, this, rest);
      }
      return key.run(holder, () => Reflect.apply(body, this, rest));
    };
    try {
      return Reflect.apply(original, self, args);
    } finally {
      this.restore(outer, outerHolder, entered, managerStorage);
    }
  }

  /** Puts the caller's holder back in the frame `with` returned to. */
  private restore(
    outer: unknown,
    outerHolder: FrameHolder | undefined,
    entered: unknown,
    managerStorage: AsyncLocalStorage<unknown>,
  ): void {
    const after = this.currentFrame();
    // Back in the caller's own frame, or still in fn's (its context too is still in force).
    if (after === outer || after === entered) return;
    if (storeOfFrame(after, this.key) === outerHolder) return;
    if (after !== undefined && storeOfFrame(after, managerStorage) === storeOfFrame(outer, managerStorage)) {
      mapSet.call(after, this.key, outerHolder);
      return;
    }
    this.key.enterWith(outerHolder);
  }
}
