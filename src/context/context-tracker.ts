import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context, ContextManager } from '@opentelemetry/api';
import { asyncContextFacts, storeOfFrame } from './async-context-frame';
import { wrapContextManager } from '../context-manager/context-manager-patch';
import type { ContextSwitches } from '../context-manager/context-manager-patch';
import { installContinuationHooks, resolveMechanism } from './continuation-hooks';
import type { ContinuationMechanism, MechanismOption, TrackingMechanism } from './continuation-hooks';
import { FrameHolders } from './frame-holders';
import { followEnterWith } from './holder-frame-writer';
import type { FrameSlotReader } from '../native/types';
import type { FrameHolder } from '../slots/label-entry';
import { fallbackContextManager, onFallbackContextManager } from '../context-manager/fallback-context-manager';
import { registeredContextManager, watchContextManager } from '../context-manager/global-context-manager';
import type { LabelEntry } from '../slots/label-entry';
import { DEFAULT_LABEL_OPTIONS, type ResolvedLabelOptions } from '../otel/label-options';
import { spanRegistry } from '../otel/span-registry';
import type { SpanRegistry } from '../otel/span-registry';
import { MAX_SLOT_CAPACITY, SlotTable } from '../slots/slot-table';

export interface ContextTrackerOptions {
  /** Lends the slots this tracker publishes; the profiler reads labels from the same table. */
  readonly slots: SlotTable;
  /**
   * How the slot follows continuations; see TrackingMechanism. Default
   * `auto`: `frame-slot` where enable() gets a frame reader that passes its
   * self-test, else the best hook mechanism.
   */
  readonly mechanism?: MechanismOption;
  /**
   * How often to look for a context manager registered through another copy
   * of @opentelemetry/api, in ms; 0 turns it off. Default 1000.
   */
  readonly recheckMs?: number;
  /**
   * Label options for spans this tracker meets first, started by a tracer
   * spanprof does not wrap, under no local root it knows. Default: scopes `root`.
   */
  readonly adoptOptions?: ResolvedLabelOptions;
}

const DEFAULT_RECHECK_MS = 1000;
/** Above every table's capacity; native/frame_slot_reader.cc reads ids up to twice that. */
const PROBE_SLOT = MAX_SLOT_CAPACITY + 2;
/**
 * Keeps one Int32 cell equal to the slot of the active OpenTelemetry
 * context of whatever JavaScript runs, so the sampler can label each sample.
 *
 * Entries: the registered context manager's `with` (hence `context.with`,
 * `startActiveSpan`, `context.bind`, bound emitters) and every callback and
 * continuation start (async_hooks / promise hooks). Exits: `with` returning,
 * and every callback's end, which restores what was published before it.
 * Code outside every span publishes 0.
 *
 * The cell always receives `slotFor(entry)`, never a remembered id, and the
 * slot table keeps the published entry's slot at window boundaries: see
 * SlotTable for why no sample gets another span's labels.
 *
 * Under `frame-slot` there is no cell and no hook: the frames `with` makes
 * carry, under a private AsyncLocalStorage key, a holder of the slot
 * (FrameHolders, HolderFrameWriter); V8 carries the frame to every
 * continuation, and the signal handler reads it.
 */
export class ContextTracker {
  private readonly option: MechanismOption;
  private readonly hookMechanism: ContinuationMechanism;
  private frames:
    | { readonly reader: FrameSlotReader; readonly holders: FrameHolders; readonly currentFrame: () => unknown }
    | undefined;
  private readonly slots: SlotTable;
  private readonly recheckMs: number;
  private readonly registry: SpanRegistry = spanRegistry;
  private readonly adoptOptions: ResolvedLabelOptions;
  private target: Int32Array = new Int32Array(1);
  private index = 0;
  private enabled = false;
  private current: LabelEntry | null = null;
  /** What was published when each running callback started. */
  private readonly saved: (LabelEntry | null)[] = [];
  private manager: ContextManager | undefined;
  /** The manager's AsyncLocalStorage, to read an AsyncResource's frame. */
  private storage: AsyncLocalStorage<unknown> | undefined;
  private readonly frameKey: symbol | undefined;
  private unwrapManager: (() => void) | undefined;
  private removeHooks: (() => void) | undefined;
  private stopWatching: (() => void) | undefined;
  private releasePublishedCheck: (() => void) | undefined;

  constructor(options: ContextTrackerOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`context tracker options must be an object with slots; got ${String(options)}`);
    }
    if (!(options.slots instanceof SlotTable)) {
      throw new TypeError(`slots must be a SlotTable; got ${String(options.slots)}`);
    }
    this.adoptOptions = options.adoptOptions ?? DEFAULT_LABEL_OPTIONS;
    const recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
    if (typeof recheckMs !== 'number' || !Number.isInteger(recheckMs) || recheckMs < 0) {
      throw new RangeError(
        `recheckMs must be an integer of 0 or more (0 = never; default ${DEFAULT_RECHECK_MS}); got ${String(recheckMs)}`,
      );
    }
    this.slots = options.slots;
    this.recheckMs = recheckMs;
    this.hookMechanism = resolveMechanism(options.mechanism);
    this.option = options.mechanism ?? 'auto';
    this.frameKey = asyncContextFacts().resourceFrameKey;
  }

  /** The mechanism in use; before enable(), the one used without a frame reader. */
  get mechanism(): TrackingMechanism {
    return this.frames !== undefined || (this.option === 'frame-slot' && !this.enabled)
      ? 'frame-slot'
      : this.hookMechanism;
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /**
   * Starts publishing into `target[index]` (the profiler passes the native
   * shared buffer), or through `frames` (the sampler) where the mechanism
   * allows. Works whether the context manager is registered before or after
   * this call. Call it before the sampler starts: the frame reader's
   * self-test runs here.
   */
  enable(target: Int32Array, index = 0, frames?: FrameSlotReader): void {
    if (this.enabled) throw new Error('context tracker is already enabled; call disable() first');
    if (!(target instanceof Int32Array)) {
      throw new TypeError(`target must be an Int32Array; got ${String(target)}`);
    }
    if (!Number.isInteger(index) || index < 0 || index >= target.length) {
      throw new RangeError(`index must be an integer from 0 to ${target.length - 1}; got ${String(index)}`);
    }
    this.frames = this.startFrames(frames);
    this.target = target;
    this.index = index;
    this.enabled = true;
    if (this.frames === undefined) {
      this.releasePublishedCheck = this.slots.keepPublished((entry) => entry === this.current);
    }
    // Labels set with no context manager registered ride in spanprof's own,
    // which serves until the app registers one.
    const stopWatchingGlobal = watchContextManager((manager) => this.useManager(manager ?? fallbackContextManager()), this.recheckMs);
    const stopWatchingOwn = onFallbackContextManager((own) => {
      if (registeredContextManager() === undefined) this.useManager(own);
    });
    this.stopWatching = () => {
      stopWatchingGlobal();
      stopWatchingOwn();
    };
  }

  /** Stops publishing, removes every hook and wrapper, and leaves 0 in the cell. Idempotent. */
  disable(): void {
    if (!this.enabled) return;
    this.stopWatching?.();
    this.useManager(undefined);
    this.releasePublishedCheck?.();
    this.releasePublishedCheck = undefined;
    if (this.frames !== undefined) {
      this.frames.reader.readFrames(null);
      this.frames.holders.close();
      this.frames = undefined;
    }
    this.enabled = false;
    this.target = new Int32Array(1);
  }

  /** Holders and their stats under `frame-slot`; undefined otherwise. */
  frameStats(): { readonly made: number; readonly released: number; readonly held: number } | undefined {
    return this.frames?.holders.stats();
  }

  private startFrames(reader: FrameSlotReader | undefined): ContextTracker['frames'] {
    const wanted = this.option === 'frame-slot' || (this.option === 'auto' && asyncContextFacts().contextFrame);
    if (!wanted) return undefined;
    const holders = new FrameHolders(this.slots);
    const currentFrame = asyncContextFacts().currentFrame;
    const failure =
      reader === undefined
        ? 'enable() was given no frame reader'
        : currentFrame === undefined
          ? `AsyncContextFrame's current frame was not found on Node ${process.version}`
          : frameReadFailure(reader, holders);
    if (failure === undefined && reader !== undefined && currentFrame !== undefined) {
      return { reader, holders, currentFrame };
    }
    reader?.readFrames(null);
    if (this.option === 'frame-slot') {
      throw new Error(
        `mechanism 'frame-slot' needs the native sampler to read the async context frame, and ${String(failure)}. ` +
          "Use 'auto' or 'async-hooks'.",
      );
    }
    return undefined;
  }

  private useManager(manager: ContextManager | undefined): void {
    this.unwrapManager?.();
    this.unwrapManager = undefined;
    this.manager = manager;
    const storage = (manager as { _asyncLocalStorage?: unknown } | undefined)?._asyncLocalStorage;
    this.storage = storage instanceof AsyncLocalStorage ? storage : undefined;
    if (manager === undefined) {
      this.removeHooks?.();
      this.removeHooks = undefined;
      this.saved.length = 0;
      this.publish(null);
      return;
    }
    if (this.frames !== undefined) {
      const { holders, currentFrame } = this.frames;
      const stopFollowing =
        this.storage !== undefined
          ? followEnterWith(this.storage, holders.storage, currentFrame, (store) => this.holderOf(store))
          : undefined;
      // Following enterWith, the manager's run writes the holders itself: only attach is left to wrap.
      const unwrapManager = wrapContextManager(manager, stopFollowing !== undefined ? this.attachSwitches : this.frameSwitches);
      this.unwrapManager = () => {
        stopFollowing?.();
        unwrapManager();
      };
      return;
    }
    this.unwrapManager = wrapContextManager(manager, this.switches);
    this.removeHooks ??= installContinuationHooks(this.hookMechanism, this.listener);
    this.publish(this.entryFor(manager.active()));
  }

  private publish(entry: LabelEntry | null): void {
    this.current = entry;
    this.target[this.index] = entry === null ? 0 : entry.slot !== 0 ? entry.slot : this.slots.slotFor(entry);
  }

  private entryFor(ctx: Context): LabelEntry | null {
    try {
      return this.registry.entryOf(ctx, this.adoptOptions);
    } catch {
      // Not an OTel context (a caller passed something else to `with`).
      return null;
    }
  }

  /** The holder for a store of the manager's storage (a context, or anything else a caller put there). */
  private holderOf(store: unknown): FrameHolder | undefined {
    const frames = this.frames;
    if (frames === undefined || store === undefined) return undefined;
    return frames.holders.holderFor(this.entryFor(store as Context));
  }

  private activeContext(): Context {
    return this.manager !== undefined ? this.manager.active() : ROOT_CONTEXT;
  }

  /**
   * The context a callback runs in. An AsyncResource's `before` hook fires
   * before Node switches to its frame, so where a frame key exists the
   * store is read from the resource's own frame.
   */
  private callbackContext(): Context {
    const key = this.frameKey;
    if (key !== undefined && this.storage !== undefined) {
      const resource = executionAsyncResource() as Record<symbol, unknown>;
      if (key in resource) {
        return (storeOfFrame(resource[key], this.storage) as Context | undefined) ?? ROOT_CONTEXT;
      }
    }
    return this.activeContext();
  }

  private readonly switches: ContextSwitches = {
    runWith: (ctx, original, self, args): unknown => {
      this.publish(this.entryFor(ctx));
      try {
        return Reflect.apply(original, self, args);
      } finally {
        this.publish(this.entryFor(this.activeContext()));
      }
    },
    returned: (): void => {
      this.publish(this.entryFor(this.activeContext()));
    },
  };

  /**
   * Where the manager's storage cannot be followed (followEnterWith), `with`
   * runs inside the holder's store, so the frame carries the slot to
   * everything it starts; a switch to the same entry makes no new frame.
   */
  private readonly frameSwitches: ContextSwitches = {
    runWith: (ctx, original, self, args): unknown => {
      const frames = this.frames;
      if (frames === undefined) return Reflect.apply(original, self, args);
      const { holders } = frames;
      const current = holders.storage.getStore();
      const holder = holders.holderFor(this.entryFor(ctx));
      // The holder in force already: no new frame (run would look it up again to find that out).
      if (holder === current) return Reflect.apply(original, self, args);
      return holders.storage.run(holder, Reflect.apply, original, self, args);
    },
    returned: (): void => {
      const frames = this.frames;
      if (frames === undefined) return;
      const { holders } = frames;
      holders.storage.enterWith(holders.holderFor(this.entryFor(this.activeContext())));
    },
  };

  /** The manager's storage is followed: `with` passes straight through, and `attach` is still heard. */
  private readonly attachSwitches: ContextSwitches = {
    runWith: (_ctx, original, self, args): unknown => Reflect.apply(original, self, args),
    returned: (): void => this.frameSwitches.returned(),
  };

  private readonly listener = {
    enterCallback: (): void => {
      this.saved.push(this.current);
      this.publish(this.entryFor(this.callbackContext()));
    },
    enterContinuation: (): void => {
      this.saved.push(this.current);
      this.publish(this.entryFor(this.activeContext()));
    },
    exit: (): void => {
      this.publish(this.saved.length > 0 ? (this.saved.pop() as LabelEntry | null) : null);
    },
  };
}

/**
 * The reader's self-test, run before any sampling: it proves the frame
 * offset, the Map and holder layouts and the key's hash together. Ids above
 * every table's capacity, so a stray tick could never take them for a span.
 * Returns why the reader cannot be used, or undefined when it can.
 */
function frameReadFailure(reader: FrameSlotReader, holders: FrameHolders): string | undefined {
  const storage = holders.storage;
  const probe = (slot: number): FrameHolder => [slot];
  const failed = `its self-test failed on Node ${process.version} (${process.arch})`;
  try {
    if (!reader.readFrames(storage)) {
      return `this binary reads frames only on Node 24 and later (V8 13+, no pointer compression); this is Node ${process.version}`;
    }
    const outside = reader.frameSlot();
    const inside = storage.run(probe(PROBE_SLOT), () => reader.frameSlot());
    const nested = storage.run(probe(PROBE_SLOT), () => storage.run(probe(PROBE_SLOT - 1), () => reader.frameSlot()));
    const cleared = storage.run(probe(PROBE_SLOT), () => storage.run(undefined, () => reader.frameSlot()));
    const works = outside === 0 && inside === PROBE_SLOT && nested === PROBE_SLOT - 1 && cleared === 0 && reader.frameSlot() === 0;
    return works ? undefined : failed;
  } catch {
    return failed;
  }
}
