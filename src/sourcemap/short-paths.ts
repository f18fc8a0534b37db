import { shortenPath } from './shorten-path';

/**
 * shortenPath with memory: a profile names the same few scripts and sources
 * over and over, and resolving a path costs microseconds each time.
 */
export class ShortPaths {
  private readonly known = new Map<string, string>();

  constructor(private readonly root: string) {}

  of(file: string): string {
    let short = this.known.get(file);
    if (short === undefined) {
      short = shortenPath(file, this.root);
      this.known.set(file, short);
    }
    return short;
  }
}
