// A thumbnail service: an HTTP API in front of a worker thread, with the shutdown most services
// start with. `npx cancel-safe examples` reports the missing SIGTERM handler, the early exit and
// the drains that can hang forever.
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';

const inFlight = new Set<Promise<void>>();
const resizer = new Worker(new URL('./resize-worker.js', import.meta.url));

function resize(image: Buffer): Promise<void> {
  const job = new Promise<void>((resolve) => resizer.once('message', () => resolve()));
  resizer.postMessage(image);
  inFlight.add(job);
  return job.finally(() => inFlight.delete(job));
}

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  await resize(Buffer.concat(chunks));
  res.writeHead(202).end();
});

// Only SIGINT is handled: Ctrl+C in a terminal works, but a deploy (SIGTERM) kills the
// process with every resize still running.
server.listen(Number(process.env.PORT ?? 8080));

async function gracefulShutdown(): Promise<void> {
  // A keep-alive client that never hangs up keeps these waiting until SIGKILL.
  await new Promise((resolve) => server.close(resolve));
  await Promise.allSettled(inFlight);
  await resizer.terminate();
}

process.on('SIGINT', () => {
  void gracefulShutdown();
  // Exits before the drain above even started: the shutdown is graceful only on paper.
  process.exit(0);
});
