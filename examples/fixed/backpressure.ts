// The ingest service of examples/backpressure.ts, bounded at every step.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Socket } from 'node:net';
import { Channel, mapConcurrent } from 'cancel-safe';

interface Event {
  id: string;
  payload: string;
}

// A bounded channel: when the consumer falls 1,000 events behind, new events are shed (and
// counted) instead of growing memory without limit.
const inbox = new Channel<Event>(1_000);
let dropped = 0;

export function listen(socket: Socket): void {
  socket.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line && inbox.trySend(JSON.parse(line) as Event) !== 'sent') dropped++;
    }
  });
}

export async function consume(signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const next = await inbox.recv({ signal });
    console.log('processing', next.id, 'dropped so far', dropped);
  }
}

// Wait for 'drain' whenever write() says the buffer is full.
export async function exportEvents(events: readonly Event[], path: string): Promise<void> {
  const out = createWriteStream(path);
  for (const event of events) {
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
}

// At most 8 requests in flight; results come back in input order; the first failure aborts the rest.
export async function enrich(events: readonly Event[], signal?: AbortSignal): Promise<unknown[]> {
  return mapConcurrent(
    events,
    8,
    async (event, _index, itemSignal) => {
      const response = await fetch(`https://enrich.example.com/v1/${event.id}`, { signal: itemSignal });
      return response.json();
    },
    { signal },
  );
}
