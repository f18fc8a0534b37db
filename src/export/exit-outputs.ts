import { DirectoryExporter } from './directory-exporter';
import type { ProfileExporter } from './exporter';
import { FanOutExporter } from './fan-out-exporter';

/**
 * An exporter's outputs as seen when the process exits: the output
 * directory can still be written with synchronous calls; every other output
 * (a Pyroscope server: an upload needs the event loop) cannot.
 */
export interface ExitOutputs {
  readonly directory?: DirectoryExporter;
  readonly others: readonly ProfileExporter[];
}

export function exitOutputsOf(exporter: ProfileExporter): ExitOutputs {
  const all = exporter instanceof FanOutExporter ? exporter.outputs : [exporter];
  let directory: DirectoryExporter | undefined;
  const others: ProfileExporter[] = [];
  for (const o of all) {
    if (directory === undefined && o instanceof DirectoryExporter) directory = o;
    else others.push(o);
  }
  return directory ? { directory, others } : { others };
}
