import type { FrameBatch, MappedBatch } from './frame-batch';

/** Given to the map worker when it starts. */
export interface MapWorkerSetup {
  readonly root: string;
}

/** Main thread → map worker. */
export interface MapRequest {
  readonly id: number;
  readonly frames: FrameBatch;
  /** Maps Node kept on the main thread, for scripts whose files led to none. */
  readonly install?: readonly { readonly url: string; readonly payload: unknown }[];
}

/** A script whose map could not be had from its file, first seen while answering a request. */
export interface UnmappedScript {
  readonly url: string;
  /** Set when the file named a map that cannot be used; absent when it named none. */
  readonly reason?: string;
}

/** Map worker → main thread: entry i of `results` answers frame i of the request. */
export interface MapReply {
  readonly id: number;
  readonly results: MappedBatch;
  readonly unmapped: readonly UnmappedScript[];
}
