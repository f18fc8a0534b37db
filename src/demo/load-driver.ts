import * as http from 'node:http';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly byPath: Record<string, number>;
}

export interface LoadOptions {
  readonly port: number;
  readonly paths: readonly string[];
  readonly seconds: number;
  readonly concurrency: number;
  /** Called about every 100 ms with the fraction of time elapsed. */
  readonly onProgress?: (fraction: number, requests: number) => void;
}

function get(agent: http.Agent, port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
  });
}

/** Sends requests round-robin over `paths` at fixed concurrency for `seconds`. */
export async function driveLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  const byPath: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let next = 0;
  const progress = setInterval(() => {
    options.onProgress?.(Math.min(1, (Date.now() - started) / (options.seconds * 1000)), requests);
  }, 100);
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const path = options.paths[next++ % options.paths.length];
      const ok = await get(agent, options.port, path);
      requests++;
      byPath[path] = (byPath[path] ?? 0) + 1;
      if (!ok) errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(progress);
    agent.destroy();
  }
  options.onProgress?.(1, requests);
  return { requests, errors, byPath };
}
