'use strict';
// Exact ground truth: the published cell is read synchronously inside the
// code under test, so every check is about one precise moment.
const { describe, test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const { EventEmitter } = require('node:events');
const { AsyncResource } = require('node:async_hooks');
const { context, trace, ROOT_CONTEXT } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const {
  availableMechanisms,
  registerContextManager,
  resetGlobals,
  newTracing,
  newTracker,
  idOf,
  nativeBinding,
  otel,
} = require('./support/otel');

const nextTick = () => new Promise((resolve) => process.nextTick(resolve));
const immediate = () => new Promise((resolve) => setImmediate(resolve));

for (const mechanism of availableMechanisms()) {
  describe(`context tracker (${mechanism})`, () => {
    let t;
    let tracing;

    function setup(tracingOptions = { spanIdScope: 'all' }) {
      registerContextManager();
      tracing = newTracing(tracingOptions);
      t = newTracker({ mechanism });
      return { t, tracer: tracing.tracer };
    }

    afterEach(() => {
      t?.tracker.disable();
      t = undefined;
      resetGlobals();
    });

    test('outside every span the cell holds 0', async () => {
      const { t } = setup();
      assert.equal(t.slotNow(), 0);
      await immediate();
      assert.equal(t.slotNow(), 0);
      await new Promise((resolve) => setTimeout(() => resolve(t.slotNow()), 1)).then((v) => assert.equal(v, 0));
    });

    test('context.with enters the span and gives the caller back its own on return', () => {
      const { t, tracer } = setup();
      const a = tracer.startSpan('a');
      const b = tracer.startSpan('b');
      const seen = [];
      context.with(trace.setSpan(ROOT_CONTEXT, a), () => {
        seen.push(t.spanId());
        context.with(trace.setSpan(context.active(), b), () => seen.push(t.spanId()));
        seen.push(t.spanId());
        context.with(ROOT_CONTEXT, () => seen.push(t.spanId()));
        seen.push(t.spanId());
      });
      seen.push(t.spanId());
      assert.deepEqual(seen, [idOf(a), idOf(b), idOf(a), null, idOf(a), null]);
    });

    test('a throw out of context.with still restores the caller', () => {
      const { t, tracer } = setup();
      const a = tracer.startSpan('a');
      const b = tracer.startSpan('b');
      context.with(trace.setSpan(ROOT_CONTEXT, a), () => {
        assert.throws(() =>
          context.with(trace.setSpan(ROOT_CONTEXT, b), () => {
            throw new Error('boom');
          }),
        );
        assert.equal(t.spanId(), idOf(a));
      });
      assert.equal(t.slotNow(), 0);
    });

    test('startActiveSpan: every overload publishes the new span and returns fn’s value', () => {
      const { t, tracer } = setup();
      const ids = [];
      const r1 = tracer.startActiveSpan('one', (span) => {
        ids.push([t.spanId(), idOf(span)]);
        span.end();
        return 1;
      });
      const r2 = tracer.startActiveSpan('two', { attributes: { k: 'v' } }, (span) => {
        ids.push([t.spanId(), idOf(span)]);
        span.end();
        return 2;
      });
      const r3 = tracer.startActiveSpan('three', {}, ROOT_CONTEXT, (span) => {
        ids.push([t.spanId(), idOf(span)]);
        span.end();
        return 3;
      });
      assert.deepEqual([r1, r2, r3], [1, 2, 3]);
      for (const [published, own] of ids) assert.equal(published, own);
      assert.equal(t.slotNow(), 0);
    });

    test('instrumentation style: context.with(trace.setSpan(ctx, span)) of a span from the wrapped tracer', () => {
      const { t, tracer } = setup();
      const span = tracer.startSpan('manual');
      context.with(trace.setSpan(context.active(), span), () => assert.equal(t.spanId(), idOf(span)));
      assert.equal(t.slotNow(), 0);
    });

    test('await and promise chains keep each of two interleaved requests on its own span', async () => {
      const { t, tracer } = setup();
      const wrong = [];
      async function step(span) {
        await null;
        if (t.spanId() !== idOf(span)) wrong.push('after await null');
        await Promise.resolve(1).then(() => {
          if (t.spanId() !== idOf(span)) wrong.push('in then');
        });
        if (t.spanId() !== idOf(span)) wrong.push('after then');
        await nextTick();
        if (t.spanId() !== idOf(span)) wrong.push('after tick');
        await immediate();
        if (t.spanId() !== idOf(span)) wrong.push('after immediate');
      }
      const request = (name) =>
        tracer.startActiveSpan(name, async (span) => {
          for (let i = 0; i < 20; i++) await step(span);
          span.end();
        });
      await Promise.all([request('a'), request('b'), request('c')]);
      assert.deepEqual(wrong, []);
      assert.equal(t.slotNow(), 0);
    });

    test('callbacks of timers, immediates, ticks, microtasks, fs and http run under their span', async () => {
      const { t, tracer } = setup();
      const server = http.createServer((req, res) => res.end('ok'));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address();
      try {
        const seen = {};
        let id;
        await tracer.startActiveSpan('callbacks', (span) => {
          id = idOf(span);
          const done = [];
          const record = (name) => {
            let resolve;
            done.push(new Promise((r) => (resolve = r)));
            return () => {
              seen[name] = t.spanId();
              resolve();
            };
          };
          setTimeout(record('setTimeout'), 1);
          setImmediate(record('setImmediate'));
          process.nextTick(record('nextTick'));
          queueMicrotask(record('queueMicrotask'));
          const onFile = record('fs.readFile');
          fs.readFile(__filename, () => onFile());
          const onBody = record('http response end');
          http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
            res.resume();
            res.on('end', onBody);
          });
          span.end();
          return Promise.all(done);
        });
        for (const [name, published] of Object.entries(seen)) assert.equal(published, id, name);
        assert.equal(Object.keys(seen).length, 6);
        assert.equal(t.slotNow(), 0);
      } finally {
        server.close();
      }
    });

    test('a callback scheduled outside every span publishes 0 while a span is active elsewhere', async () => {
      const { t, tracer } = setup();
      const outside = new Promise((resolve) => setTimeout(() => resolve(t.slotNow()), 2));
      await tracer.startActiveSpan('busy', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        span.end();
      });
      assert.equal(await outside, 0);
    });

    test('an emitter bound with context.bind calls listeners in the bound span, then gives the emitter’s caller back', () => {
      const { t, tracer } = setup();
      const bound = tracer.startSpan('bound');
      const caller = tracer.startSpan('caller');
      const emitter = context.bind(trace.setSpan(ROOT_CONTEXT, bound), new EventEmitter());
      const heard = [];
      emitter.on('data', () => heard.push(t.spanId()));
      context.with(trace.setSpan(ROOT_CONTEXT, caller), () => {
        emitter.emit('data');
        heard.push(t.spanId());
      });
      const fn = context.bind(trace.setSpan(ROOT_CONTEXT, bound), () => t.spanId());
      heard.push(fn());
      assert.deepEqual(heard, [idOf(bound), idOf(caller), idOf(bound)]);
    });

    test('AsyncResource.runInAsyncScope runs in the resource’s span and returns to the caller’s', () => {
      const { t, tracer } = setup();
      const owner = tracer.startSpan('owner');
      const caller = tracer.startSpan('caller');
      const resource = context.with(trace.setSpan(ROOT_CONTEXT, owner), () => new AsyncResource('test'));
      const seen = [];
      context.with(trace.setSpan(ROOT_CONTEXT, caller), () => {
        resource.runInAsyncScope(() => seen.push(t.spanId()));
        seen.push(t.spanId());
        AsyncResource.bind(() => seen.push(t.spanId()))();
      });
      assert.deepEqual(seen, [idOf(owner), idOf(caller), idOf(caller)]);
    });

    test('the manager’s attach publishes its context and dispose gives the previous one back', (tc) => {
      const { t, tracer } = setup();
      const manager = context['_getContextManager']();
      if (typeof manager.attach !== 'function') return tc.skip('this context manager has no attach');
      const span = tracer.startSpan('attached');
      context.with(ROOT_CONTEXT, () => {
        const token = manager.attach(trace.setSpan(ROOT_CONTEXT, span));
        assert.equal(t.spanId(), idOf(span));
        token.dispose();
        assert.equal(t.slotNow(), 0);
      });
    });

    test('a context manager registered after enable() is followed at once', async () => {
      resetGlobals();
      t = newTracker({ mechanism });
      assert.equal(t.slotNow(), 0);
      const manager = registerContextManager();
      assert.equal(Object.prototype.hasOwnProperty.call(manager, 'with'), true, 'with is wrapped');
      const { tracer } = newTracing({ spanIdScope: 'all' });
      await tracer.startActiveSpan('late', async (span) => {
        assert.equal(t.spanId(), idOf(span));
        await immediate();
        assert.equal(t.spanId(), idOf(span));
        span.end();
      });
      assert.equal(t.slotNow(), 0);
    });

    test('NodeTracerProvider.register() after enable(), as a zero-code preload would see it', async () => {
      resetGlobals();
      t = newTracker({ mechanism });
      const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
      const inner = new NodeTracerProvider();
      inner.register();
      const tracer = new otel.ProfilingTracerProvider(inner).getTracer('node');
      await tracer.startActiveSpan('registered', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        assert.equal(t.spanId(), idOf(span));
        span.end();
      });
      assert.equal(t.slotNow(), 0);
      await inner.shutdown();
    });

    test('a manager swapped for another is unwrapped and the new one followed', async () => {
      const { t } = setup();
      const first = context['_getContextManager']();
      context.disable();
      assert.equal(Object.prototype.hasOwnProperty.call(first, 'with'), false, 'old manager unwrapped');
      const second = new AsyncLocalStorageContextManager();
      context.setGlobalContextManager(second);
      const { tracer } = newTracing({ spanIdScope: 'all' });
      await tracer.startActiveSpan('second', async (span) => {
        await null;
        assert.equal(t.spanId(), idOf(span));
        span.end();
      });
    });

    test('a manager registered through another API copy is found by the recheck', async () => {
      resetGlobals();
      const slots = new otel.SlotTable();
      const cell = new Int32Array(1);
      const tracker = new otel.ContextTracker({ slots, mechanism, recheckMs: 20 });
      t = { tracker };
      const frames = mechanism === 'frame-slot' ? new (nativeBinding().Sampler)(10_000) : undefined;
      const slotNow = frames === undefined ? () => cell[0] : () => frames.frameSlot();
      tracker.enable(cell, 0, frames);
      // Writes the shared global registry directly, as a second copy of the API would.
      const manager = new AsyncLocalStorageContextManager();
      globalThis[Symbol.for('opentelemetry.js.api.1')].context = manager;
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(Object.prototype.hasOwnProperty.call(manager, 'with'), true, 'found and wrapped');
      const { tracer } = newTracing({ spanIdScope: 'all' });
      tracer.startActiveSpan('via-global', (span) => {
        assert.equal(slots.labelsFor([slotNow()]).get(slotNow()).spanId, idOf(span));
      });
      tracker.disable();
      delete globalThis[Symbol.for('opentelemetry.js.api.1')].context;
    });

    test('a manager registered through another API copy is seen at once, with no recheck', () => {
      resetGlobals();
      const key = Symbol.for('opentelemetry.js.api.1');
      const slots = new otel.SlotTable();
      const cell = new Int32Array(1);
      const tracker = new otel.ContextTracker({ slots, mechanism, recheckMs: 0 });
      t = { tracker };
      const frames = mechanism === 'frame-slot' ? new (nativeBinding().Sampler)(10_000) : undefined;
      const slotNow = frames === undefined ? () => cell[0] : () => frames.frameSlot();
      const saved = globalThis[key];
      try {
        // No copy has registered anything yet: the registry itself does not exist.
        delete globalThis[key];
        tracker.enable(cell, 0, frames);
        // What another copy's registerGlobal does: make the registry, then set the field.
        globalThis[key] = globalThis[key] ?? { version: saved?.version ?? '1.9.0' };
        const manager = new AsyncLocalStorageContextManager();
        globalThis[key].context = manager;
        assert.equal(Object.prototype.hasOwnProperty.call(manager, 'with'), true, 'wrapped the moment it was registered');
        const { tracer } = newTracing({ spanIdScope: 'all' });
        tracer.startActiveSpan('first millisecond', (span) => {
          assert.equal(slots.labelsFor([slotNow()]).get(slotNow()).spanId, idOf(span));
        });
        // The API's disable() deletes the field; a later registration is seen again.
        context.disable();
        const second = new AsyncLocalStorageContextManager();
        globalThis[key].context = second;
        assert.equal(Object.prototype.hasOwnProperty.call(second, 'with'), true, 'seen after a disable too');
        tracker.disable();
        const after = Object.getOwnPropertyDescriptor(globalThis[key], 'context');
        assert.equal(after.get, undefined, 'stopping leaves a plain property');
        assert.equal(after.value, second);
      } finally {
        tracker.disable();
        if (saved === undefined) delete globalThis[key];
        else {
          delete globalThis[key];
          globalThis[key] = saved;
        }
        delete saved?.context;
      }
    });

    test('disable() leaves 0, unwraps the manager and stops publishing', async () => {
      const { t, tracer } = setup();
      const manager = context['_getContextManager']();
      t.tracker.disable();
      assert.equal(Object.prototype.hasOwnProperty.call(manager, 'with'), false);
      assert.equal(t.slotNow(), 0);
      await tracer.startActiveSpan('after-disable', async (span) => {
        await null;
        assert.equal(t.slotNow(), 0);
        span.end();
      });
      // Enable again on the same tracker.
      t.enable();
      tracer.startActiveSpan('again', (span) => assert.equal(t.spanId(), idOf(span)));
    });

    test('a context outliving its span never republishes a slot id given to another span', async (tc) => {
      if (mechanism === 'frame-slot') {
        tc.skip('frame-slot keeps ids for as long as a frame can carry them: see the holder-lifetime test');
        return;
      }
      const { t, tracer } = setup();
      let late;
      let oldSlot;
      let oldId;
      tracer.startActiveSpan('short', (span) => {
        oldSlot = t.slotNow();
        oldId = idOf(span);
        late = context.bind(context.active(), () => ({ slot: t.slotNow(), labels: t.read() }));
        span.end();
      });
      // A window boundary: the unpublished id is taken back and free.
      t.slots.windowClosed();
      const other = tracer.startSpan('other');
      let otherSlot;
      context.with(trace.setSpan(ROOT_CONTEXT, other), () => {
        otherSlot = t.slotNow();
        const stale = late();
        assert.notEqual(stale.slot, otherSlot, 'the stale context must not write the other span’s slot');
        assert.equal(stale.labels.spanId, oldId, 'it keeps its own labels under a fresh slot');
        assert.equal(t.spanId(), idOf(other), 'and the caller’s comes back');
      });
      assert.equal(otherSlot, oldSlot, 'the freed id was reused (the case under test)');
    });

    test('an id rides with its frame while its span runs, and is taken back one window after the span ends', async (tc) => {
      if (mechanism !== 'frame-slot') {
        tc.skip('the hook mechanisms lend ids per window: see the test above');
        return;
      }
      const { t, tracer } = setup();
      let resume;
      let oldSlot;
      let oldId;
      let waiting;
      const pending = tracer.startActiveSpan('waiting', async (span) => {
        waiting = span;
        oldSlot = t.slotNow();
        oldId = idOf(span);
        await new Promise((resolve) => {
          resume = resolve;
        });
        const back = { slot: t.slotNow(), labels: t.read() };
        await new Promise((resolve) => {
          resume = resolve;
        });
        return { back, late: t.slotNow() };
      });
      // Windows close while the continuation waits and its span runs: its id stays lent.
      t.slots.windowClosed();
      t.slots.windowClosed();
      const other = tracer.startSpan('other');
      context.with(trace.setSpan(ROOT_CONTEXT, other), () => {
        assert.notEqual(t.slotNow(), oldSlot, 'a running span’s id is never lent again');
      });
      other.end();
      resume();
      await new Promise((resolve) => setImmediate(resolve));
      waiting.end();
      assert.equal(t.slots.labelsFor([oldSlot]).get(oldSlot).spanId, oldId, 'ended: labels stay for the window open now');
      // The first close after the end zeroes the holder; the id is free at the next.
      t.slots.windowClosed();
      assert.equal(t.slots.labelsFor([oldSlot]).get(oldSlot).spanId, oldId, 'labels stay for samples that read the id before the zeroing');
      assert.equal(t.tracker.frameStats().held, 0, 'no holder kept for an ended span');
      resume();
      const { back, late } = await pending;
      assert.equal(back.slot, oldSlot, 'the continuation resumed with its id while the span ran');
      assert.equal(back.labels.spanId, oldId, 'and its own labels');
      assert.equal(late, 0, 'resumed after the span ended and a window closed: no span, never another');
      t.slots.windowClosed();
      assert.equal(t.slots.labelsFor([oldSlot]).size, 0, 'then the id is free');
      // A new entry into the ended span's context takes a fresh holder for a window.
      const ended = trace.setSpan(ROOT_CONTEXT, waiting);
      context.with(ended, () => assert.equal(t.spanId(), oldId));
      t.slots.windowClosed();
      t.slots.windowClosed();
      assert.equal(t.slots.stats().live, 0, 'and gives it back');
    });

    test('the holder rides in the frames with makes: no frame of its own, and each frame keeps its span', async (tc) => {
      if (mechanism !== 'frame-slot') {
        tc.skip('only frame-slot writes frames');
        return;
      }
      const { t, tracer } = setup();
      const { asyncContextFacts } = require('../dist/internal');
      const frameClass = asyncContextFacts().currentFrame().constructor;
      // Every frame's constructor fills it through `this.set`: count the frames filled.
      let made = 0;
      const filled = new WeakSet();
      Object.defineProperty(frameClass.prototype, 'set', {
        configurable: true,
        value(key, value) {
          if (!filled.has(this)) made++;
          filled.add(this);
          return Map.prototype.set.call(this, key, value);
        },
      });
      tc.after(() => delete frameClass.prototype.set);
      const framesOf = (fn) => {
        const before = made;
        fn();
        return made - before;
      };
      const a = tracer.startSpan('a');
      const b = tracer.startSpan('b');
      const inA = trace.setSpan(ROOT_CONTEXT, a);
      const inB = trace.setSpan(inA, b);
      const untracked = ROOT_CONTEXT.setValue(Symbol('other'), 1);
      const plain = framesOf(() => context.with(untracked, () => {}));
      assert.equal(framesOf(() => context.with(inA, () => {})), plain, 'a span’s with makes as many frames as a with of no span');
      let later;
      const seen = context.with(inA, () => {
        const outer = t.spanId();
        context.with(inB, () => {
          later = Promise.resolve().then(() => t.spanId());
        });
        return { outer, after: t.spanId() };
      });
      assert.deepEqual(seen, { outer: idOf(a), after: idOf(a) }, 'back in a after the inner with');
      assert.equal(t.slotNow(), 0, 'and in no span after the outer');
      assert.equal(await later, idOf(b), 'a continuation started inside keeps b after both returned');
      a.end();
      b.end();
    });

    test('a local root’s holder is kept while any span under it runs', (tc) => {
      if (mechanism !== 'frame-slot') {
        tc.skip('the hook mechanisms lend ids per window');
        return;
      }
      resetGlobals();
      registerContextManager();
      const slots = new otel.SlotTable();
      const cell = new Int32Array(1);
      const tracker = new otel.ContextTracker({ slots, mechanism });
      const frames = new (nativeBinding().Sampler)(10_000);
      tracker.enable(cell, 0, frames);
      try {
        const { tracer } = newTracing();
        let child;
        let rootId;
        let slot;
        let resumeInChild;
        tracer.startActiveSpan('root', (root) => {
          rootId = idOf(root);
          child = tracer.startSpan('child');
          resumeInChild = context.bind(trace.setSpan(context.active(), child), () => frames.frameSlot());
          slot = frames.frameSlot();
          root.end();
        });
        slots.windowClosed();
        slots.windowClosed();
        assert.equal(resumeInChild(), slot, 'the child runs on: the root’s entry keeps its id');
        assert.equal(slots.labelsFor([slot]).get(slot).spanId, rootId);
        child.end();
        slots.windowClosed();
        assert.equal(tracker.frameStats().held, 0, 'the whole tree ended: taken back');
        slots.windowClosed();
        assert.equal(slots.stats().live, 0);
      } finally {
        tracker.disable();
      }
    });

    test('the published slot survives window boundaries while its code runs', () => {
      const { t, tracer } = setup();
      tracer.startActiveSpan('long', (span) => {
        const slot = t.slotNow();
        t.slots.windowClosed();
        t.slots.windowClosed();
        t.slots.windowClosed();
        assert.equal(t.slotNow(), slot);
        assert.equal(t.slots.labelsFor([slot]).get(slot).spanId, idOf(span));
      });
    });
  });
}

describe('followEnterWith', () => {
  const { asyncContextFacts, followEnterWith } = require('../dist/internal');
  const currentFrame = asyncContextFacts().currentFrame;
  const skip = currentFrame === undefined ? `no AsyncContextFrame on Node ${process.version} here` : false;
  const { AsyncLocalStorage } = require('node:async_hooks');

  test('run’s frames carry the holder of their store, with no frame of their own', { skip }, async () => {
    const key = new AsyncLocalStorage();
    const manager = new AsyncLocalStorageContextManager();
    const storage = manager._asyncLocalStorage;
    const holders = new Map();
    const holder = (ctx) => {
      if (!holders.has(ctx)) holders.set(ctx, [holders.size + 1]);
      return holders.get(ctx);
    };
    const stop = followEnterWith(storage, key, currentFrame, (store) => (store === undefined ? undefined : holder(store)));
    assert.equal(typeof stop, 'function', 'run enters through enterWith on this Node');
    try {
      const a = ROOT_CONTEXT.setValue(Symbol('a'), 1);
      const b = ROOT_CONTEXT.setValue(Symbol('b'), 1);
      let later;
      const seen = manager.with(a, () => {
        const inA = key.getStore();
        manager.with(b, () => {
          later = Promise.resolve().then(() => key.getStore());
        });
        return [inA, key.getStore()];
      });
      assert.deepEqual(seen, [holder(a), holder(a)]);
      assert.equal(key.getStore(), undefined, 'no holder outside');
      assert.equal(await later, holder(b), 'a continuation keeps the holder of its context');
    } finally {
      stop();
    }
    assert.equal(Object.prototype.hasOwnProperty.call(storage, 'enterWith'), false, 'unwrapped');
  });

  test('a manager whose storage cannot be followed: with runs in the holder’s own store, and the caller gets its own back', async (tc) => {
    if (!availableMechanisms().includes('frame-slot')) {
      tc.skip('frame-slot does not run here');
      return;
    }
    // The stock manager under another field name: the tracker finds no storage to follow.
    class OwnStorageManager {
      #storage = new AsyncLocalStorage();
      active() {
        return this.#storage.getStore() ?? ROOT_CONTEXT;
      }
      with(ctx, fn, thisArg, ...args) {
        return this.#storage.run(ctx, thisArg === undefined ? fn : fn.bind(thisArg), ...args);
      }
      bind(ctx, target) {
        return target;
      }
      enable() {
        return this;
      }
      disable() {
        return this;
      }
    }
    resetGlobals();
    const manager = new OwnStorageManager();
    context.setGlobalContextManager(manager);
    const { tracer } = newTracing({ spanIdScope: 'all' });
    const t = newTracker({ mechanism: 'frame-slot' });
    try {
      const a = tracer.startSpan('a');
      const b = tracer.startSpan('b');
      const inA = trace.setSpan(ROOT_CONTEXT, a);
      const inB = trace.setSpan(inA, b);
      let later;
      const seen = context.with(inA, () => {
        const first = t.spanId();
        const inner = context.with(inB, () => {
          later = Promise.resolve().then(() => t.spanId());
          return t.spanId();
        });
        assert.throws(() => context.with(inB, () => {
          throw new Error('thrown inside');
        }), /thrown inside/);
        return [first, inner, t.spanId()];
      });
      assert.deepEqual(seen, [idOf(a), idOf(b), idOf(a)]);
      assert.equal(t.slotNow(), 0, 'no span outside');
      assert.equal(await later, idOf(b), 'a continuation keeps b');
      a.end();
      b.end();
    } finally {
      t.tracker.disable();
      resetGlobals();
    }
  });
});

test('a tracker enabled before any context manager and OTel use publishes 0 and installs no hooks', () => {
  resetGlobals();
  const t = newTracker();
  try {
    assert.equal(t.slotNow(), 0);
    assert.equal(t.tracker.isEnabled, true);
    assert.throws(() => t.tracker.enable(t.cell), /already enabled/);
  } finally {
    t.tracker.disable();
  }
});

test('context-frame hears promise continuations through promise hooks alone and callbacks through async_hooks', async (t) => {
  if (!availableMechanisms().includes('context-frame')) {
    t.skip(`AsyncLocalStorage on Node ${process.version} here is not on AsyncContextFrame, or hooks cannot skip promises`);
    return;
  }
  const { installContinuationHooks } = require('../dist/internal');
  const heard = { callbacks: 0, continuations: 0, exits: 0 };
  const remove = installContinuationHooks('context-frame', {
    enterCallback: () => heard.callbacks++,
    enterContinuation: () => heard.continuations++,
    exit: () => heard.exits++,
  });
  try {
    // One microtask drain: no callback can run between these continuations.
    const before = { ...heard };
    for (let i = 0; i < 50; i++) await null;
    assert.equal(heard.callbacks, before.callbacks, 'the callback hook fired for promise continuations');
    assert.ok(heard.continuations - before.continuations >= 50, `heard ${heard.continuations - before.continuations} continuations`);
    const callbacks = heard.callbacks;
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.ok(heard.callbacks > callbacks, 'the timer callback was not heard');
  } finally {
    remove();
  }
});
