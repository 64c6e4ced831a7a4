import rule from '../../rules/src/rules/no-abort-listener-leak';
import { commonJsTester, syntacticTester, typedTester } from './rule-tester';

syntacticTester.run('no-abort-listener-leak', rule, {
  valid: [
    `signal.addEventListener('abort', onAbort, { once: true });`,
    `import { addAbortListener } from 'node:events'; using listener = addAbortListener(signal, onAbort);`,
    // Removed again in the same function.
    `
      async function run(signal) {
        const onAbort = () => socket.destroy();
        signal.addEventListener('abort', onAbort);
        try { await work(); } finally { signal.removeEventListener('abort', onAbort); }
      }
    `,
    // Near miss: removed by another signal when the work is done.
    `function run(signal, done) { signal.addEventListener('abort', onAbort, { signal: done }); }`,
    // Near miss: a method added in one method and removed in another (lifecycle pairs in classes).
    `
      class Conn {
        open(signal) { this.signal = signal; signal.addEventListener('abort', this.onAbort); }
        close() { this.signal.removeEventListener('abort', this.onAbort); }
      }
    `,
    // Near miss: not an abort event.
    `signal.addEventListener('close', onClose);`,
    // Near miss: not a signal (an XMLHttpRequest also fires 'abort').
    `xhr.addEventListener('abort', onAbort);`,
    // Near miss: clearing onabort is not clobbering a handler.
    `signal.onabort = null;`,
    // Options we cannot see into.
    `signal.addEventListener('abort', onAbort, listenerOptions);`,
    { code: `controller.signal.onabort = () => stop();`, options: [{ checkOnabort: false }] },
    `const signal = AbortSignal.timeout(10); signal.addEventListener('abort', () => stop(), { once: true });`,
  ],
  invalid: [
    {
      code: `
async function fetchWithCancel(url, signal) {
  signal.addEventListener('abort', () => request.destroy());
  return request.done;
}
`,
      errors: [
        {
          messageId: 'listenerLeak',
          line: 3,
          column: 3,
          data: { signal: 'signal' },
          suggestions: [
            {
              messageId: 'addOnce',
              output: `
async function fetchWithCancel(url, signal) {
  signal.addEventListener('abort', () => request.destroy(), { once: true });
  return request.done;
}
`,
            },
            {
              messageId: 'useAddAbortListener',
              output: `
import { addAbortListener } from 'node:events';
async function fetchWithCancel(url, signal) {
  using abortListener = addAbortListener(signal, () => request.destroy());
  return request.done;
}
`,
            },
          ],
        },
      ],
    },
    {
      // JavaScript files get a try/finally instead of \`using\`; an existing node:events import is reused.
      filename: 'file.js',
      code: `import { once } from 'node:events';
function watch(signal) {
  signal.addEventListener('abort', onAbort);
  doWork();
  return 1;
}`,
      errors: [
        {
          messageId: 'listenerLeak',
          line: 3,
          suggestions: [
            {
              messageId: 'addOnce',
              output: `import { once } from 'node:events';
function watch(signal) {
  signal.addEventListener('abort', onAbort, { once: true });
  doWork();
  return 1;
}`,
            },
            {
              messageId: 'useAddAbortListener',
              output: `import { once, addAbortListener } from 'node:events';
function watch(signal) {
  const abortListener = addAbortListener(signal, onAbort);
  try {
    doWork();
    return 1;
  } finally {
    abortListener[Symbol.dispose]();
  }
}`,
            },
          ],
        },
      ],
    },
    {
      // Registered last in its block: meant to outlive it, so only \`{ once: true }\` is offered.
      code: `class Job { constructor(signal) { signal.addEventListener('abort', () => this.cancel()); } }`,
      errors: [
        {
          messageId: 'listenerLeak',
          suggestions: [
            { messageId: 'addOnce', output: `class Job { constructor(signal) { signal.addEventListener('abort', () => this.cancel(), { once: true }); } }` },
          ],
        },
      ],
    },
    {
      code: `controller.signal.addEventListener('abort', stop, { passive: true });`,
      errors: [
        {
          messageId: 'listenerLeak',
          data: { signal: 'controller.signal' },
          suggestions: [{ messageId: 'addOnce', output: `controller.signal.addEventListener('abort', stop, { passive: true, once: true });` }],
        },
      ],
    },
    {
      code: `options.signal?.addEventListener('abort', stop, { once: false });`,
      errors: [
        {
          messageId: 'listenerLeak',
          suggestions: [{ messageId: 'addOnce', output: `options.signal?.addEventListener('abort', stop, { once: true });` }],
        },
      ],
    },
    {
      // A const bound to a signal, and a removal of a *different* listener does not count.
      code: `const s = ac.signal; s.addEventListener('abort', a); s.removeEventListener('abort', b);`,
      errors: [
        {
          messageId: 'listenerLeak',
          suggestions: [
            // Top-level code has no block to dispose at the end of: only \`{ once: true }\`.
            { messageId: 'addOnce', output: `const s = ac.signal; s.addEventListener('abort', a, { once: true }); s.removeEventListener('abort', b);` },
          ],
        },
      ],
    },
    {
      code: `function f(parentSignal) { parentSignal.addEventListener(\`abort\`, onAbort, true); }`,
      errors: [{ messageId: 'listenerLeak', suggestions: [] }],
    },
    {
      // A parameter annotated AbortSignal is a signal whatever its name, even without type information.
      code: `function link(parent: AbortSignal, child: AbortController) { parent.onabort = () => child.abort(); }`,
      errors: [
        {
          messageId: 'onabortAssignment',
          data: { signal: 'parent' },
          suggestions: [
            {
              messageId: 'useAddEventListener',
              output: `function link(parent: AbortSignal, child: AbortController) { parent.addEventListener('abort', () => child.abort(), { once: true }); }`,
            },
          ],
        },
      ],
    },
    {
      code: `signal.onabort = () => controller.abort();`,
      errors: [
        {
          messageId: 'onabortAssignment',
          line: 1,
          column: 1,
          suggestions: [
            { messageId: 'useAddEventListener', output: `signal.addEventListener('abort', () => controller.abort(), { once: true });` },
          ],
        },
      ],
    },
    {
      code: `const handler = (signal.onabort = stop);`,
      errors: [{ messageId: 'onabortAssignment', suggestions: [] }],
    },
    {
      code: `function link(parent, child) { parent.signal.onabort = () => child.abort(); }`,
      errors: [
        {
          messageId: 'onabortAssignment',
          data: { signal: 'parent.signal' },
          suggestions: [
            {
              messageId: 'useAddEventListener',
              output: `function link(parent, child) { parent.signal.addEventListener('abort', () => child.abort(), { once: true }); }`,
            },
          ],
        },
      ],
    },
  ],
});

commonJsTester.run('no-abort-listener-leak (CommonJS)', rule, {
  valid: [`const { addAbortListener } = require('events'); function f(signal, fn) { const d = addAbortListener(signal, fn); d[Symbol.dispose](); }`],
  invalid: [
    {
      filename: 'file.cjs',
      code: `const { once } = require('events');\nfunction f(signal) {\n  signal.addEventListener('abort', stop);\n  return run();\n}`,
      errors: [
        {
          messageId: 'listenerLeak',
          line: 3,
          suggestions: [
            { messageId: 'addOnce', output: `const { once } = require('events');\nfunction f(signal) {\n  signal.addEventListener('abort', stop, { once: true });\n  return run();\n}` },
            {
              messageId: 'useAddAbortListener',
              output: `const { once } = require('events');\nconst { addAbortListener } = require('node:events');\nfunction f(signal) {\n  const abortListener = addAbortListener(signal, stop);\n  try {\n    return run();\n  } finally {\n    abortListener[Symbol.dispose]();\n  }\n}`,
            },
          ],
        },
      ],
    },
  ],
});

typedTester.run('no-abort-listener-leak (typed)', rule, {
  valid: [
    // With types, a \`signal\` that is an EventTarget of another kind is not an AbortSignal.
    `declare const signal: EventTarget; signal.addEventListener('abort', () => {});`,
  ],
  invalid: [
    {
      // With types, any AbortSignal counts, whatever its name.
      code: `declare const cancel: AbortSignal; cancel.addEventListener('abort', () => {});`,
      errors: [{ messageId: 'listenerLeak', suggestions: [{ messageId: 'addOnce', output: `declare const cancel: AbortSignal; cancel.addEventListener('abort', () => {}, { once: true });` }] }],
    },
  ],
});
