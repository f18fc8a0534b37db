import type { AsyncLocalStorage } from 'node:async_hooks';
import type { FrameHolder } from '../slots/label-entry';
import { storeOfFrame } from './async-context-frame';

// Frames are Node's internal Map subclass, not `instanceof Map` here: use Map's own set.
// eslint-disable-next-line @typescript-eslint/unbound-method -- called on a frame, with .call
const mapSet = Map.prototype.set;

/**
 * Makes every frame `storage` enters carry, under `key`, the holder of the
 * store it was made for: no frame of spanprof's own is made.
 *
 * On AsyncContextFrame, AsyncLocalStorage.run makes a frame on entry and
 * another on exit (its `enterWith(prior)`), each a copy of every entry of the
 * frame before it. Running a context manager's `with` inside the holder
 * store's own `run` made four frames per `with`; writing the holder into the
 * manager's two makes two, and allocates nothing per `with`.
 *
 * `storage.enterWith`, through which `run` enters and leaves, is wrapped on
 * this one instance. A frame is shared as soon as code runs in it (every
 * continuation started there keeps it), so it is written right after
 * `enterWith` made it, before anything runs in it.
 *
 * The signal handler may read a frame while it is written. Setting a key the
 * table has stores one word; a new key's entry is reachable only once the
 * table counts it; a table that must grow is replaced whole. So a tick reads
 * the holder from before or after the write, or none: never another span's.
 *
 * Returns the unwrap function, or undefined (nothing left wrapped) when a
 * self-test finds that `run` does not go through `enterWith` on this Node.
 */
export function followEnterWith(
  storage: AsyncLocalStorage<unknown>,
  key: AsyncLocalStorage<FrameHolder | undefined>,
  currentFrame: () => unknown,
  holderOf: (store: unknown) => FrameHolder | undefined,
): (() => void) | undefined {
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
