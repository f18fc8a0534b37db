/** spanprof's helper thread: windows mapped, built, encoded and gzipped off the profiled thread. */
export { BackgroundEncoder } from './background-encoder';
