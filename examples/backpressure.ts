// An ingest service: it reads events from a socket, exports them to a file, and enriches them
// through an HTTP API. Each of the three steps below grows without limit when one side is slow.
// `npx cancel-safe examples` reports no-unbounded-queue, no-ignored-backpressure and
// no-unbounded-concurrency here.
import { createWriteStream } from 'node:fs';
import type { Socket } from 'node:net';

interface Event {
  id: string;
  payload: string;
}

// The socket handler pushes every event; the timer takes one every 10 ms. At 1,000 events a
// second the array gains 900 a second until the process runs out of memory.
const inbox: Event[] = [];

export function listen(socket: Socket): void {
  socket.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line) inbox.push(JSON.parse(line) as Event);
    }
  });
}

setInterval(() => {
  const next = inbox.shift();
  if (next) console.log('processing', next.id);
}, 10);

// write() returns false once the file's buffer is full; ignoring it buffers the whole export in memory.
export async function exportEvents(events: readonly Event[], path: string): Promise<void> {
  const out = createWriteStream(path);
  for (const event of events) {
    out.write(`${JSON.stringify(event)}\n`);
  }
  out.end();
}

// One request per event, all at once: 50,000 events open 50,000 sockets to the enrichment API.
export async function enrich(events: readonly Event[]): Promise<unknown[]> {
  return Promise.all(
    events.map(async (event) => {
      const response = await fetch(`https://enrich.example.com/v1/${event.id}`);
      return response.json();
    }),
  );
}
