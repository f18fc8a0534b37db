import { AnswerTable } from './answer-table';
import { loadScriptMap } from './load-script-map';
import { SourceMapFrameMapper } from './source-map-frame-mapper';
import type { DebugLogger, FrameMapperSetup, GeneratedFrame, MappedFrame, WindowFrameMapper } from './types';

/**
 * The profiler's frame mapper. On the calling thread it reads maps from
 * script files, then among those Node keeps (`--enable-source-maps`); its
 * `workerSetup` lets the encode worker build the same mapper, so that in a
 * running profiler maps are read and traced there and this one serves only
 * when the worker cannot. Unusable maps are noted once per script, from
 * either thread.
 */
export class CallingThreadFrameMapper implements WindowFrameMapper {
  readonly workerSetup: FrameMapperSetup;
  private readonly answers = new AnswerTable();
  private readonly noted = new Set<string>();
  private readonly mapper: SourceMapFrameMapper;

  constructor(
    root: string,
    private readonly logger: DebugLogger,
  ) {
    this.workerSetup = { root, sourceMaps: true };
    this.mapper = new SourceMapFrameMapper(root, loadScriptMap, (url, reason) => this.noteUnusable(url, reason));
  }

  map(frame: GeneratedFrame): MappedFrame {
    let answer = this.answers.get(frame);
    if (answer === undefined) {
      answer = this.mapper.map(frame);
      this.answers.set(frame, answer);
    }
    return answer;
  }

  async prepare(): Promise<void> {}

  async close(): Promise<void> {}

  noteUnusable(url: string, reason: string): void {
    if (this.noted.has(url)) return;
    this.noted.add(url);
    try {
      this.logger.debug(
        `source map of ${this.mapper.shortPath(url)} not used (${reason}); its frames keep generated locations`,
      );
    } catch {
      // A logger that throws must not break profiling.
    }
  }
}
