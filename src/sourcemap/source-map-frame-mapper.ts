import { isEncoderScript } from './encoder-scripts';
import { originalFrame } from './original-frame';
import { NO_MAP, type ScriptMap } from './script-map';
import { ShortPaths } from './shorten-path';
import type { FrameMapper, GeneratedFrame, MappedFrame } from './types';

/** Finds a script's source map; never throws. */
export type ScriptMapLoader = (url: string) => ScriptMap;

/** Told once per script whose map exists but cannot be used. */
export type UnusableMapListener = (url: string, reason: string) => void;

/**
 * Maps frames through each script's source map, on the calling thread. A
 * script's map is loaded on the first frame that needs it and kept, as is
 * the fact that it has none or that it is unusable, so each script costs one
 * load and at most one report. spanprof's own scripts and those it encodes
 * with are not mapped (isEncoderScript).
 */
export class SourceMapFrameMapper implements FrameMapper {
  private readonly scripts = new Map<string, ScriptMap>();
  private readonly paths: ShortPaths;

  constructor(
    root: string,
    private readonly load: ScriptMapLoader,
    private readonly onUnusable: UnusableMapListener,
  ) {
    this.paths = new ShortPaths(root);
  }

  map(frame: GeneratedFrame): MappedFrame {
    const script = this.scriptMap(frame.url);
    if (script.kind === 'map') {
      try {
        const original = originalFrame(script.map, frame.line, frame.column, frame.name);
        if (original !== null) {
          return { name: original.name ?? frame.name, file: this.paths.of(original.source), line: original.line, mapped: true };
        }
      } catch (err) {
        // A map that parsed but cannot be traced is as good as none.
        this.use(frame.url, { kind: 'failed', reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { name: frame.name, file: this.paths.of(frame.url), line: frame.line, mapped: false };
  }

  /** A path or URL as frames show it. */
  shortPath(file: string): string {
    return this.paths.of(file);
  }

  /** Sets a script's map, replacing what was loaded for it. */
  use(url: string, script: ScriptMap): void {
    this.scripts.set(url, script);
    if (script.kind === 'failed') this.onUnusable(url, script.reason);
  }

  private scriptMap(url: string): ScriptMap {
    let script = this.scripts.get(url);
    if (script === undefined) {
      script = isEncoderScript(url) ? NO_MAP : this.load(url);
      this.use(url, script);
    }
    return script;
  }
}
