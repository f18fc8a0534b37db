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
 * The mapper a profiler holds: before encoding a window it hands the
 * window's frames to `prepare`, which does the slow part (reading and
 * decoding maps) off the main thread, so that `map` on them is a lookup.
 */
export interface WindowFrameMapper extends FrameMapper {
  /** Resolves when `map` can answer these frames from memory. Never rejects. */
  prepare(frames: Iterable<GeneratedFrame>): Promise<void>;
  /** Releases the thread `prepare` uses; `map` keeps working. */
  close(): Promise<void>;
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
