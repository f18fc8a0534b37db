import * as http from 'node:http';
import { readFile } from 'node:fs/promises';
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { computeTax, hashPassword, rankResults, renderInvoice, resizeImage } from './hot-code';

/** The demo's endpoints and the hot function a profile should show under each. */
export const DEMO_ENDPOINTS = [
  { path: '/checkout', hot: 'computeTax' },
  { path: '/search', hot: 'rankResults' },
  { path: '/image', hot: 'resizeImage' },
  { path: '/login', hot: 'hashPassword' },
] as const;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function inSpan<T>(tracer: Tracer, name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

async function handle(tracer: Tracer, path: string): Promise<string> {
  switch (path) {
    case '/checkout': {
      const tax = computeTax(400, 250);
      await tick();
      const invoice = await inSpan(tracer, 'render invoice', async () => {
        await Promise.resolve();
        return renderInvoice(600);
      });
      return `tax ${tax.toFixed(2)}, invoice ${invoice.length} bytes`;
    }
    case '/search': {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return `top ${rankResults(1500, 'profiling')}`;
    }
    case '/image': {
      await readFile(__filename);
      return `pixel ${resizeImage(160, 120)}`;
    }
    case '/login': {
      const h = await inSpan(tracer, 'verify password', async () => {
        await tick();
        return hashPassword('correct horse battery staple', 5000);
      });
      return `hash ${h.toString(16)}`;
    }
    default:
      return '';
  }
}

/** Starts the demo HTTP service on 127.0.0.1; every request runs in a root span. */
export function startDemoService(tracer: Tracer): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!DEMO_ENDPOINTS.some((e) => e.path === path)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    void inSpan(tracer, `${req.method} ${path}`, async (span) => {
      span.setAttribute('http.route', path);
      const body = await handle(tracer, path);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${body}\n`);
    }).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
