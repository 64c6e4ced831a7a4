import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '../util/ast';
import {
  getEnclosingFunction,
  getEnclosingLoop,
  getMethodName,
  getPropertyName,
  getReceiver,
  someNode,
  unwrap,
  walk,
  type FunctionNode,
  type LoopNode,
} from '../util/ast';
import { createRule } from '../util/create-rule';
import { importFromBuiltin } from '../util/module-imports';
import { getWritableKind } from '../util/streams';
import { getTimerPromise } from '../util/timers';
import { isConstantNumber } from '../util/concurrency';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    handlerEvents?: string[];
    checkWebStreams?: boolean;
  },
];
export type MessageId = 'writeResultIgnored' | 'writerNotAwaited' | 'awaitDrain' | 'pauseSource' | 'awaitWrite';

/** Members whose use shows the code already watches the writable's buffer. */
const BACKPRESSURE_MEMBERS = new Set(['writableNeedDrain', 'writableLength', 'writableHighWaterMark', 'bufferSize', 'desiredSize', 'ready']);
const LISTENER_METHODS = new Set(['on', 'addListener', 'prependListener', 'addEventListener']);

export default createRule<Options, MessageId>({
  name: 'no-ignored-backpressure',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow writing to a stream in a loop or data handler while ignoring its backpressure signal',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          handlerEvents: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Events whose listeners fire once per incoming chunk or message, so a `write` in them is a producer loop (`on(event, …)`, `addEventListener(event, …)`).',
          },
          checkWebStreams: {
            type: 'boolean',
            description: 'Also report WHATWG `writer.write(chunk)` calls in loops that neither await the write nor `writer.ready`.',
          },
        },
      },
    ],
    messages: {
      writeResultIgnored:
        '`{{writer}}.write()` returns false when its buffer is full, but this {{where}} ignores it and keeps writing, so a slow reader makes the buffer (and memory) grow without limit. Wait for `drain` when `write()` returns false, or use `stream.pipeline`.',
      writerNotAwaited:
        '`{{writer}}.write()` is neither awaited nor preceded by `await {{writer}}.ready` in this loop, so chunks queue in the stream without limit when the sink is slow. Await the write or `{{writer}}.ready`.',
      awaitDrain: "Wait for `drain` when `write()` returns false (`if (!w.write(c)) await once(w, 'drain')`).",
      pauseSource: 'Pause `{{source}}` until `{{writer}}` drains.',
      awaitWrite: 'Await the write.',
    },
  },
  defaultOptions: [
    {
      handlerEvents: ['data', 'message', 'line', 'readable', 'chunk', 'row', 'record', 'packet', 'frame'],
      checkWebStreams: true,
    },
  ],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const services = getTypeServices(context);
    const handlerEvents = new Set(options.handlerEvents);
    const checkWebStreams = options.checkWebStreams !== false;

    return {
      // The selector keeps the listener off the hot path: only `x.write(...)` calls reach it.
      'CallExpression[callee.type="MemberExpression"][callee.property.name="write"]'(node: TSESTree.CallExpression) {
        if (getMethodName(node) !== 'write') return;
        const receiver = getReceiver(node);
        if (!receiver || receiver.type === AST_NODE_TYPES.Super) return;
        const statement = getIgnoringStatement(node);
        if (!statement) return;

        const loop = getEnclosingLoop(node);
        const handler = getRepeatingHandler(node);
        if (!loop && !handler) return;
        if (loop && (isBoundedLoop(sourceCode, loop) || awaitsTimer(loop))) return;
        // `socket.on('data', () => socket.write(reply))` answers requests on the stream they came
        // from: the peer that sends faster than it reads fills its own connection, and pausing the
        // source would stall the protocol (undici's and node-postgres's test servers do this).
        if (handler?.source && sourceCode.getText(handler.source) === sourceCode.getText(unwrap(receiver))) return;

        const kind = getWritableKind(sourceCode, services, receiver);
        if (!kind) return;
        if (kind === 'whatwg' && (!checkWebStreams || !loop)) return;
        const region: TSESTree.Node = handler ? handler.fn.body : loop!.body;
        if (watchesBackpressure(region)) return;

        const writer = sourceCode.getText(unwrap(receiver));
        const fn = getEnclosingFunction(node);
        if (kind === 'whatwg') {
          context.report({
            node,
            messageId: 'writerNotAwaited',
            data: { writer },
            suggest: canAwaitHere(fn) ? [{ messageId: 'awaitWrite', fix: (fixer) => fixer.insertTextBefore(node, 'await ') }] : [],
          });
          return;
        }
        const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
        const callText = sourceCode.getText(node);
        const canDuplicate = isSimpleReference(unwrap(receiver));
        if (loop && canDuplicate && canAwaitHere(fn) && statement.type === AST_NODE_TYPES.ExpressionStatement) {
          suggest.push({
            messageId: 'awaitDrain',
            fix(fixer) {
              const events = importFromBuiltin(fixer, sourceCode, 'events', ['once']);
              return [...events.fixes, fixer.replaceText(statement, `if (!${callText}) await ${events.names['once']}(${writer}, 'drain');`)];
            },
          });
        }
        if (
          !loop &&
          handler?.event === 'data' &&
          handler.source &&
          canDuplicate &&
          isSimpleReference(handler.source) &&
          statement.type === AST_NODE_TYPES.ExpressionStatement
        ) {
          const source = sourceCode.getText(handler.source);
          suggest.push({
            messageId: 'pauseSource',
            data: { source, writer },
            fix: (fixer) =>
              fixer.replaceText(
                statement,
                `if (!${callText}) {\n${indentOf(statement)}  ${source}.pause();\n${indentOf(statement)}  ${writer}.once('drain', () => ${source}.resume());\n${indentOf(statement)}}`,
              ),
          });
        }
        context.report({
          node,
          messageId: 'writeResultIgnored',
          data: { writer, where: handler ? `\`${handler.event}\` handler` : 'loop' },
          suggest,
        });
      },
    };

    /** A loop that sleeps between writes (`await sleep(10)`, `await new Promise((r) => setTimeout(r))`) is paced by the timer. */
    function awaitsTimer(loop: LoopNode): boolean {
      return someNode(
        loop.body,
        sourceCode.visitorKeys,
        (child) => child.type === AST_NODE_TYPES.AwaitExpression && getTimerPromise(sourceCode, child.argument, loop) !== undefined,
        { enterFunctions: false },
      );
    }

    /** Whether the loop or handler already looks at the buffer (`drain`, `writableNeedDrain`, `await w.ready`). */
    function watchesBackpressure(region: TSESTree.Node): boolean {
      let found = false;
      walk(region, sourceCode.visitorKeys, (child) => {
        if (found) return false;
        if (child.type === AST_NODE_TYPES.Literal && child.value === 'drain') found = true;
        else if (child.type === AST_NODE_TYPES.MemberExpression) {
          const name = getPropertyName(child);
          if (name !== undefined && BACKPRESSURE_MEMBERS.has(name)) found = true;
        }
        return !found;
      });
      return found;
    }

    /** The listener function directly around `node` when it listens to a repeating event. */
    function getRepeatingHandler(
      node: TSESTree.Node,
    ): { fn: FunctionNode; event: string; source: TSESTree.Node | undefined } | undefined {
      const fn = getEnclosingFunction(node);
      const call = fn?.parent;
      if (!fn || call?.type !== AST_NODE_TYPES.CallExpression || call.arguments[1] !== fn) return undefined;
      const method = getMethodName(call);
      if (method === undefined || !LISTENER_METHODS.has(method)) return undefined;
      const event = call.arguments[0];
      if (event?.type !== AST_NODE_TYPES.Literal || typeof event.value !== 'string' || !handlerEvents.has(event.value)) {
        return undefined;
      }
      const source = getReceiver(call);
      return { fn, event: event.value, source: source ? unwrap(source) : undefined };
    }
  },
});

/** The statement that throws the write's result away (`w.write(c);`, `w?.write(c);`, `void w.write(c);`), if any. */
function getIgnoringStatement(call: TSESTree.CallExpression): TSESTree.Node | undefined {
  let current: TSESTree.Node = call;
  if (current.parent?.type === AST_NODE_TYPES.ChainExpression) current = current.parent;
  const parent = current.parent;
  if (parent?.type === AST_NODE_TYPES.ExpressionStatement) return parent;
  if (parent?.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void') return parent;
  return undefined;
}

/**
 * `for (const x of [a, b, c])`, `for (let i = 0; i < 5; i++)`, `i < N` with `const N = 10`: a
 * number of writes known at the call site cannot flood a buffer.
 */
function isBoundedLoop(sourceCode: Readonly<TSESLint.SourceCode>, loop: LoopNode): boolean {
  if (loop.type === AST_NODE_TYPES.ForOfStatement || loop.type === AST_NODE_TYPES.ForInStatement) {
    return unwrap(loop.right).type === AST_NODE_TYPES.ArrayExpression;
  }
  if (loop.type !== AST_NODE_TYPES.ForStatement || loop.test?.type !== AST_NODE_TYPES.BinaryExpression) return false;
  return isConstantNumber(sourceCode, loop.test.right);
}

/** Only inside an async function may a fix add `await` (top level may be CommonJS or a script). */
function canAwaitHere(fn: FunctionNode | undefined): boolean {
  return fn?.async === true;
}

/** `w`, `this.w`, `a.b.c`: receivers that can be repeated in a fix without running code twice. */
function isSimpleReference(node: TSESTree.Node): boolean {
  const unwrapped = unwrap(node);
  if (unwrapped.type === AST_NODE_TYPES.Identifier || unwrapped.type === AST_NODE_TYPES.ThisExpression) return true;
  return (
    unwrapped.type === AST_NODE_TYPES.MemberExpression &&
    !unwrapped.computed &&
    !unwrapped.optional &&
    isSimpleReference(unwrapped.object)
  );
}

function indentOf(node: TSESTree.Node): string {
  return ' '.repeat(node.loc.start.column);
}
