import { loadScriptMap, type ScriptMap } from './load-source-map';
import { originalFrame } from './original-frame';
import { scriptFilePath } from './script-path';
import { shortenPath } from './shorten-path';
import type { DebugLogger, FrameMapper, GeneratedFrame, MappedFrame } from './types';

const NO_FILE: ScriptMap = { kind: 'none' };

/**
 * Maps frames through each script's source map. A script's map is loaded on
 * the first frame that needs it and kept, as is the fact that it has none or
 * that it is unusable, so each script costs one load per process and gets
 * at most one note.
 */
export class SourceMapFrameMapper implements FrameMapper {
  private readonly scripts = new Map<string, ScriptMap>();

  constructor(
    private readonly root: string,
    private readonly logger: DebugLogger,
  ) {}

  map(frame: GeneratedFrame): MappedFrame {
    const script = this.scriptMap(frame.url);
    if (script.kind === 'map') {
      try {
        const original = originalFrame(script.map, frame.line, frame.column, frame.name);
        if (original !== null) {
          return {
            name: original.name ?? frame.name,
            file: shortenPath(original.source, this.root),
            line: original.line,
            mapped: true,
          };
        }
      } catch (err) {
        // A map that parsed but cannot be traced is as good as none.
        this.fail(frame.url, err instanceof Error ? err.message : String(err));
      }
    }
    return { name: frame.name, file: shortenPath(frame.url, this.root), line: frame.line, mapped: false };
  }

  private scriptMap(url: string): ScriptMap {
    let script = this.scripts.get(url);
    if (script === undefined) {
      const file = scriptFilePath(url);
      script = file === null ? NO_FILE : loadScriptMap(url, file);
      this.scripts.set(url, script);
      if (script.kind === 'failed') this.note(url, script.reason);
    }
    return script;
  }

  private fail(url: string, reason: string): void {
    this.scripts.set(url, { kind: 'failed', reason });
    this.note(url, reason);
  }

  private note(url: string, reason: string): void {
    try {
      this.logger.debug(
        `source map of ${shortenPath(url, this.root)} not used (${reason}); its frames keep generated locations`,
      );
    } catch {
      // A logger that throws must not break profiling.
    }
  }
}
