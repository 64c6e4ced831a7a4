// The same gateway loop, cancel-safe: the read lives in its own task that feeds a bounded channel,
// and the loop selects over `recv`, a heartbeat and the shutdown token, each with its own signal.
import { CancellationToken, Channel, pump, select, sleep } from 'cancel-safe';

interface Socket {
  send(data: string): void;
}

const shutdown = new CancellationToken();
process.once('SIGTERM', () => shutdown.cancel());

export async function relay(socket: Socket, upstream: ReadableStream<Uint8Array>): Promise<void> {
  const chunks = new Channel<Uint8Array>(16);
  // The pump is never raced: nothing it reads is lost, and the full channel pushes back on upstream.
  const pumping = pump(upstream, chunks, { signal: shutdown.signal });
  for (;;) {
    const next = await select({
      chunk: (signal) => chunks.recv({ signal }),
      heartbeat: (signal) => sleep(15_000, { signal }),
      stop: (signal) => shutdown.wait({ signal }),
    });
    if (next.key === 'stop') break;
    if (next.key === 'heartbeat') socket.send('ping');
    else if (next.key === 'chunk') socket.send(new TextDecoder().decode(next.value));
  }
  await pumping.catch(() => undefined);
}
