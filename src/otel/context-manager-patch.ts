import type { Context, ContextManager } from '@opentelemetry/api';
import { wrapMethod } from './method-wrap';

/** What a tracker hears from a wrapped context manager. */
export interface ContextSwitches {
  /** `with` is about to run its function in `ctx`. */
  entering(ctx: Context): void;
  /** Control is back with the caller (or `attach` changed the context): read what is active now. */
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
      const call = original as (this: ContextManager, ...args: unknown[]) => unknown;
      return function (this: ContextManager, ...args: unknown[]): unknown {
        if (!live) return call.apply(this, args);
        switches.entering(args[0] as Context);
        try {
          return call.apply(this, args);
        } finally {
          switches.returned();
        }
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
