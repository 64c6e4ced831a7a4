// A chat gateway's socket loop, written the way it usually is. `npx cancel-safe examples` reports
// each race below: the ones that drop messages (no-unsafe-race) and the one that leaks memory on
// every iteration (no-race-leak).
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

interface Socket extends NodeJS.EventEmitter {
  send(data: string): void;
}

const shutdown = new Promise<'shutdown'>((resolve) => process.once('SIGTERM', () => resolve('shutdown')));

export async function relay(socket: Socket, upstream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = upstream.getReader();
  for (;;) {
    // no-unsafe-race: when the heartbeat wins, the chunk this read takes is dropped on the floor.
    // no-race-leak: `shutdown` lives for the whole process; every iteration adds a reaction to it.
    const next = await Promise.race([reader.read(), sleep(15_000, 'heartbeat' as const), shutdown]);
    if (next === 'shutdown') return;
    if (next === 'heartbeat') {
      socket.send('ping');
      continue;
    }
    if (next.done) return;
    socket.send(new TextDecoder().decode(next.value));
  }
}

export async function firstMessage(socket: Socket): Promise<unknown> {
  // no-unsafe-race: if 'close' wins, the 'message' listener stays attached and eats the next message.
  const [message] = await Promise.race([once(socket, 'message'), once(socket, 'close')]);
  return message;
}
