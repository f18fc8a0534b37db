import type { Context, ContextManager } from '@opentelemetry/api';
import { wrapMethod } from './method-wrap';

/** What a tracker does for a wrapped context manager. */
export interface ContextSwitches {
  /**
   * Runs `with` itself: `Reflect.apply(original, self, args)`, with `ctx`
   * published for as long as it runs.
   */
  runWith(ctx: Context, original: ContextManager['with'], self: ContextManager, args: unknown[]): unknown;
  /** `attach` changed the context, or its token put the previous one back: read what is active now. */
  returned(): void;
}

interface DisposableToken {
  dispose(): void;
}

/** A manager that may offer the experimental imperative `attach`. */
type AttachingManager = ContextManager & { attach?: (ctx: Context) => DisposableToken };

/**
 * Wraps `with` (and `attach` where it exists) on this manager instance:
 * `context.with`, `startActiveSpan`, `context.bind` and bound emitters all
 * come through here. Returns the unwrap function; a wrapper that cannot be
 * removed (someone wrapped over it) passes straight through from then on.
 */
export function wrapContextManager(manager: ContextManager, switches: ContextSwitches): () => void {
  let live = true;
  const unwrapWith = wrapMethod(
    manager,
    'with',
    (original) => {
      const call = original;
      return function (this: ContextManager, ...args: unknown[]): unknown {
        if (!live) return Reflect.apply(call, this, args);
        return switches.runWith(args[0] as Context, call, this, args);
      } as ContextManager['with'];
    },
  );
  const attaching = manager as AttachingManager;
  const unwrapAttach =
    typeof attaching.attach === 'function'
      ? wrapMethod(
          attaching,
          'attach',
          (original) =>
            function (this: AttachingManager, ctx: Context): DisposableToken {
              const token = (original as (ctx: Context) => DisposableToken).call(this, ctx);
              if (!live) return token;
              switches.returned();
              const dispose = (): void => {
                token.dispose();
                if (live) switches.returned();
              };
              return { dispose, [Symbol.dispose]: dispose } as DisposableToken;
            },
        )
      : undefined;
  return () => {
    live = false;
    unwrapWith();
    unwrapAttach?.();
  };
}
