import type { Context, Span } from '@opentelemetry/api';
import { resolveLabelOptions } from './label-options';
import type { ResolvedLabelOptions, SpanLabelOptions } from './label-options';
import { spanRegistry } from './span-registry';

/** The SDK's span as a processor receives it: an API span with its name. */
type StartedSpan = Span & { readonly name?: string };

/**
 * The same behaviour as ProfilingTracerProvider, for apps that configure the
 * SDK with span processors (`new NodeSDK({ spanProcessors: [...] })`). The
 * SDK calls processors for recorded spans only: a span its sampler drops
 * (NOT_RECORD) is unknown here and labels nothing.
 */
export class ProfilingSpanProcessor {
  readonly options: ResolvedLabelOptions;

  constructor(options?: SpanLabelOptions) {
    this.options = resolveLabelOptions(options);
  }

  onStart(span: StartedSpan, parentContext: Context): void {
    spanRegistry.started(span, parentContext, span.name, this.options, false);
  }

  onEnd(span: object): void {
    spanRegistry.ended(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
