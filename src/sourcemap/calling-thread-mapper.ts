import { AnswerTable } from './answer-table';
import type { SourceMapFrameMapper } from './source-map-frame-mapper';
import { shortenPath } from './shorten-path';
import type { DebugLogger, FrameMapperSetup, GeneratedFrame, MappedFrame, WindowFrameMapper } from './types';

/**
 * The profiler's frame mapper. On the calling thread it reads maps from
 * script files, then among those Node keeps (`--enable-source-maps`); its
 * `workerSetup` lets the encode worker build the same mapper, so that in a
 * running profiler maps are read and traced there and this one serves only
 * when the worker cannot. Unusable maps are noted once per script, from
 * either thread. The map reader is loaded on the first frame mapped here,
 * so a profiler whose helper thread works never loads it on this thread.
 */
export class CallingThreadFrameMapper implements WindowFrameMapper {
  readonly workerSetup: FrameMapperSetup;
  private readonly answers = new AnswerTable();
  private readonly noted = new Set<string>();
  private mapper: SourceMapFrameMapper | undefined;

  constructor(
    private readonly root: string,
    private readonly logger: DebugLogger,
  ) {
    this.workerSetup = { root, sourceMaps: true };
  }

  map(frame: GeneratedFrame): MappedFrame {
    let answer = this.answers.get(frame);
    if (answer === undefined) {
      answer = this.loaded().map(frame);
      this.answers.set(frame, answer);
    }
    return answer;
  }

  async close(): Promise<void> {}

  noteUnusable(url: string, reason: string): void {
    if (this.noted.has(url)) return;
    this.noted.add(url);
    try {
      this.logger.debug(
        `source map of ${this.mapper?.shortPath(url) ?? shortenPath(url, this.root)} not used (${reason}); its frames keep generated locations`,
      );
    } catch {
      // A logger that throws must not break profiling.
    }
  }

  private loaded(): SourceMapFrameMapper {
    if (this.mapper === undefined) {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { SourceMapFrameMapper: Mapper } = require('./source-map-frame-mapper') as typeof import('./source-map-frame-mapper');
      const { loadScriptMap } = require('./load-script-map') as typeof import('./load-script-map');
      /* eslint-enable @typescript-eslint/no-require-imports */
      this.mapper = new Mapper(this.root, loadScriptMap, (url, reason) => this.noteUnusable(url, reason));
    }
    return this.mapper;
  }
}
