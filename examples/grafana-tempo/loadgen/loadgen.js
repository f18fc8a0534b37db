'use strict';
// Keeps the example service busy: a few workers send requests round-robin
// over its routes, with a pause between requests, so that Tempo always has
// recent traces and Pyroscope recent profiles. Two workers make requests
// overlap, which is the case span profiles have to get right.
//
//   TARGET_URL   the service (default http://app:8080)
//   REQUESTS     stop after this many requests; 0, the default, runs forever
//   CONCURRENCY  workers (default 2)
//   PAUSE_MS     pause after each request, per worker (default 200)
const target = process.env.TARGET_URL ?? 'http://app:8080';
const total = Number(process.env.REQUESTS ?? 0);
const concurrency = Number(process.env.CONCURRENCY ?? 2);
const pauseMs = Number(process.env.PAUSE_MS ?? 200);
const routes = ['/fibonacci', '/primes', '/checkout'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let started = 0;
let failed = 0;

async function worker() {
  while (total === 0 || started < total) {
    const route = routes[started++ % routes.length];
    // The service may still be starting: wait for it rather than count a
    // refused connection as a failed request.
    for (;;) {
      try {
        const res = await fetch(new URL(route, target));
        await res.arrayBuffer();
        if (res.status !== 200) {
          failed++;
          console.error(`${route}: HTTP ${res.status}`);
        }
        break;
      } catch (err) {
        console.error(`${route}: ${err.cause?.code ?? err.message}; retrying in 1 s`);
        await sleep(1000);
      }
    }
    await sleep(pauseMs);
  }
}

Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  console.log(`sent ${started} requests to ${target}, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
});
