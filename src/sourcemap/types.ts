/**
 * Source-map support: turns the generated locations V8 reports (a bundle's
 * line 1, column 48211) into the files, lines and names the user wrote.
 */

/** A stack frame as V8's CpuProfiler reports it, in leaf-node mode. */
export interface GeneratedFrame {
  /** Function name; '' for an anonymous function. */
  readonly name: string;
  /** Script URL or absolute path; `file:///...` for ESM, `node:...` for internals, '' for none. */
  readonly url: string;
  /** 1-based line of the function's start; 0 if unknown. */
  readonly line: number;
  /** 1-based column of the function's start; 0 if unknown. */
  readonly column: number;
}

/** Where a frame's function is in the code the user wrote. */
export interface MappedFrame {
  readonly name: string;
  /** Shortened for display: relative to the app root, or `node_modules/<pkg>/...`. */
  readonly file: string;
  /** 1-based; the generated line when the frame could not be mapped. */
  readonly line: number;
  /** True when a source map gave the location. */
  readonly mapped: boolean;
}

/**
 * Maps frames one at a time, once per distinct frame of a window. Loads
 * what it needs lazily and never throws.
 */
export interface FrameMapper {
  map(frame: GeneratedFrame): MappedFrame;
}

/**
 * The mapper a profiler holds. Its `map` answers on the calling thread;
 * `workerSetup`, when present, lets a worker build the same mapper and do
 * the reading and tracing there instead, telling the calling thread about
 * unusable maps through `noteUnusable`.
 */
export interface WindowFrameMapper extends FrameMapper {
  /** Releases what the mapper holds; `map` keeps working. */
  close(): Promise<void>;
  /** How a worker thread builds the same mapper; absent when it cannot. */
  readonly workerSetup?: FrameMapperSetup;
  /** One debug note per script, wherever its unusable map was found. */
  noteUnusable?(url: string, reason: string): void;
}

/** What a worker needs to map frames the way the calling thread would. */
export interface FrameMapperSetup {
  readonly root: string;
  /** False: only paths are shortened, no map is read. */
  readonly sourceMaps: boolean;
}

/** Where notes about unusable source maps go; nothing here is an error for the app. */
export interface DebugLogger {
  debug(msg: string): void;
}

export interface FrameMapperOptions {
  /** Map frames through source maps. Default true; false still shortens paths. */
  readonly enabled?: boolean;
  /** Paths are shown relative to this folder. Default `process.cwd()`. */
  readonly root?: string;
  /** Receives one note per script whose source map cannot be used. */
  readonly logger?: DebugLogger;
}
