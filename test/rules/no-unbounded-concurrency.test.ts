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
  return mapConcurrent(ids, 8, (id) => fetchUser(id));
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
const pages = await mapConcurrent(urls, 8, async (url, index) => {
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
              output: `import { mapConcurrent } from 'cancel-safe';\nawait mapConcurrent(files, 16, (item, index) => unlinkFile(item, index));`,
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
  await mc(subscribers, 8, async (subscriber) => {
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
      errors: [{ messageId: 'unboundedLoop', line: 5, data: { combinator: 'all', array: 'pending' } }],
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
await mapConcurrent(images, 8, (item, index) => resize(item, index));
`,
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
  return mapConcurrent(paths, 8, (p) => readFile(p, 'utf8'));
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
      // With types, an imported mapper that returns a promise.
      code: `
import { readFile } from 'node:fs/promises';
declare const paths: string[];
export const all = Promise.all(paths.map(readFile));
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
export const all = mapConcurrent(paths, 8, (item, index) => readFile(item, index));
`,
            },
          ],
        },
      ],
    },
  ],
});
