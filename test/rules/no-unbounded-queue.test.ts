import rule from '../../rules/src/rules/no-unbounded-queue';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-unbounded-queue', rule, {
  valid: [
    // The runtime's Channel is bounded.
    `
      import { Channel } from 'cancel-safe';
      const jobs = new Channel(100);
      socket.on('message', (m) => jobs.trySend(m));
    `,
    // A local array built and consumed in one call.
    `
      function order(items) {
        const queue = [];
        for (const item of items) queue.push(item);
        const out = [];
        while (queue.length > 0) out.push(queue.shift());
        return out;
      }
    `,
    // A stack (push/pop only).
    `
      const undo = [];
      editor.on('change', (c) => undo.push(c));
      button.on('click', () => apply(undo.pop()));
    `,
    // Every push guarded by a bound.
    `
      const pending = [];
      const MAX = 1000;
      source.on('data', (chunk) => {
        if (pending.length < MAX) pending.push(chunk);
      });
      setInterval(() => flush(pending.shift()), 10);
    `,
    // Near miss: a drop policy before the push.
    `
      const recent = [];
      bus.on('event', (e) => {
        if (recent.length >= 50) recent.shift();
        recent.push(e);
      });
    `,
    // Near miss: trimming right after the push.
    `
      const log = [];
      process.on('warning', (w) => {
        log.push(w);
        if (log.length > 100) log.splice(0, log.length - 100);
      });
      export const oldest = () => log.shift();
    `,
    // Near miss: a BFS worklist drained in place at module level.
    `
      const queue = [root];
      while (queue.length) {
        const node = queue.shift();
        for (const child of node.children) queue.push(child);
      }
    `,
    // Near miss: a buffer flushed all at once (no shift), not a FIFO.
    `
      let batch = [];
      stream.on('data', (row) => batch.push(row));
      setInterval(() => { write(batch); batch = []; }, 1000);
    `,
    // Near miss: a class whose push is guarded by an isFull() helper.
    `
      class Buffer {
        items = [];
        add(x) {
          if (this.isFull()) throw new Error('full');
          this.items.push(x);
        }
        take() { return this.items.shift(); }
        isFull() { return this.items.length >= this.capacity; }
      }
    `,
    // Checking the length against 0 is not a bound, but a length comparison with a bound is.
    `
      const q = [];
      emitter.on('data', (d) => {
        if (q.length >= limit) return;
        q.push(d);
      });
      emitter.on('drain', () => q.shift());
    `,
    // Regression (MQTT.js BufferedDuplex.ts, undici receiver.js, eventsource-stream.js): Node calls
    // _write/_transform one chunk at a time, so what they buffer is bounded by the stream.
    `
      class Buffered extends Duplex {
        queue = [];
        _write(chunk, encoding, cb) { this.queue.push({ chunk, encoding, cb }); }
        flush() { while (this.queue.length > 0) this.send(this.queue.shift()); }
      }
      writable._write = (buf, enc, done) => { packets.push(buf); work(); };
      const packets = [];
      function work() { return packets.shift(); }
    `,
    // Regression (engine.io-client socket.ts): a constructor filling the list from its options.
    `
      class Client {
        constructor(opts) {
          this.transports = [];
          opts.transports.forEach((t) => this.transports.push(t.name));
        }
        next() { return this.transports.shift(); }
      }
    `,
    // Regression (engine.io socket.ts): a list of cleanup callbacks, and a push guarded by a writable flag.
    `
      class Socket {
        cleanup = [];
        sent = [];
        setTransport(t) { this.cleanup.push(() => t.removeAllListeners()); }
        clear() { const fn = this.cleanup.shift(); fn(); }
        flush() { if (this.transport.writable) { this.sent.push(this.callbacks); } }
        onDrain() { this.sent.shift(); }
      }
    `,
    {
      // Class fields can be switched off.
      code: `
        class Mailbox {
          constructor() { this.messages = []; }
          deliver(m) { this.messages.push(m); }
          next() { return this.messages.shift(); }
        }
      `,
      options: [{ checkClassFields: false }],
    },
  ],
  invalid: [
    {
      // The typical case: a socket handler feeds a module-level queue a timer drains.
      code: `
const inbox = [];
socket.on('message', (message) => {
  inbox.push(message);
});
setInterval(() => {
  const next = inbox.shift();
  if (next) handle(next);
}, 10);
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          data: { queue: 'inbox', enqueue: 'push', dequeue: 'shift' },
          suggestions: [
            {
              messageId: 'dropOldest',
              data: { capacity: '1000' },
              output: `
const inbox = [];
socket.on('message', (message) => {
  if (inbox.length >= 1000) inbox.shift();
  inbox.push(message);
});
setInterval(() => {
  const next = inbox.shift();
  if (next) handle(next);
}, 10);
`,
            },
          ],
        },
      ],
    },
    {
      // Every use maps onto a Channel: the whole-queue rewrite is offered too.
      code: `
const jobs: Job[] = [];
export async function produce(job: Job) {
  jobs.push(job);
}
export async function consume() {
  while (jobs.length > 0) await run(jobs.shift());
}
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
const jobs: Job[] = [];
export async function produce(job: Job) {
  if (jobs.length >= 1000) jobs.shift();
  jobs.push(job);
}
export async function consume() {
  while (jobs.length > 0) await run(jobs.shift());
}
`,
            },
            {
              messageId: 'useChannel',
              data: { capacity: '1000' },
              output: `
import { Channel } from 'cancel-safe';
const jobs = new Channel<Job>(1000);
export async function produce(job: Job) {
  await jobs.send(job);
}
export async function consume() {
  while (jobs.size > 0) await run(await jobs.recv());
}
`,
            },
          ],
        },
      ],
    },
    {
      // A class field, pushed from a synchronous listener: the Channel rewrite sheds load with trySend.
      code: `
class Ingest {
  private queue: Array<Buffer> = [];
  constructor(source) {
    source.on('data', (chunk: Buffer) => this.queue.push(chunk));
  }
  async next() {
    return this.queue.shift();
  }
}
`,
      options: [{ suggestedCapacity: 64 }],
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 5,
          data: { queue: 'this.queue', enqueue: 'push', dequeue: 'shift' },
          suggestions: [
            {
              messageId: 'useChannel',
              data: { capacity: '64' },
              output: `
import { Channel } from 'cancel-safe';
class Ingest {
  private queue = new Channel<Buffer>(64);
  constructor(source) {
    source.on('data', (chunk: Buffer) => this.queue.trySend(chunk));
  }
  async next() {
    return await this.queue.recv();
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      // A field handed to other code (log(this.queue)) cannot be rewritten to a Channel safely.
      code: `
class Outbox {
  queue = [];
  send(x) { this.queue.push(x); }
  async next() { return this.queue.shift(); }
  dump() { log(this.queue); }
}
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
class Outbox {
  queue = [];
  send(x) { if (this.queue.length >= 1000) this.queue.shift();
            this.queue.push(x); }
  async next() { return this.queue.shift(); }
  dump() { log(this.queue); }
}
`,
            },
          ],
        },
      ],
    },
    {
      // A constructor-initialised field with a private name, drained with splice(0, n).
      code: `
class Batcher {
  #rows;
  constructor() { this.#rows = []; }
  add(row) { this.#rows.push(row); }
  flush() { return this.#rows.splice(0, 100); }
}
`,
      errors: [{ messageId: 'unboundedQueue', line: 5, data: { queue: 'this.#rows', enqueue: 'push', dequeue: 'splice' }, suggestions: [] }],
    },
    {
      // unshift + pop is a FIFO too.
      code: `
const backlog = [];
export function enqueue(task) { backlog.unshift(task); }
export function dequeue() { return backlog.pop(); }
`,
      errors: [{ messageId: 'unboundedQueue', line: 3, data: { queue: 'backlog', enqueue: 'unshift', dequeue: 'pop' }, suggestions: [] }],
    },
    {
      // Captured by a closure: outlives the call that made it.
      code: `
function createLogger(transport) {
  const buffer = [];
  transport.on('ready', () => { while (buffer.length) transport.send(buffer.shift()); });
  return (line) => buffer.push(line);
}
`,
      errors: [{ messageId: 'unboundedQueue', line: 5, suggestions: [] }],
    },
    {
      // Comparing the length with 0 is not a bound.
      code: `
const waiting = [];
export function request(cb) {
  waiting.push(cb);
  if (waiting.length === 1) pump();
}
function pump() { const cb = waiting.shift(); cb(); }
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
const waiting = [];
export function request(cb) {
  if (waiting.length >= 1000) waiting.shift();
  waiting.push(cb);
  if (waiting.length === 1) pump();
}
function pump() { const cb = waiting.shift(); cb(); }
`,
            },
          ],
        },
      ],
    },
    {
      // A push in a braceless if gets braces; optional chaining on the call.
      code: `
let events = [];
ws.addEventListener('message', (e) => {
  if (e.data) events?.push(e.data);
});
export const take = () => events.shift();
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
let events = [];
ws.addEventListener('message', (e) => {
  if (e.data) { if (events.length >= 1000) events.shift(); events?.push(e.data); }
});
export const take = () => events.shift();
`,
            },
          ],
        },
      ],
    },
    {
      // A producer loop in a timer and a field declared with new Array().
      code: `
class Poller {
  results = new Array();
  start() { setInterval(async () => { for (const r of await poll()) this.results.push(r); }, 1000); }
  next() { return this.results.shift(); }
}
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
class Poller {
  results = new Array();
  start() { setInterval(async () => { for (const r of await poll()) { if (this.results.length >= 1000) this.results.shift(); this.results.push(r); } }, 1000); }
  next() { return this.results.shift(); }
}
`,
            },
          ],
        },
      ],
    },
    {
      // Two unguarded producers, both reported.
      code: `
const q = [];
a.on('data', (x) => q.push(x));
b.on('data', (x) => q.push(x));
c.on('drain', () => q.shift());
`,
      errors: [
        { messageId: 'unboundedQueue', line: 3 },
        { messageId: 'unboundedQueue', line: 4 },
      ],
    },
  ],
});

commonJsTester.run('no-unbounded-queue (CommonJS)', rule, {
  valid: [
    `
      const { Channel } = require('cancel-safe');
      const q = new Channel(10);
      module.exports = (x) => q.trySend(x);
    `,
  ],
  invalid: [
    {
      code: `
const { EventEmitter } = require('events');
const pending = [];
async function onMessage(m) { pending.push(m); }
async function worker() { for (;;) { if (pending.length > 0) await handle(pending.shift()); else await tick(); } }
module.exports = { onMessage, worker };
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
const { EventEmitter } = require('events');
const pending = [];
async function onMessage(m) { if (pending.length >= 1000) pending.shift();
                              pending.push(m); }
async function worker() { for (;;) { if (pending.length > 0) await handle(pending.shift()); else await tick(); } }
module.exports = { onMessage, worker };
`,
            },
            {
              messageId: 'useChannel',
              output: `
const { EventEmitter } = require('events');
const { Channel } = require('cancel-safe');
const pending = new Channel(1000);
async function onMessage(m) { await pending.send(m); }
async function worker() { for (;;) { if (pending.size > 0) await handle(await pending.recv()); else await tick(); } }
module.exports = { onMessage, worker };
`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-unbounded-queue (typed)', rule, {
  valid: [
    // With types, a field typed as an array but used as a stack.
    `
      export class History {
        private entries: string[];
        constructor(initial: string[]) { this.entries = initial; }
        add(e: string) { this.entries.push(e); }
        undo() { return this.entries.pop(); }
      }
    `,
  ],
  invalid: [
    {
      // With types, a field declared as an array without an initialiser is still a candidate.
      code: `
export class Relay {
  private pending: string[];
  constructor(initial: string[], source: { on(e: 'data', f: (s: string) => void): void }) {
    this.pending = initial;
    source.on('data', (s) => this.pending.push(s));
  }
  next() { return this.pending.shift(); }
}
`,
      errors: [{ messageId: 'unboundedQueue', line: 6, suggestions: [] }],
    },
    {
      // With types, a module-level array from a function call.
      code: `
declare function load(): number[];
const backlog = load();
export function add(n: number) { backlog.push(n); }
export function take() { return backlog.shift(); }
`,
      errors: [
        {
          messageId: 'unboundedQueue',
          line: 4,
          suggestions: [
            {
              messageId: 'dropOldest',
              output: `
declare function load(): number[];
const backlog = load();
export function add(n: number) { if (backlog.length >= 1000) backlog.shift();
                                 backlog.push(n); }
export function take() { return backlog.shift(); }
`,
            },
          ],
        },
      ],
    },
  ],
});
