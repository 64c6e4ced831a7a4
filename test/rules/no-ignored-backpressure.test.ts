import rule from '../../rules/src/rules/no-ignored-backpressure';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-ignored-backpressure', rule, {
  valid: [
    // The result decides whether to wait for drain.
    `
      import { once } from 'node:events';
      import { createWriteStream } from 'node:fs';
      async function dump(rows) {
        const out = createWriteStream('rows.ndjson');
        for (const row of rows) {
          if (!out.write(JSON.stringify(row) + '\\n')) await once(out, 'drain');
        }
      }
    `,
    // pipeline/pipe flows handle backpressure for you.
    `
      import { pipeline } from 'node:stream/promises';
      import { createReadStream, createWriteStream } from 'node:fs';
      await pipeline(createReadStream('a'), createWriteStream('b'));
    `,
    `source.pipe(socket);`,
    // A single write outside loops and handlers: the head of a response.
    `
      server.on('request', (req, res) => {
        res.writeHead(200);
        res.write('<!doctype html>');
        res.end(render());
      });
    `,
    // The write result pauses the source.
    `
      source.on('data', (chunk) => {
        if (!socket.write(chunk)) source.pause();
      });
      socket.on('drain', () => source.resume());
    `,
    // Near miss: a loop that checks writableNeedDrain before writing.
    `
      async function send(socket, frames) {
        for (const frame of frames) {
          if (socket.writableNeedDrain) await new Promise((resolve) => socket.once('drain', resolve));
          socket.write(frame);
        }
      }
    `,
    // Near miss: write() of something that is not a stream (an array-backed logger).
    `
      for (const entry of entries) logger.write(entry);
    `,
    // Near miss: process.stdout is synchronous for files and pipes on POSIX.
    `
      for (const line of lines) process.stdout.write(line + '\\n');
    `,
    // Near miss: a loop over a literal list of three parts is bounded at the call site.
    `
      for (const part of [head, body, tail]) res.write(part);
    `,
    // Near miss: a 'connection' handler runs once per socket, not once per chunk.
    `
      server.on('connection', (socket) => {
        socket.write('hello\\n');
      });
    `,
    // Near miss: a WHATWG writer whose write is awaited.
    `
      const writer = stream.getWriter();
      for (const chunk of chunks) await writer.write(chunk);
    `,
    // Near miss: a WHATWG writer that awaits ready first.
    `
      const writer = stream.getWriter();
      for (const chunk of chunks) {
        await writer.ready;
        writer.write(chunk);
      }
    `,
    // The write result is returned to the caller.
    `
      function push(socket, items) {
        let ok = true;
        for (const item of items) ok = socket.write(item) && ok;
        return ok;
      }
    `,
    // Callback-per-write: each write waits for its own flush.
    `
      async function send(socket, frames) {
        for (const frame of frames) {
          await new Promise((resolve, reject) => socket.write(frame, (error) => (error ? reject(error) : resolve())));
        }
      }
    `,
    // Regression (undici test/client-keep-alive.js, node-postgres connection-timeout-tests.js): a
    // server answering on the socket the request came from is request/response, not a relay.
    `
      net.createServer((socket) => {
        socket.on('data', (data) => {
          socket.write('HTTP/1.1 200 OK\\r\\n');
          socket.write('\\r\\n');
        });
      });
    `,
    // Regression (undici test/client-keep-alive.js): the same, from a parsing loop inside the handler.
    `
      socket.on('data', (chunk) => {
        request += chunk;
        while (request.includes(end)) {
          request = request.slice(request.indexOf(end) + 4);
          socket.write(response);
        }
      });
    `,
    // Regression (undici test/interceptors/deduplicate.js, node-postgres 699-tests.js): a literal count.
    `
      for (let i = 1; i <= 5; i++) stream.write(line(i));
      const N = 10;
      for (let i = 0; i < N; i++) socket.write(frame(i));
    `,
    // Regression (undici test/fetch/client-fetch.js, test/utils/hello-world-server.js): a loop paced by a timer.
    `
      import { setTimeout as sleep } from 'node:timers/promises';
      export async function trickle(res, chunks) {
        for (const chunk of chunks) {
          await sleep(10);
          res.write(chunk);
        }
        for (let offset = 0; offset < raw.length;) {
          res.write(raw.slice(offset, offset += 2));
          await new Promise((resolve) => setTimeout(resolve));
        }
      }
    `,
    {
      // A custom event list without 'data'.
      code: `source.on('data', (chunk) => socket.write(chunk));`,
      options: [{ handlerEvents: ['message'] }],
    },
    {
      code: `
        const writer = stream.getWriter();
        for (const chunk of chunks) writer.write(chunk);
      `,
      options: [{ checkWebStreams: false }],
    },
  ],
  invalid: [
    {
      code: `
import { createWriteStream } from 'node:fs';
async function dump(rows) {
  const out = createWriteStream('rows.ndjson');
  for (const row of rows) {
    out.write(JSON.stringify(row) + '\\n');
  }
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 6,
          data: { writer: 'out', where: 'loop' },
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
async function dump(rows) {
  const out = createWriteStream('rows.ndjson');
  for (const row of rows) {
    if (!out.write(JSON.stringify(row) + '\\n')) await once(out, 'drain');
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      // An existing `events` import is reused, in its own spelling.
      code: `
import { EventEmitter } from 'events';
import fs from 'fs';
export async function copy(lines) {
  const file = fs.createWriteStream('out.txt');
  let i = 0;
  while (i < lines.length) file.write(lines[i++]);
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 7,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
import { EventEmitter, once } from 'events';
import fs from 'fs';
export async function copy(lines) {
  const file = fs.createWriteStream('out.txt');
  let i = 0;
  while (i < lines.length) if (!file.write(lines[i++])) await once(file, 'drain');
}
`,
            },
          ],
        },
      ],
    },
    {
      // A data handler: the source is paused until the socket drains.
      code: `
upstream.on('data', (chunk) => {
  socket.write(chunk);
});
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 3,
          data: { writer: 'socket', where: '`data` handler' },
          suggestions: [
            {
              messageId: 'pauseSource',
              data: { source: 'upstream', writer: 'socket' },
              output: `
upstream.on('data', (chunk) => {
  if (!socket.write(chunk)) {
    upstream.pause();
    socket.once('drain', () => upstream.resume());
  }
});
`,
            },
          ],
        },
      ],
    },
    {
      // An HTTP response streamed row by row from a synchronous callback: no suggestion can await.
      code: `
app.get('/export', (req, res) => {
  rows.forEach((row) => res.write(JSON.stringify(row)));
  for (const row of rows) res.write(JSON.stringify(row));
  res.end();
});
`,
      errors: [{ messageId: 'writeResultIgnored', line: 4, suggestions: [] }],
    },
    {
      // Namespace import of net and a renamed local.
      code: `
import * as net from 'node:net';
const conn = net.connect(6379);
export async function flood(commands) {
  const c = conn;
  for (const command of commands) c.write(command);
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 6,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
import * as net from 'node:net';
import { once } from 'node:events';
const conn = net.connect(6379);
export async function flood(commands) {
  const c = conn;
  for (const command of commands) if (!c.write(command)) await once(c, 'drain');
}
`,
            },
          ],
        },
      ],
    },
    {
      // A class field named like a stream, written from a 'message' listener; optional chaining.
      code: `
class Relay {
  constructor(bus) {
    bus.addEventListener('message', (event) => {
      this.stream?.write(event.data);
    });
  }
}
`,
      errors: [{ messageId: 'writeResultIgnored', line: 5, data: { writer: 'this.stream', where: '`message` handler' }, suggestions: [] }],
    },
    {
      // new PassThrough() from a destructured stream import.
      code: `
import { PassThrough } from 'stream';
const tee = new PassThrough();
async function fill(items) {
  for (let i = 0; i < items.length; i++) void tee.write(items[i]);
}
`,
      errors: [{ messageId: 'writeResultIgnored', line: 5, suggestions: [] }],
    },
    {
      // A WHATWG writer in a loop, neither awaited nor waiting for ready.
      code: `
async function upload(stream, chunks) {
  const writer = stream.getWriter();
  for (const chunk of chunks) {
    writer.write(chunk);
  }
  await writer.close();
}
`,
      errors: [
        {
          messageId: 'writerNotAwaited',
          line: 5,
          data: { writer: 'writer' },
          suggestions: [
            {
              messageId: 'awaitWrite',
              output: `
async function upload(stream, chunks) {
  const writer = stream.getWriter();
  for (const chunk of chunks) {
    await writer.write(chunk);
  }
  await writer.close();
}
`,
            },
          ],
        },
      ],
    },
    {
      // A producer loop over a readable (for await) writing to a socket parameter.
      code: `
async function forward(readable, socket) {
  for await (const chunk of readable) {
    socket.write(chunk);
  }
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 4,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
import { once } from 'node:events';
async function forward(readable, socket) {
  for await (const chunk of readable) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      // A 'line' listener (readline) writing every line to an output stream.
      code: `
rl.on('line', function (line) {
  outStream.write(transform(line));
});
`,
      errors: [{ messageId: 'writeResultIgnored', line: 3, data: { writer: 'outStream', where: '`line` handler' }, suggestions: [] }],
    },
    {
      // A namespace import of events is reused as the namespace.
      code: `
import * as events from 'node:events';
export async function replay(socket, log) {
  for (const entry of log) socket.write(entry);
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 4,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
import * as events from 'node:events';
export async function replay(socket, log) {
  for (const entry of log) if (!socket.write(entry)) await events.once(socket, 'drain');
}
`,
            },
          ],
        },
      ],
    },
  ],
});

commonJsTester.run('no-ignored-backpressure (CommonJS)', rule, {
  valid: [
    `
      const { once } = require('events');
      const fs = require('fs');
      async function dump(rows) {
        const out = fs.createWriteStream('x');
        for (const row of rows) if (!out.write(row)) await once(out, 'drain');
      }
    `,
  ],
  invalid: [
    {
      code: `
const fs = require('fs');
async function dump(rows) {
  const out = fs.createWriteStream('x');
  for (const row of rows) out.write(row);
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 5,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
const fs = require('fs');
const { once } = require('node:events');
async function dump(rows) {
  const out = fs.createWriteStream('x');
  for (const row of rows) if (!out.write(row)) await once(out, 'drain');
}
`,
            },
          ],
        },
      ],
    },
    {
      // A file that requires `events` as a whole gets `once` destructured from the same spelling.
      code: `
const EventEmitter = require('events');
const { createWriteStream: open } = require('node:fs');
async function dump(rows) {
  const sink = open('x');
  for (const row of rows) sink.write(row);
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 6,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
const EventEmitter = require('events');
const { createWriteStream: open } = require('node:fs');
const { once } = require('events');
async function dump(rows) {
  const sink = open('x');
  for (const row of rows) if (!sink.write(row)) await once(sink, 'drain');
}
`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-ignored-backpressure (typed)', rule, {
  valid: [
    // With types, a `write` that returns void is not a Node writable, whatever its name.
    `
      declare const stream: { write(chunk: string): void; end(): void; on(e: string, f: () => void): void };
      declare const rows: string[];
      for (const row of rows) stream.write(row);
    `,
    // With types, a Writable-typed value with the result checked.
    `
      import { once } from 'node:events';
      import type { Writable } from 'node:stream';
      export async function dump(sink: Writable, rows: string[]) {
        for (const row of rows) if (!sink.write(row)) await once(sink, 'drain');
      }
    `,
  ],
  invalid: [
    {
      // With types, any name: a parameter typed as a Node writable.
      code: `
import type { Writable } from 'node:stream';
export async function dump(target: Writable, rows: string[]) {
  for (const row of rows) target.write(row);
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 4,
          suggestions: [
            {
              messageId: 'awaitDrain',
              output: `
import type { Writable } from 'node:stream';
import { once } from 'node:events';
export async function dump(target: Writable, rows: string[]) {
  for (const row of rows) if (!target.write(row)) await once(target, 'drain');
}
`,
            },
          ],
        },
      ],
    },
    {
      // http.ServerResponse under another name, in a 'data' handler of a typed readable.
      code: `
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
export function relay(input: Readable, reply: ServerResponse) {
  input.on('data', (chunk: Buffer) => {
    reply.write(chunk);
  });
}
`,
      errors: [
        {
          messageId: 'writeResultIgnored',
          line: 6,
          suggestions: [
            {
              messageId: 'pauseSource',
              output: `
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
export function relay(input: Readable, reply: ServerResponse) {
  input.on('data', (chunk: Buffer) => {
    if (!reply.write(chunk)) {
      input.pause();
      reply.once('drain', () => input.resume());
    }
  });
}
`,
            },
          ],
        },
      ],
    },
    {
      // NodeJS.WritableStream and a WHATWG writer, both by type.
      code: `
export async function both(out: NodeJS.WritableStream, sink: WritableStreamDefaultWriter<string>, rows: string[]) {
  for (const row of rows) {
    out.write(row);
    sink.write(row);
  }
}
`,
      errors: [
        { messageId: 'writeResultIgnored', line: 4, suggestions: [
          {
            messageId: 'awaitDrain',
            output: `
import { once } from 'node:events';
export async function both(out: NodeJS.WritableStream, sink: WritableStreamDefaultWriter<string>, rows: string[]) {
  for (const row of rows) {
    if (!out.write(row)) await once(out, 'drain');
    sink.write(row);
  }
}
`,
          },
        ] },
        { messageId: 'writerNotAwaited', line: 5, suggestions: [
          {
            messageId: 'awaitWrite',
            output: `
export async function both(out: NodeJS.WritableStream, sink: WritableStreamDefaultWriter<string>, rows: string[]) {
  for (const row of rows) {
    out.write(row);
    await sink.write(row);
  }
}
`,
          },
        ] },
      ],
    },
  ],
});
