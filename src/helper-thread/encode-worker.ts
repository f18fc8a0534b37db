/**
 * spanprof's one helper thread: maps a window's frames through source maps
 * (read and kept here), builds, encodes and gzips its profiles, off the
 * profiled thread. Requests are served one at a time, in order. What it
 * needs is loaded on the first request, so an idle profiler's thread stays small.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EncodeJobs } from './encode-job';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './encode-protocol';

const port = parentPort;
const setup = workerData as WorkerSetup;
const awaitingKept = new Map<number, (payloads: readonly unknown[]) => void>();
let jobs: EncodeJobs | undefined;
let queue: Promise<void> = Promise.resolve();

function jobsNow(): EncodeJobs {
  if (jobs === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EncodeJobs: Jobs } = require('./encode-job') as typeof import('./encode-job');
    jobs = new Jobs(setup, (id, urls) => {
      return new Promise((resolve) => {
        awaitingKept.set(id, resolve);
        const ask: WorkerReply = { kind: 'ask', id, urls };
        port?.postMessage(ask);
      });
    });
  }
  return jobs;
}

port?.on('message', (request: WorkerRequest) => {
  if (request.kind === 'kept') {
    const resolve = awaitingKept.get(request.id);
    awaitingKept.delete(request.id);
    resolve?.(request.payloads);
    return;
  }
  queue = queue.then(async () => {
    const { reply, transfer } = await jobsNow().run(request);
    port?.postMessage(reply, transfer);
  });
});
