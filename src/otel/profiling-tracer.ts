import { context, trace } from '@opentelemetry/api';
import type { Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import type { ResolvedLabelOptions } from './label-options';
import type { SpanRegistry } from './span-registry';

/** Starts spans through the wrapped tracer and registers each one at start. */
export class ProfilingTracer implements Tracer {
  constructor(
    private readonly tracer: Tracer,
    private readonly options: ResolvedLabelOptions,
    private readonly registry: SpanRegistry,
  ) {}

  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    const span = this.tracer.startSpan(name, options, ctx);
    let parentContext = ctx ?? context.active();
    if (options?.root === true) parentContext = trace.deleteSpan(parentContext);
    this.registry.started(span, parentContext, name, this.options, true);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    arg2?: SpanOptions | F,
    arg3?: Context | F,
    arg4?: F,
  ): ReturnType<F> | undefined {
    let options: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: F;
    // The API's overloads, told apart by argument count as the SDK does.
    if (arguments.length < 2) return undefined;
    if (arguments.length === 2) {
      fn = arg2 as F;
    } else if (arguments.length === 3) {
      options = arg2 as SpanOptions | undefined;
      fn = arg3 as F;
    } else {
      options = arg2 as SpanOptions | undefined;
      ctx = arg3 as Context | undefined;
      fn = arg4 as F;
    }
    const parentContext = ctx ?? context.active();
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}
