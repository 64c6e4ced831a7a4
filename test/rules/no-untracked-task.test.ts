import rule from '../../rules/src/rules/no-untracked-task';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-untracked-task', rule, {
  valid: [
    // Top level: the detached promise is the program itself.
    `void main();`,
    `main().catch((error) => { console.error(error); process.exitCode = 1; });`,
    `async function handle() { await audit.write(event); }`,
    `function handle() { return audit.write(event).catch(report); }`,
    `import { TaskTracker } from 'cancel-safe';\nconst tracker = new TaskTracker();\napp.post('/x', () => { tracker.spawn(() => audit.write(event)); });`,
    `app.post('/x', () => { tracker.track(audit.write(event)).catch(report); });`,
    {
      code: `addEventListener('fetch', (event) => { event.waitUntil(log(event.request).catch(report)); });`,
      options: [{ trackers: ['waitUntil'] }],
    },
    {
      code: `app.post('/x', () => { void this.pending.add(send(message)); });`,
      options: [{ trackers: ['this.pending.add'] }],
    },
    // Near miss: `void` of a local function that plainly returns no promise.
    `function log() { console.log('x'); }\napp.get('/', () => { void log(); });`,
    // Near miss: stored and awaited later; the catch only silences an early rejection.
    `async function load() { const p = fetchUser(); p.catch(() => {}); await other(); return await p; }`,
    // Near miss: a promise bridged to a callback; the caller owns its completion.
    `function get(key, callback) { client.get(key).then((value) => callback(null, value), callback); }`,
    `function run(fn, done) { const ret = fn(); ret.then(done, done); }`,
    // Near miss: inside a promise executor, the outer promise carries the work.
    `function wrap() { return new Promise((resolve, reject) => { work().then(resolve, reject); }); }`,
    // Near miss: subscribing to someone else's lifecycle promise starts no work.
    `class T { start() { this.session.closed.then(() => this.onClose()); } }`,
    // Near miss: Promise.resolve().then defers synchronous work to a microtask.
    `function emitLater(self) { Promise.resolve().then(() => self.emit('ready')); }`,
  ],
  invalid: [
    {
      code: `import { TaskTracker } from 'cancel-safe';\nconst tracker = new TaskTracker();\napp.post('/orders', async (req, res) => {\n  void sendReceipt(req.body);\n  res.sendStatus(202);\n});`,
      errors: [
        {
          messageId: 'untrackedTask',
          line: 4,
          data: { task: 'sendReceipt(req.body)' },
          suggestions: [
            {
              messageId: 'spawnInTracker',
              output: `import { TaskTracker } from 'cancel-safe';\nconst tracker = new TaskTracker();\napp.post('/orders', async (req, res) => {\n  tracker.spawn(() => sendReceipt(req.body));\n  res.sendStatus(202);\n});`,
            },
          ],
        },
      ],
    },
    {
      code: `const tasks = new JoinSet();\nqueue.on('message', (m) => {\n  handle(m).catch((e) => log.error(e));\n});`,
      errors: [
        {
          messageId: 'untrackedTask',
          line: 3,
          suggestions: [
            {
              messageId: 'spawnInTracker',
              output: `const tasks = new JoinSet();\nqueue.on('message', (m) => {\n  tasks.spawn(() => handle(m).catch((e) => log.error(e)));\n});`,
            },
          ],
        },
      ],
    },
    {
      // No tracker in scope: nothing to suggest.
      code: `emitter.on('data', (chunk) => { void store.save(chunk); });`,
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
    {
      code: `function onTick() {\n  refresh()\n    .then((v) => cache.set(v))\n    .finally(() => metrics.inc());\n}`,
      errors: [{ messageId: 'untrackedTask', line: 2, suggestions: [] }],
    },
    {
      // A class field tracker is reached through `this`.
      code: `class Server {\n  #tasks = new TaskTracker();\n  onRequest(req) {\n    void this.audit(req);\n  }\n  async audit(req) {}\n}`,
      errors: [
        {
          messageId: 'untrackedTask',
          line: 4,
          suggestions: [
            {
              messageId: 'spawnInTracker',
              output: `class Server {\n  #tasks = new TaskTracker();\n  onRequest(req) {\n    this.#tasks.spawn(() => this.audit(req));\n  }\n  async audit(req) {}\n}`,
            },
          ],
        },
      ],
    },
    {
      // A tracker passed in as a parameter annotated with the runtime's type.
      code: `import type { TaskTracker } from 'cancel-safe';\nexport function attach(bus, tracker: TaskTracker) {\n  bus.on('job', (job) => { run(job).catch(report); });\n}`,
      errors: [
        {
          messageId: 'untrackedTask',
          line: 3,
          suggestions: [
            {
              messageId: 'spawnInTracker',
              output: `import type { TaskTracker } from 'cancel-safe';\nexport function attach(bus, tracker: TaskTracker) {\n  bus.on('job', (job) => { tracker.spawn(() => run(job).catch(report)); });\n}`,
            },
          ],
        },
      ],
    },
    {
      code: `async function handle() {}\nfor (const job of jobs) {\n  void handle(job);\n}\nfunction later() { void (async () => { await flush(); })(); }`,
      errors: [{ messageId: 'untrackedTask', line: 5, suggestions: [] }],
    },
    {
      code: `function f() { const p = upload(file); p.catch(noop); }`,
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
    {
      code: `function f() { fetch(url)?.then((r) => r.json()); }`,
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
    {
      code: `function f() { Promise.all(jobs.map(run)).then(() => done.add(1)); }`,
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
    // Behind a type assertion or `satisfies` the chain is still detached.
    {
      code: `function f() { fetch(url).then((r) => r.json()) satisfies unknown; }`,
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
    {
      code: `function f() { <unknown>fetch(url).then((r) => r.json()); }`,
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
    {
      // A tracker option names other trackers, it does not hide these.
      code: `function f(event) { void send(event); }`,
      options: [{ trackers: ['waitUntil'] }],
      errors: [{ messageId: 'untrackedTask', line: 1, suggestions: [] }],
    },
  ],
});

commonJsTester.run('no-untracked-task (CommonJS)', rule, {
  valid: [`const { TaskTracker } = require('cancel-safe');\nconst t = new TaskTracker();\nmodule.exports = (req) => { t.spawn(() => audit(req)); };`],
  invalid: [
    {
      code: `const { TaskTracker } = require('cancel-safe');\nconst t = new TaskTracker();\nmodule.exports = (req) => { audit(req).catch(console.error); };`,
      errors: [
        {
          messageId: 'untrackedTask',
          line: 3,
          suggestions: [
            {
              messageId: 'spawnInTracker',
              output: `const { TaskTracker } = require('cancel-safe');\nconst t = new TaskTracker();\nmodule.exports = (req) => { t.spawn(() => audit(req).catch(console.error)); };`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-untracked-task (typed)', rule, {
  valid: [
    // With types, `void` of something that is not a promise is just `void`.
    `declare function log(message: string): void;\nexport function f() { void log('x'); }`,
    // A `.catch` method on something that is not a thenable.
    `declare const parser: { catch(handler: () => void): void };\nexport function f() { parser.catch(() => {}); }`,
  ],
  invalid: [
    {
      // Only types know the tracker: declared by type, not constructed here.
      code: `declare class TaskTracker { spawn(task: () => Promise<unknown>): Promise<void> }\ndeclare const jobs: TaskTracker;\ndeclare function send(): Promise<void>;\nexport function f() { void send(); }`,
      errors: [
        {
          messageId: 'untrackedTask',
          line: 4,
          suggestions: [
            {
              messageId: 'spawnInTracker',
              output: `declare class TaskTracker { spawn(task: () => Promise<unknown>): Promise<void> }\ndeclare const jobs: TaskTracker;\ndeclare function send(): Promise<void>;\nexport function f() { jobs.spawn(() => send()); }`,
            },
          ],
        },
      ],
    },
    {
      code: `declare const db: { query(sql: string): Promise<unknown> };\nexport function f() { const p = db.query('x'); void p; }`,
      errors: [{ messageId: 'untrackedTask', line: 2, suggestions: [] }],
    },
  ],
});
