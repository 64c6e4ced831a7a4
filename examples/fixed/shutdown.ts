// The thumbnail service with a shutdown that survives deploys: SIGTERM and SIGINT both stop
// accepting requests, in-flight resizes finish, and the whole shutdown has a deadline.
import { createServer } from 'node:http';
import { Worker } from 'node:worker_threads';
import { onShutdown } from 'cancel-safe/node';

const resizer = new Worker(new URL('./resize-worker.js', import.meta.url));

function resize(image: Buffer): Promise<void> {
  const job = new Promise<void>((resolve) => resizer.once('message', () => resolve()));
  resizer.postMessage(image);
  return job;
}

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // The shutdown waits for tracked resizes (tracker.wait inside onShutdown).
  await shutdown.tracker.spawn(() => resize(Buffer.concat(chunks)));
  res.writeHead(202).end();
});

server.listen(Number(process.env.PORT ?? 8080));

// onShutdown handles SIGTERM and SIGINT, closes the tracker, waits for its tasks and bounds the
// whole shutdown by `timeout`; the process then ends with process.exitCode set, not cut off.
const shutdown = onShutdown(
  async ({ tracker }) => {
    await new Promise((resolve) => server.close(resolve));
    await tracker.wait();
    await resizer.terminate();
  },
  { timeout: 20_000 },
);
