import rule from '../../rules/src/rules/no-unsafe-race';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-unsafe-race', rule, {
  valid: [
    // Promise.all/allSettled wait for every element: nothing loses.
    `await Promise.all([reader.read(), flush()]);`,
    `await Promise.allSettled([it.next(), other()]);`,
    // Timers and cancellation waits take no data.
    `await Promise.race([work(), sleep(100)]);`,
    `await Promise.race([job(), token.cancelled()]);`,
    // A consuming call given a signal: aborting it is the caller's business.
    `await Promise.race([channel.recv({ signal: ac.signal }), stop]);`,
    // Near miss: the hoisted pending read, created outside the loop and re-raced until it settles.
    `
      let pending = reader.read();
      for (;;) {
        const won = await Promise.race([pending, tick()]);
        if (won === pending) pending = reader.read();
      }
    `,
    // Near miss: \`read()\` on something that is not a reader (a Node Readable's read() is synchronous).
    `await Promise.race([file.read(), timeoutPromise]);`,
    // Near miss: a select branch that hands its signal on.
    `
      import { select } from 'cancel-safe';
      await select({ job: (signal) => jobs.recv({ signal }), stop: (s) => token.wait({ signal: s }) });
    `,
    // Near miss: a new Promise waiting for 'abort' takes no data.
    `await Promise.race([work(), new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))]);`,
    // Near miss: a shadowed Promise.
    `const Promise = { race: (xs) => xs[0] }; Promise.race([reader.read(), tick()]);`,
    // Near miss: a variable declared outside the loop is not re-created per iteration.
    `const first = it.next(); while (more) await Promise.race([first, tick()]);`,
    { code: `await Promise.race([queue.take(), stop]);`, options: [{ consumingMethods: ['read'] }] },
    { code: `await Promise.race([new Promise((r) => socket.once('data', r)), stop]);`, options: [{ checkEventPromises: false }] },
  ],
  invalid: [
    {
      code: `
const reader = response.body.getReader();
while (true) {
  const result = await Promise.race([reader.read(), heartbeat()]);
}
`,
      errors: [
        {
          messageId: 'consumingRace',
          line: 4,
          column: 38,
          data: { operation: 'reader.read()' },
          suggestions: [],
        },
      ],
    },
    {
      code: `const it = source[Symbol.asyncIterator]();\nawait Promise.race([it.next(), stopped]);`,
      errors: [{ messageId: 'consumingRace', line: 2, data: { operation: 'it.next()' }, suggestions: [] }],
    },
    {
      code: `await Promise.race([source[Symbol.asyncIterator]().next(), stopped]);`,
      errors: [{ messageId: 'consumingRace', line: 1 }],
    },
    {
      // events.once from node:events, renamed; it can take a signal, so select() is offered.
      code: `
import { once as nextEvent } from 'node:events';
const [message] = await Promise.race([nextEvent(socket, 'message'), shutdown]);
`,
      errors: [
        {
          messageId: 'listenerRace',
          line: 3,
          data: { operation: "nextEvent(socket, 'message')" },
          suggestions: [
            {
              messageId: 'useSelect',
              output: `
import { once as nextEvent } from 'node:events';
import { select } from 'cancel-safe';
const [message] = await select({ branch1: (signal) => nextEvent(socket, 'message', { signal }), branch2: () => shutdown }).then(({ value }) => value);
`,
            },
          ],
        },
      ],
    },
    {
      // The runtime's Channel#recv is unsafe in Promise.race too: losing cancels nothing.
      code: `
import { Channel, sleep } from 'cancel-safe';
const value = await Promise.race([jobs.recv(), sleep(1000)]);
`,
      errors: [
        {
          messageId: 'consumingRace',
          line: 3,
          suggestions: [
            {
              messageId: 'useSelect',
              output: `
import { Channel, sleep, select } from 'cancel-safe';
const value = await select({ branch1: (signal) => jobs.recv({ signal }), branch2: () => sleep(1000) }).then(({ value }) => value);
`,
            },
          ],
        },
      ],
    },
    {
      code: `await Promise.race([new Promise((resolve) => socket.once('data', resolve)), stop]);`,
      errors: [{ messageId: 'listenerRace', data: { operation: 'new Promise(…)' }, suggestions: [] }],
    },
    {
      code: `await Promise.any([new Promise((resolve) => { ws.addEventListener('message', resolve); }), stop]);`,
      errors: [{ messageId: 'listenerRace' }],
    },
    {
      code: `const answer = await Promise.race([rl.question('Name? '), idle]);`,
      errors: [{ messageId: 'consumingRace', data: { operation: "rl.question('Name? ')" } }],
    },
    {
      // A per-iteration variable, through an array spread.
      code: `
for await (const tick of ticks) {
  const next = queue.dequeue();
  await Promise.race([...[next, tick]]);
}
`,
      errors: [{ messageId: 'consumingRaceInLoop', line: 4, data: { name: 'next', operation: 'queue.dequeue()', line: '3' } }],
    },
    {
      code: `await helpers.raceWithTimeout([stream.getReader().read(), 1]);`,
      settings: { 'cancel-safe': { raceHelpers: ['helpers.raceWithTimeout'] } },
      errors: [{ messageId: 'consumingRace' }],
    },
    {
      // Optional chaining on the receiver.
      code: `await Promise.race([this.reader?.read(), this.closed]);`,
      errors: [{ messageId: 'consumingRace' }],
    },
    {
      // A select branch that ignores its signal; the suggestion adds the parameter too.
      code: `
import { select } from 'cancel-safe';
await select({ job: () => jobs.recv(), stop: (signal) => token.wait({ signal }) });
`,
      errors: [
        {
          messageId: 'selectBranchIgnoresSignal',
          line: 3,
          column: 27,
          suggestions: [
            {
              messageId: 'passBranchSignal',
              output: `
import { select } from 'cancel-safe';
await select({ job: (signal) => jobs.recv({ signal }), stop: (signal) => token.wait({ signal }) });
`,
            },
          ],
        },
      ],
    },
    {
      code: `
import * as cs from 'cancel-safe';
await cs.select({ data: async (s) => { const r = await reader.read(); return r; } });
`,
      errors: [{ messageId: 'selectBranchIgnoresSignal', line: 3, suggestions: [] }],
    },
  ],
});

commonJsTester.run('no-unsafe-race (CommonJS)', rule, {
  valid: [`const { once } = require('events'); Promise.race([once(e, 'x', { signal }), t]);`],
  invalid: [
    {
      code: `const { once } = require('events');\nPromise.race([once(emitter, 'ready'), failed]);`,
      errors: [
        {
          messageId: 'listenerRace',
          line: 2,
          suggestions: [
            {
              messageId: 'useSelect',
              output: `const { once } = require('events');\nconst { select } = require('cancel-safe');\nselect({ branch1: (signal) => once(emitter, 'ready', { signal }), branch2: () => failed }).then(({ value }) => value);`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-unsafe-race (typed)', rule, {
  valid: [
    // With types, a next() that does not return a promise (a sync iterator) is not a consuming read.
    `declare const it: Iterator<number>; declare const p: Promise<number>; Promise.race([it.next(), p]);`,
    // With types, read() on something that is not a stream reader is left alone, whatever its name.
    `declare const reader: { read(): Promise<string> }; declare const p: Promise<string>; Promise.race([reader.read(), p]);`,
  ],
  invalid: [
    {
      code: `declare const source: ReadableStream<string>; declare const p: Promise<void>; const r = source.getReader(); Promise.race([r.read(), p]);`,
      errors: [{ messageId: 'consumingRace' }],
    },
    {
      code: `declare const gen: AsyncGenerator<number>; declare const p: Promise<void>; Promise.race([gen.next(), p]);`,
      errors: [{ messageId: 'consumingRace' }],
    },
  ],
});
