import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, it } from 'mocha';
import * as ts from 'typescript';
import rule from '../../rules/src/rules/no-unbounded-concurrency';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-unbounded-concurrency', rule, {
  valid: [
    // The runtime bounds it.
    `
      import { mapConcurrent } from 'cancel-safe';
      const users = await mapConcurrent(ids, 8, (id, _index, signal) => fetchUser(id, { signal }));
    `,
    // p-limit around every call.
    `
      import pLimit from 'p-limit';
      const limit = pLimit(4);
      await Promise.all(ids.map((id) => limit(() => fetchUser(id))));
    `,
    // A semaphore permit taken in the mapper.
    `
      await Promise.all(ids.map(async (id) => {
        using permit = await semaphore.acquire();
        return fetchUser(id);
      }));
    `,
    // Near miss: a literal array has a size fixed at the call site.
    `await Promise.all([a, b, c].map((x) => load(x)));`,
    // Near miss: chunked batches.
    `
      for (const batch of chunks(ids, 50)) {
        await Promise.all(batch.map((id) => fetchUser(id)));
      }
    `,
    // Near miss: a slice is a bounded window.
    `await Promise.all(ids.slice(0, 10).map(async (id) => fetchUser(id)));`,
    // Near miss: the mapper picks existing promises; it starts nothing.
    `await Promise.all(tasks.map((task) => task.promise));`,
    // Near miss: Promise is shadowed by a local.
    `
      import Promise from 'bluebird';
      await Promise.all(ids.map((id) => fetchUser(id)));
    `,
    // Near miss: forEach with a synchronous callback.
    `ids.forEach((id) => console.log(id));`,
    // A loop that awaits each item is sequential.
    `
      const results = [];
      for (const id of ids) results.push(await fetchUser(id));
      await Promise.all(results);
    `,
    // A loop that paces itself on the array's length.
    `
      const running = [];
      for (const id of ids) {
        running.push(fetchUser(id));
        if (running.length >= 8) await Promise.race(running);
      }
      await Promise.all(running);
    `,
    // A loop with a literal count.
    `
      const workers = [];
      for (let i = 0; i < 4; i++) workers.push(worker(i));
      await Promise.all(workers);
    `,
    // Regression (undici lib/dispatcher/agent.js, pool-base.js): closing what you hold takes nothing new.
    `
      async function close(clients) {
        const closing = [];
        for (const client of clients.values()) closing.push(client.close());
        await Promise.all(closing);
        await Promise.all([...pools.values()].map((pool) => pool.destroy(err)));
        await Promise.allSettled(namespaces.map(async (nsp) => { await nsp.adapter.close(); }));
      }
    `,
    // Regression (undici benchmarks, test/mock-agent.js): n workers sized on purpose.
    `
      await Promise.all(Array.from(Array(parallelRequests)).map(() => new Promise(run)));
      await Promise.all([...Array(5).keys()].map((i) => job(i)));
      await Promise.all(Array.from({ length: concurrency }, () => worker()).map((p) => p.then(log)));
    `,
    // Regression (node-postgres test/native/stress-tests.js): an array filled by a loop with a constant count.
    `
      const clients = [];
      for (let i = 0; i < 10; i++) clients.push(new Client(config));
      await Promise.all(clients.map(async (client) => { await client.connect(); }));
    `,
    // Regression (node-postgres bench-pipelining.js): a collection made to a batch size.
    `await Promise.all(makeQueries(batchSize).map((q) => client.query(q)));`,
    // Regression (undici test/round-robin-pool.js): the results of a literal Promise.all are as many as its elements.
    `
      const responses = await Promise.all([pool.request(a), pool.request(b)]);
      await Promise.all(responses.map(({ body }) => body.text()));
    `,
    // Regression (undici test/proxy-agent.js, test/tls-cert-leak.js): const and batch-sized loop bounds.
    `
      const N = 10;
      const requests = [];
      for (let i = 0; i < N; i++) requests.push(request(i));
      await Promise.all(requests);
      const end = Math.min(start + batchSize, total);
      const batch = [];
      for (let i = start; i < end; i++) batch.push(makeRequest(i));
      await Promise.all(batch);
    `,
    {
      // A limiter of your own, named in the options.
      code: `await Promise.all(ids.map((id) => withDbSlot(() => fetchUser(id))));`,
      options: [{ limiterNames: ['withDbSlot'] }],
    },
  ],
  invalid: [
    {
      code: `
async function loadAll(ids) {
  return Promise.all(ids.map((id) => fetchUser(id)));
}
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 3,
          data: { combinator: 'all', collection: 'ids' },
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              data: { limit: '8' },
              output: `
import { mapConcurrent } from 'cancel-safe';
async function loadAll(ids) {
  return mapConcurrent([...ids], 8, (id) => fetchUser(id));
}
`,
            },
          ],
        },
      ],
    },
    {
      // An existing runtime import is reused; an async mapper with an index.
      code: `
import { timeout } from 'cancel-safe';
const pages = await Promise.all(urls.map(async (url, index) => {
  const response = await fetch(url);
  return { index, body: await response.text() };
}));
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 3,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { timeout, mapConcurrent } from 'cancel-safe';
const pages = await mapConcurrent([...urls], 8, async (url, index) => {
  const response = await fetch(url);
  return { index, body: await response.text() };
});
`,
            },
          ],
        },
      ],
    },
    {
      // A function reference is wrapped so it still gets (item, index); the limit is configurable.
      code: `await Promise.all(files.map(unlinkFile));`,
      options: [{ suggestedLimit: 16 }],
      errors: [
        {
          messageId: 'unboundedMap',
          line: 1,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              data: { limit: '16' },
              output: `import { mapConcurrent } from 'cancel-safe';\nawait mapConcurrent([...files], 16, (item, index) => unlinkFile(item, index));`,
            },
          ],
        },
      ],
    },
    {
      // allSettled has different semantics from mapConcurrent: reported without a suggestion.
      code: `const outcomes = await Promise.allSettled(hosts.map((host) => ping(host)));`,
      errors: [{ messageId: 'unboundedMap', line: 1, data: { combinator: 'allSettled', collection: 'hosts' }, suggestions: [] }],
    },
    {
      // Promise.any through globalThis, with optional chaining on the collection.
      code: `const first = await globalThis.Promise.any(mirrors?.map((m) => download(m)));`,
      errors: [{ messageId: 'unboundedMap', line: 1, suggestions: [] }],
    },
    {
      // Object.keys of a runtime object is not bounded; the mapper returns a new Promise.
      code: `
await Promise.all(Object.keys(registry).map((key) => new Promise((resolve) => registry[key].close(resolve))));
`,
      errors: [{ messageId: 'unboundedMap', line: 2, suggestions: [
        {
          messageId: 'useMapConcurrent',
          output: `
import { mapConcurrent } from 'cancel-safe';
await mapConcurrent(Object.keys(registry), 8, (key) => new Promise((resolve) => registry[key].close(resolve)));
`,
        },
      ] }],
    },
    {
      // forEach(async …) in an async function: awaited mapConcurrent.
      code: `
import { mapConcurrent as mc } from 'cancel-safe';
export async function notifyAll(subscribers, event) {
  subscribers.forEach(async (subscriber) => {
    await subscriber.send(event);
  });
}
`,
      errors: [
        {
          messageId: 'unboundedForEach',
          line: 4,
          data: { collection: 'subscribers' },
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent as mc } from 'cancel-safe';
export async function notifyAll(subscribers, event) {
  await mc([...subscribers], 8, async (subscriber) => {
    await subscriber.send(event);
  });
}
`,
            },
          ],
        },
      ],
    },
    {
      // forEach(async …) in a synchronous function: no place to await, so no suggestion.
      code: `
function onBatch(rows) {
  rows.forEach(async function (row) { await save(row); });
}
`,
      errors: [{ messageId: 'unboundedForEach', line: 3, suggestions: [] }],
    },
    {
      // Promises pushed in a loop, then awaited together.
      code: `
async function syncAll(accounts) {
  const pending = [];
  for (const account of accounts) {
    pending.push(sync(account));
  }
  await Promise.all(pending);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 5,
          data: { combinator: 'all', array: 'pending' },
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              data: { limit: '8' },
              output: `
import { mapConcurrent } from 'cancel-safe';
async function syncAll(accounts) {
  await mapConcurrent([...accounts], 8, (account) => sync(account));
}
`,
            },
          ],
        },
      ],
    },
    {
      // The result is used: it takes the place of the array; a body without braces.
      code: `
async function loadUsers(ids: string[]) {
  const requests = [];
  for (const id of ids) requests.push(api.get(\`/users/\${id}\`, { retries: 2 }));
  const users = await Promise.all(requests);
  return users.filter(Boolean);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 4,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
async function loadUsers(ids: string[]) {
  const users = await mapConcurrent([...ids], 8, (id) => api.get(\`/users/\${id}\`, { retries: 2 }));
  return users.filter(Boolean);
}
`,
            },
          ],
        },
      ],
    },
    {
      // \`return Promise.all(…)\` keeps its shape (no await added); a destructured loop variable
      // becomes the arrow's parameter; the existing runtime import is extended.
      code: `
import { sleep } from 'cancel-safe';
export async function saveAll(entries) {
  const writes = [];
  for (const [key, { value, ttl = 60 }] of entries) {
    writes.push(store.set(key, value, ttl));
  }
  return Promise.all(writes);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 6,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { sleep, mapConcurrent } from 'cancel-safe';
export async function saveAll(entries) {
  return mapConcurrent([...entries], 8, ([key, { value, ttl = 60 }]) => store.set(key, value, ttl));
}
`,
            },
          ],
        },
      ],
    },
    {
      // \`return await\`, top-level statements, a custom runtime module and limit.
      code: `
import { readFile } from 'node:fs/promises';
const contents = [];
for (let file of files.values()) contents.push(readFile(file, 'utf8').then(parse));
const [first, ...rest] = await Promise.all(contents);
`,
      options: [{ suggestedLimit: 4 }],
      settings: { 'cancel-safe': { runtimeModule: '@acme/cancel-safe' } },
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 4,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              data: { limit: '4' },
              output: `
import { readFile } from 'node:fs/promises';
import { mapConcurrent } from '@acme/cancel-safe';
const [first, ...rest] = await mapConcurrent([...files.values()], 4, (file) => readFile(file, 'utf8').then(parse));
`,
            },
          ],
        },
      ],
    },
    {
      // The name is taken by a local binding: the import is aliased, never shadowed.
      code: `
import { mapConcurrent } from './my-helpers';
async function f(jobs) {
  const running = [];
  for (const job of jobs) running.push(start(job));
  return await Promise.all(running);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 5,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from './my-helpers';
import { mapConcurrent as cancelSafeMapConcurrent } from 'cancel-safe';
async function f(jobs) {
  return await cancelSafeMapConcurrent([...jobs], 8, (job) => start(job));
}
`,
            },
          ],
        },
      ],
    },
    {
      // An array literal is already a snapshot: it is not spread again.
      code: `
async function retryAll(pending, retries) {
  const runs = [];
  for (const job of [...pending, ...retries]) runs.push(run(job));
  await Promise.all(runs);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 4,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
async function retryAll(pending, retries) {
  await mapConcurrent([...pending, ...retries], 8, (job) => run(job));
}
`,
            },
          ],
        },
      ],
    },
    // Reported, but the rewrite would not mean the same thing: no suggestion.
    {
      // The loop read the whole queue before the next statement emptied it (20 jobs ran); the
      // lazy mapConcurrent would run only the first 8. Not awaited at once: no suggestion.
      code: `
class Worker {
  async drain() {
    const p = [];
    for (const job of this.queue) p.push(run(job));
    const all = Promise.all(p);
    this.queue.length = 0;
    return all;
  }
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // A bare \`Promise.all(p);\` lets the next statements run (and change the collection) too.
      code: `
async function fire(hosts) {
  const pending = [];
  for (const host of hosts) pending.push(ping(host));
  Promise.all(pending);
  hosts.clear();
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 4, suggestions: [] }],
    },
    {
      // The annotation on the array would be dropped by the rewrite.
      code: `
async function loadAll(ids: string[]) {
  const requests: Promise<number | string>[] = [];
  for (const id of ids) requests.push(load(id));
  return Promise.all(requests);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 4, suggestions: [] }],
    },
    {
      // So would explicit type arguments on Promise.all.
      code: `
async function loadAll(ids: string[]) {
  const requests = [];
  for (const id of ids) requests.push(load(id));
  return Promise.all<Promise<number>[]>(requests);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 4, suggestions: [] }],
    },
    {
      // In a synchronous function a throw of \`start(job)\` threw from \`launch\`; after the rewrite
      // it would be a rejection. No suggestion.
      code: `
function launch(jobs) {
  const running = [];
  for (const job of jobs) running.push(start(job));
  return Promise.all(running);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 4, suggestions: [] }],
    },
    {
      // Likewise in a synchronous callback inside an async function.
      code: `
async function outer(groups) {
  return groups.map((jobs) => {
    const running = [];
    for (const job of jobs) running.push(start(job));
    return Promise.all(running);
  });
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // allSettled keeps going after a failure; mapConcurrent stops.
      code: `
const pending = [];
for (const host of hosts) pending.push(ping(host));
const outcomes = await Promise.allSettled(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, data: { combinator: 'allSettled', array: 'pending' }, suggestions: [] }],
    },
    {
      // The array is used elsewhere (its promises are also raced).
      code: `
const pending = [];
for (const host of hosts) pending.push(ping(host));
const fastest = Promise.race(pending);
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // A labelled loop.
      code: `
const pending = [];
outer: for (const host of hosts) pending.push(ping(host));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // A loop with a break is not one call per item.
      code: `
const pending = [];
for (const host of hosts) {
  if (host.disabled) break;
  pending.push(ping(host));
}
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // Two promises per item.
      code: `
const pending = [];
for (const host of hosts) pending.push(ping(host), resolveDns(host));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // A pushed \`new Promise\` is not a call.
      code: `
const pending = [];
for (const host of hosts) pending.push(new Promise((resolve) => host.once('ready', resolve)));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // A classic for loop has no item to hand to a mapper.
      code: `
const pending = [];
for (let i = 0; i < hosts.length; i++) pending.push(ping(hosts[i]));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // A var loop variable is one binding: the closure sees the last host, an arrow parameter would not.
      code: `
const pending = [];
for (var host of hosts) pending.push(retry(() => ping(host)));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // Work between the loop and Promise.all would run before any ping in the rewrite.
      code: `
const pending = [];
for (const host of hosts) pending.push(ping(host));
log('pinging');
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // The array is not declared right before the loop.
      code: `
const pending = [];
log('pinging');
for (const host of hosts) pending.push(ping(host));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 4, suggestions: [] }],
    },
    {
      // The rewrite would drop the comment.
      code: `
const pending = [];
// Every host, even the disabled ones.
for (const host of hosts) pending.push(ping(host));
await Promise.all(pending);
`,
      errors: [{ messageId: 'unboundedLoop', line: 4, suggestions: [] }],
    },
    {
      // Promise.all(pending) is not the first thing its statement evaluates.
      code: `
const pending = [];
for (const host of hosts) pending.push(ping(host));
const [results] = [log('waiting'), await Promise.all(pending)];
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // The array is a let and reassigned after the loop.
      code: `
let pending = [];
for (const host of hosts) pending.push(ping(host));
await Promise.all(pending);
pending = [];
`,
      errors: [{ messageId: 'unboundedLoop', line: 3, suggestions: [] }],
    },
    {
      // An async IIFE per item in a while loop, with allSettled.
      code: `
async function drain(queue) {
  const jobs = [];
  while (queue.length > 0) {
    const job = queue.shift();
    jobs.push((async () => { await run(job); })());
  }
  return Promise.allSettled(jobs);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 6, data: { combinator: 'allSettled', array: 'jobs' } }],
    },
    {
      // A local async function declaration as the mapper.
      code: `
async function resize(path) { return sharp(path).resize(100).toFile(path + '.thumb'); }
await Promise.all(images.map(resize));
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 3,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
async function resize(path) { return sharp(path).resize(100).toFile(path + '.thumb'); }
await mapConcurrent([...images], 8, (item, index) => resize(item, index));
`,
            },
          ],
        },
      ],
    },
    {
      // Map form in a synchronous function: a throw of the mapper threw from \`loadAll\`, while
      // \`mapConcurrent\` would return a rejected promise. Reported, no suggestion.
      code: `
function loadAll(ids) {
  return Promise.all(ids.map((id) => fetchUser(id)));
}
`,
      errors: [{ messageId: 'unboundedMap', line: 3, suggestions: [] }],
    },
    {
      // Map form at the top level without \`await\`: the same synchronous throw, so no suggestion.
      code: `export const users = Promise.all(ids.map((id) => fetchUser(id)));`,
      errors: [{ messageId: 'unboundedMap', line: 1, suggestions: [] }],
    },
    {
      // The inner \`Promise.all\` is in a synchronous arrow (no suggestion); the outer one is in an async function.
      code: `
async function loadTeams(teams) {
  return Promise.all(teams.map((team) => Promise.all(team.members.map((id) => fetchUser(id)))));
}
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 3,
          column: 10,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
async function loadTeams(teams) {
  return mapConcurrent([...teams], 8, (team) => Promise.all(team.members.map((id) => fetchUser(id))));
}
`,
            },
          ],
        },
        { messageId: 'unboundedMap', line: 3, column: 42, suggestions: [] },
      ],
    },
    {
      // In an async function but not awaited at once: a synchronous throw skipped \`audit()\` and
      // rejected \`sync\`; a rejected \`mapConcurrent\` would let it run. Floating, the rejection
      // would go unhandled. Neither gets a suggestion.
      code: `
async function sync(ids) {
  const all = Promise.all(ids.map((id) => push(id)));
  audit();
  await all;
  Promise.all(ids.map((id) => ping(id)));
}
`,
      errors: [
        { messageId: 'unboundedMap', line: 3, suggestions: [] },
        { messageId: 'unboundedMap', line: 6, suggestions: [] },
      ],
    },
    {
      // \`return\` without \`await\` inside \`try … catch\`: the catch saw a synchronous throw, not a rejection.
      code: `
async function load(ids) {
  try {
    return Promise.all(ids.map((id) => fetchUser(id)));
  } catch (error) {
    return [];
  }
}
`,
      errors: [{ messageId: 'unboundedMap', line: 4, suggestions: [] }],
    },
    {
      // The loop form, returned unawaited inside \`try … catch\`: no suggestion either.
      code: `
async function loadAll(ids) {
  try {
    const users = [];
    for (const id of ids) users.push(fetchUser(id));
    return Promise.all(users);
  } catch {
    return [];
  }
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // Type arguments on \`Promise.all\` would be dropped by the rewrite: no suggestion.
      code: `const users = await Promise.all<Promise<User>[]>(ids.map((id) => fetchUser(id)));`,
      errors: [{ messageId: 'unboundedMap', line: 1, suggestions: [] }],
    },
    {
      // Nor type arguments on \`map\`.
      code: `const users = await Promise.all(ids.map<Promise<User>>((id) => fetchUser(id)));`,
      errors: [{ messageId: 'unboundedMap', line: 1, suggestions: [] }],
    },
    {
      // Nor a cast around the \`map\` call.
      code: `const users = await Promise.all(ids.map((id) => fetchUser(id)) as Promise<User>[]);`,
      errors: [{ messageId: 'unboundedMap', line: 1, suggestions: [] }],
    },
    {
      // A fresh array from \`filter\` is no one else's to change: no snapshot.
      code: `await Promise.all(users.filter((user) => user.active).map((user) => notify(user)));`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 1,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `import { mapConcurrent } from 'cancel-safe';\nawait mapConcurrent(users.filter((user) => user.active), 8, (user) => notify(user));`,
            },
          ],
        },
      ],
    },
  ],
});

commonJsTester.run('no-unbounded-concurrency (CommonJS)', rule, {
  valid: [
    `
      const pLimit = require('p-limit');
      const gate = pLimit(2);
      async function f(ids) { return Promise.all(ids.map((id) => gate(() => get(id)))); }
    `,
  ],
  invalid: [
    {
      // The loop-push rewrite in a CommonJS file: a require, not an import.
      code: `
const db = require('./db');
async function touchAll(rows) {
  const updates = [];
  for (const { id } of rows) {
    updates.push(db.query('UPDATE t SET seen = now() WHERE id = $1', [id]));
  }
  await Promise.all(updates);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 6,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
const db = require('./db');
const { mapConcurrent } = require('cancel-safe');
async function touchAll(rows) {
  await mapConcurrent([...rows], 8, ({ id }) => db.query('UPDATE t SET seen = now() WHERE id = $1', [id]));
}
`,
            },
          ],
        },
      ],
    },
    {
      // A top-level CommonJS binding already named mapConcurrent: the required one is aliased.
      code: `
const { mapConcurrent } = require('./legacy');
async function f(jobs) {
  const running = [];
  for (const job of jobs) running.push(start(job));
  return Promise.all(running);
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 5,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
const { mapConcurrent } = require('./legacy');
const { mapConcurrent: cancelSafeMapConcurrent } = require('cancel-safe');
async function f(jobs) {
  return cancelSafeMapConcurrent([...jobs], 8, (job) => start(job));
}
`,
            },
          ],
        },
      ],
    },
    {
      code: `
const { readFile } = require('node:fs/promises');
async function readAll(paths) {
  return Promise.all(paths.map((p) => readFile(p, 'utf8')));
}
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 4,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
const { readFile } = require('node:fs/promises');
const { mapConcurrent } = require('cancel-safe');
async function readAll(paths) {
  return mapConcurrent([...paths], 8, (p) => readFile(p, 'utf8'));
}
`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-unbounded-concurrency (typed)', rule, {
  valid: [
    // With types, a tuple has a fixed length.
    `
      declare function load(x: string): Promise<string>;
      declare const pair: [string, string];
      export const both = Promise.all(pair.map((x) => load(x)));
    `,
    // With types, a mapper that returns no promise starts no async work.
    `
      declare function parse(x: string): number;
      declare const lines: string[];
      export const values = Promise.all(lines.map(parse));
    `,
  ],
  invalid: [
    {
      // Near miss: the awaited result is used inside a larger expression, which the rewrite does not keep.
      code: `
declare function fetchUser(id: string): Promise<{ name: string }>;
export async function names(ids: Iterable<string>) {
  const users = [];
  for (const id of ids) users.push(fetchUser(id));
  return (await Promise.all(users)).map((user) => user.name);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // \`number | Promise<number>\` is no \`Promise<R>\`: the rewrite would not type-check.
      code: `
declare function cached(id: string): number | Promise<number>;
export async function sizes(ids: string[]) {
  const sizes = [];
  for (const id of ids) sizes.push(cached(id));
  await Promise.all(sizes);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // Nor is a PromiseLike.
      code: `
declare function query(id: string): PromiseLike<number>;
export async function counts(ids: string[]) {
  const counts = [];
  for (const id of ids) counts.push(query(id));
  return Promise.all(counts);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // Nor void.
      code: `
declare function log(id: string): void;
export async function logAll(ids: string[]) {
  const done = [];
  for (const id of ids) done.push(log(id));
  await Promise.all(done);
}
`,
      errors: [{ messageId: 'unboundedLoop', line: 5, suggestions: [] }],
    },
    {
      // A Promise: offered.
      code: `
declare function fetchUser(id: string): Promise<{ name: string }>;
export async function load(ids: Set<string>) {
  const users = [];
  for (const id of ids) users.push(fetchUser(id));
  const loaded = await Promise.all(users);
  return loaded;
}
`,
      errors: [
        {
          messageId: 'unboundedLoop',
          line: 5,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
declare function fetchUser(id: string): Promise<{ name: string }>;
export async function load(ids: Set<string>) {
  const loaded = await mapConcurrent([...ids], 8, (id) => fetchUser(id));
  return loaded;
}
`,
            },
          ],
        },
      ],
    },
    {
      // With types, an imported mapper that returns a promise.
      code: `
import { readFile } from 'node:fs/promises';
declare const paths: string[];
export const all = await Promise.all(paths.map(readFile));
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 4,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { readFile } from 'node:fs/promises';
import { mapConcurrent } from 'cancel-safe';
declare const paths: string[];
export const all = await mapConcurrent([...paths], 8, (item, index) => readFile(item, index));
`,
            },
          ],
        },
      ],
    },
    {
      // Map form, \`number | Promise<number>\` from the mapper: the rewrite would not type-check.
      code: `
declare function cached(id: string): number | Promise<number>;
export async function sizes(ids: string[]) {
  return Promise.all(ids.map((id) => cached(id)));
}
`,
      errors: [{ messageId: 'unboundedMap', line: 4, suggestions: [] }],
    },
    {
      // Map form, a mapper returning a PromiseLike: no suggestion either.
      code: `
declare function query(id: string): PromiseLike<number>;
export async function counts(ids: string[]) {
  return Promise.all(ids.map(query));
}
`,
      errors: [{ messageId: 'unboundedMap', line: 4, suggestions: [] }],
    },
    {
      // Map form, a mapper typed \`any\`: TypeScript accepts it where \`Promise<R>\` is expected.
      code: `
declare const handle: any;
declare const jobs: string[];
export async function runAll() {
  await Promise.all(jobs.map(handle));
}
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 5,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
declare const handle: any;
declare const jobs: string[];
export async function runAll() {
  await mapConcurrent([...jobs], 8, (item, index) => handle(item, index));
}
`,
            },
          ],
        },
      ],
    },
    {
      // Map form with types, an inline async mapper; the typed, still unawaited top-level form gets none.
      code: `
declare function fetchUser(id: string): Promise<{ name: string }>;
export async function load(ids: readonly string[]) {
  return Promise.all(ids.map(async (id) => (await fetchUser(id)).name));
}
export const pending = Promise.all(['a', 'b'].concat(process.argv).map(fetchUser));
`,
      errors: [
        {
          messageId: 'unboundedMap',
          line: 4,
          suggestions: [
            {
              messageId: 'useMapConcurrent',
              output: `
import { mapConcurrent } from 'cancel-safe';
declare function fetchUser(id: string): Promise<{ name: string }>;
export async function load(ids: readonly string[]) {
  return mapConcurrent([...ids], 8, async (id) => (await fetchUser(id)).name);
}
export const pending = Promise.all(['a', 'b'].concat(process.argv).map(fetchUser));
`,
            },
          ],
        },
        { messageId: 'unboundedMap', line: 6, suggestions: [] },
      ],
    },
  ],
});

/**
 * RuleTester only checks that a suggestion parses. These check that the loop-push rewrite
 * type-checks under `strict` against the runtime's own `mapConcurrent` signature, so the item type
 * flows into the arrow's parameter and the results keep the type `Promise.all` gave them.
 */
describe('no-unbounded-concurrency loop-push suggestion output', () => {
  const root = path.resolve(__dirname, '../..');
  const fileName = path.join(root, 'test/rules/fixtures/suggested.ts');

  function applySuggestion(code: string): string {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(
      code,
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tsParser },
          plugins: { 'cancel-safe': { rules: { 'no-unbounded-concurrency': rule as never } } },
          rules: { 'cancel-safe/no-unbounded-concurrency': 'warn' },
        },
      ],
      fileName,
    );
    assert.equal(messages.length, 1, JSON.stringify(messages));
    const fix = messages[0]!.suggestions?.[0]?.fix;
    assert.ok(fix, 'expected a suggestion');
    return code.slice(0, fix.range[0]) + fix.text + code.slice(fix.range[1]);
  }

  const parsed = new Map<string, ts.SourceFile>();

  function typeErrors(code: string): string[] {
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      // The runtime's own lib settings (runtime/tsconfig.json).
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
      types: [],
      baseUrl: root,
      paths: { 'cancel-safe': ['runtime/src/index.ts'] },
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, version, ...rest) => {
      if (name === fileName) return ts.createSourceFile(name, code, version);
      // The libs and the runtime are the same for every case: parse them once.
      let file = parsed.get(name);
      if (!file) {
        file = getSourceFile.call(host, name, version, ...rest);
        if (file) parsed.set(name, file);
      }
      return file;
    };
    host.fileExists = (name) => name === fileName || fileExists.call(host, name);
    host.readFile = (name) => (name === fileName ? code : readFile.call(host, name));
    const program = ts.createProgram([fileName], options, host);
    // Without this the check below could pass on a program that never saw the runtime.
    const runtime = program.getSourceFile(path.join(root, 'runtime/src/map-concurrent.ts'));
    assert.equal(runtime !== undefined, code.includes("from 'cancel-safe'"), 'the runtime import did not resolve to runtime/src');
    return ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  }

  it('keeps the item and result types (result used)', function () {
    this.timeout(60_000);
    const code = `
interface Account { id: string }
declare function sync(account: Account): Promise<{ id: string; ok: boolean }>;
export async function syncAll(accounts: ReadonlySet<Account>): Promise<boolean[]> {
  const pending = [];
  for (const account of accounts) pending.push(sync(account));
  const results = await Promise.all(pending);
  return results.map((result) => result.ok);
}
`;
    assert.deepEqual(typeErrors(code), []);
    const output = applySuggestion(code);
    assert.match(output, /const results = await mapConcurrent\(\[\.\.\.accounts\], 8, \(account\) => sync\(account\)\);/);
    assert.deepEqual(typeErrors(output), []);
  });

  it('keeps a destructured loop variable and a returned Promise.all', function () {
    this.timeout(60_000);
    const code = `
declare const store: { set(key: string, value: number): Promise<void> };
export async function saveAll(entries: Map<string, number>): Promise<void[]> {
  const writes = [];
  for (const [key, value] of entries) {
    writes.push(store.set(key, value));
  }
  return Promise.all(writes);
}
`;
    assert.deepEqual(typeErrors(code), []);
    const output = applySuggestion(code);
    assert.match(output, /return mapConcurrent\(\[\.\.\.entries\], 8, \(\[key, value\]\) => store\.set\(key, value\)\);/);
    assert.deepEqual(typeErrors(output), []);
  });

  it('keeps the types of the map form, snapshot included', function () {
    this.timeout(60_000);
    const code = `
declare function fetchUser(id: string): Promise<{ name: string }>;
export async function names(ids: readonly string[]): Promise<string[]> {
  const users = await Promise.all(ids.map((id) => fetchUser(id)));
  return users.map((user) => user.name);
}
`;
    assert.deepEqual(typeErrors(code), []);
    const output = applySuggestion(code);
    assert.match(output, /const users = await mapConcurrent\(\[\.\.\.ids\], 8, \(id\) => fetchUser\(id\)\);/);
    assert.deepEqual(typeErrors(output), []);
  });

  it('reports a real type error (the check is not vacuous)', function () {
    this.timeout(60_000);
    const errors = typeErrors(`import { mapConcurrent } from 'cancel-safe';\nexport const n: Promise<number[]> = mapConcurrent([1], 8, async (x: string) => x);\n`);
    assert.ok(errors.length > 0 && errors.every((error) => /is not assignable to/.test(error)), errors.join('\n'));
  });
});
