import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { AST_NODE_TYPES } from '../util/ast';
import {
  getEnclosingFunction,
  getEnclosingLoop,
  getMethodName,
  getReceiver,
  isFunctionNode,
  isWithin,
  someNode,
  unwrap,
  walk,
  type LoopNode,
} from '../util/ast';
import { getMapperFunction, isBoundedCollection, isConstantNumber, isReleaseWork, usesLimiter } from '../util/concurrency';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { isGlobal, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    suggestedLimit?: number;
    limiterNames?: string[];
  },
];
export type MessageId = 'unboundedMap' | 'unboundedForEach' | 'unboundedLoop' | 'useMapConcurrent';

const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'any']);
/** Array methods that return a new array (on a string, a new string): nobody else holds the result. */
const FRESH_ARRAY_METHODS = new Set(['map', 'filter', 'flatMap', 'flat', 'slice', 'concat', 'toSorted', 'toReversed', 'toSpliced']);

export default createRule<Options, MessageId>({
  name: 'no-unbounded-concurrency',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow starting one async operation per item of a collection of unknown size all at once',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          suggestedLimit: {
            type: 'integer',
            minimum: 1,
            description: 'The concurrency limit the `mapConcurrent` suggestion writes in.',
          },
          limiterNames: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Your own concurrency limiters (`withDbSlot`, `pool.runTask`): a mapper or loop that calls one of these names is bounded.',
          },
        },
      },
    ],
    messages: {
      unboundedMap:
        '`Promise.{{combinator}}({{collection}}.map(…))` starts one operation per item at once, so a large `{{collection}}` opens that many sockets, queries or file handles together and exhausts pools and rate limits. Bound it with `mapConcurrent()` from cancel-safe or a limiter such as p-limit.',
      unboundedForEach:
        '`{{collection}}.forEach(async …)` starts one operation per item at once and waits for none of them, so a large collection floods the resource and every rejection is unhandled. Use `await mapConcurrent()` from cancel-safe or a `for…of` loop with `await`.',
      unboundedLoop:
        'This loop starts a promise per item without awaiting and `Promise.{{combinator}}({{array}})` runs them all at once, so the number in flight grows with the input. Bound it with `mapConcurrent()` from cancel-safe or await a limiter in the loop.',
      useMapConcurrent: 'Use `mapConcurrent()` from cancel-safe with a limit of {{limit}}.',
    },
  },
  defaultOptions: [{ suggestedLimit: 8, limiterNames: [] }],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    const services = getTypeServices(context);
    const limit = options.suggestedLimit ?? 8;
    const limiterNames = new Set(options.limiterNames ?? []);
    const combinatorCalls = new WeakMap<TSESTree.Node, { name: string; combinator: string; start: number }[]>();

    return {
      // Only calls of these method names can be a combinator, a forEach or a push.
      'CallExpression[callee.type="MemberExpression"][callee.property.name=/^(?:all|allSettled|any|forEach|push)$/]'(node: TSESTree.CallExpression) {
        const combinator = getCombinator(node);
        if (combinator) {
          checkCombinator(node, combinator);
          return;
        }
        if (getMethodName(node) === 'forEach') checkForEach(node);
        else if (getMethodName(node) === 'push') checkLoopPush(node);
      },
    };

    /** `Promise.all`/`allSettled`/`any` (not a shadowed `Promise`) → the method name. */
    function getCombinator(call: TSESTree.CallExpression): string | undefined {
      const method = getMethodName(call);
      if (method === undefined || !PROMISE_COMBINATORS.has(method)) return undefined;
      return isGlobal(resolveOrigin(sourceCode, call.callee), 'Promise', method) ? method : undefined;
    }

    function checkCombinator(call: TSESTree.CallExpression, combinator: string): void {
      const argument = call.arguments[0];
      if (!argument || argument.type === AST_NODE_TYPES.SpreadElement) return;
      const mapCall = unwrap(argument);
      if (mapCall.type !== AST_NODE_TYPES.CallExpression || getMethodName(mapCall) !== 'map') return;
      const collection = getReceiver(mapCall);
      const mapper = mapCall.arguments[0];
      if (!collection || !mapper || mapper.type === AST_NODE_TYPES.SpreadElement) return;
      if (isBounded(collection) || !startsWork(mapper)) return;
      const mapperFunction = getMapperFunction(sourceCode, mapper);
      if (mapperFunction && (usesLimiter(sourceCode, mapperFunction, limiterNames) || isReleaseWork(sourceCode, mapperFunction))) return;

      const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      // Only `all` has mapConcurrent's semantics (results in order, first rejection rejects).
      if (combinator === 'all' && canRewriteMap(call, argument, mapCall, mapper)) {
        suggest.push(mapConcurrentSuggestion(call.range, '', snapshotText(collection), mapperText(mapper)));
      }
      context.report({
        node: call,
        messageId: 'unboundedMap',
        data: { combinator, collection: shortText(collection) },
        suggest,
      });
    }

    /**
     * Whether `Promise.all(xs.map(fn))` may become `mapConcurrent(xs, N, fn)` with nothing changed
     * but how many calls run at once. Withheld when the rewrite would drop type information
     * (`Promise.all<…>`, `xs.map<…>`, a cast around `xs.map(fn)`); unless the call is awaited or
     * returned at once in an async function (or awaited at the top level), since a synchronous
     * throw of `fn` threw from the expression where `mapConcurrent` returns a rejected promise,
     * and only an immediate await or return (outside `try`/`catch`) ends both the same way; and,
     * with types, when `fn` returns anything but a `Promise`, which `mapConcurrent`'s callback
     * type requires.
     */
    function canRewriteMap(
      call: TSESTree.CallExpression,
      argument: TSESTree.Expression,
      mapCall: TSESTree.CallExpression,
      mapper: TSESTree.Expression,
    ): boolean {
      if (mapCall.arguments.length !== 1 || call.typeArguments || mapCall.typeArguments) return false;
      // `xs?.map(fn)` and `xs.map(fn)!` lose nothing; `as`/`satisfies`/`<T>` around it would be dropped.
      let inner: TSESTree.Node = argument;
      while (inner.type === AST_NODE_TYPES.ChainExpression || inner.type === AST_NODE_TYPES.TSNonNullExpression) inner = inner.expression;
      if (inner !== mapCall) return false;
      // Awaited or returned at once, so a rejection lands where the throw did: not left floating
      // or handed on while the function goes on.
      const parent = call.parent;
      const awaited = parent?.type === AST_NODE_TYPES.AwaitExpression;
      const returned =
        (parent?.type === AST_NODE_TYPES.ReturnStatement ||
          (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === call)) &&
        !isCaughtWhenThrown(call);
      const fn = getEnclosingFunction(call);
      if (fn ? !fn.async || !(awaited || returned) : !awaited) return false;
      if (!services) return true;
      const type = services.getTypeAtLocation(mapper);
      if (type.flags & 1 /* Any */) return true;
      const checker = services.program.getTypeChecker();
      const signatures = type.getCallSignatures();
      return signatures.length > 0 && signatures.every((signature) => isPromiseType(checker.getReturnTypeOfSignature(signature)));
    }

    function checkForEach(call: TSESTree.CallExpression): void {
      const collection = getReceiver(call);
      const callback = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
      if (!collection || !callback || !isFunctionNode(callback) || !callback.async) return;
      if (isBounded(collection) || usesLimiter(sourceCode, callback, limiterNames) || isReleaseWork(sourceCode, callback)) return;
      const statement = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
      const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      if (
        statement?.type === AST_NODE_TYPES.ExpressionStatement &&
        call.arguments.length === 1 &&
        getEnclosingFunction(call)?.async === true
      ) {
        suggest.push(mapConcurrentSuggestion(call.range, 'await ', snapshotText(collection), mapperText(callback)));
      }
      context.report({ node: call, messageId: 'unboundedForEach', data: { collection: shortText(collection) }, suggest });
    }

    /**
     * `for (const x of xs) promises.push(work(x));` … `await Promise.all(promises)`, also with
     * several promises pushed per item (`promises.push(read(x), write(x))`).
     */
    function checkLoopPush(call: TSESTree.CallExpression): void {
      const array = getReceiver(call);
      const arrayNode = array ? unwrap(array) : undefined;
      if (arrayNode?.type !== AST_NODE_TYPES.Identifier) return;
      // A spread pushes items we cannot see; they may be settled values or a fixed-size batch.
      if (call.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) return;
      const arguments_ = call.arguments as TSESTree.Expression[];
      const started = arguments_.filter((argument) => isStartedPromise(argument));
      const pushed = arguments_[0];
      if (!pushed || started.length === 0) return;
      const loop = getEnclosingLoop(call);
      if (!loop || isBoundedLoop(loop) || loopAwaits(loop)) return;
      if (arguments_.some((argument) => usesLimiter(sourceCode, argument, limiterNames))) return;
      if (started.every((argument) => isReleaseWork(sourceCode, argument))) return;
      const fn = getEnclosingFunction(call);
      const body = fn ? fn.body : sourceCode.ast;
      const combinator = findCombinatorOver(body, arrayNode.name, loop);
      if (!combinator) return;
      if (checksLength(loop, arrayNode.name)) return;
      const rewrite = combinator === 'all' && arguments_.length === 1 ? loopPushSuggestion(call, arrayNode, pushed, loop) : undefined;
      context.report({
        node: call,
        messageId: 'unboundedLoop',
        data: { combinator, array: arrayNode.name },
        suggest: rewrite ? [rewrite] : [],
      });
    }

    /**
     * The `mapConcurrent` rewrite of `const p = []; for (const x of xs) p.push(f(x)); await Promise.all(p)`,
     * offered only when the three statements say nothing else: `p` is an unannotated `const []`
     * declared right before the loop and used only by the push and by a `Promise.all(p)` without
     * type arguments that the very next statement awaits or returns at once; the loop is an
     * unlabelled `for…of` over a fresh `const`/`let` binding (never `var`: a closure over it sees
     * the last item, where an arrow parameter sees its own) that is never reassigned, and its body
     * is the one push of one call, in an async function (or at the top level of a module with
     * top-level await), where a synchronous throw of the call rejected the same promise the
     * rewrite rejects. With types, the pushed value must be a `Promise`, the only thing
     * `mapConcurrent`'s callback type accepts. The collection is written as a snapshot `[...xs]`
     * (unless it is an array literal), because `for…of` read every item before the next
     * statement ran while `mapConcurrent` reads the next one only when a slot frees. The rewrite
     * then only changes how many calls run at once (and that a failure stops starting new ones,
     * as `mapConcurrent` documents). Comments in the removed text would be lost, so none may be there.
     */
    function loopPushSuggestion(
      push: TSESTree.CallExpression,
      array: TSESTree.Identifier,
      pushed: TSESTree.Expression,
      loop: LoopNode,
    ): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
      if (loop.type !== AST_NODE_TYPES.ForOfStatement || loop.await) return undefined;
      if (unwrap(pushed).type !== AST_NODE_TYPES.CallExpression) return undefined;
      const statement = push.parent;
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      const body = loop.body;
      if (body !== statement && !(body.type === AST_NODE_TYPES.BlockStatement && body.body.length === 1 && body.body[0] === statement)) {
        return undefined;
      }

      // The loop variable becomes the arrow's parameter.
      const left = loop.left;
      if (left.type !== AST_NODE_TYPES.VariableDeclaration || (left.kind !== 'const' && left.kind !== 'let')) return undefined;
      const pattern = left.declarations[0]?.id;
      if (!pattern || left.declarations.length !== 1) return undefined;
      for (const variable of sourceCode.getDeclaredVariables(left)) {
        const ok = variable.references.every((reference) =>
          reference.init === true
            ? isWithin(reference.identifier, pattern)
            : !reference.isWrite() && (isWithin(reference.identifier, pushed) || isWithin(reference.identifier, pattern)),
        );
        if (!ok) return undefined;
      }
      // Both move into an arrow function, where `await` and `yield` are not allowed.
      const movesIntoArrow = (node: TSESTree.Node): boolean =>
        someNode(
          node,
          sourceCode.visitorKeys,
          (child) => child.type === AST_NODE_TYPES.AwaitExpression || child.type === AST_NODE_TYPES.YieldExpression,
          { enterFunctions: false },
        );
      if (movesIntoArrow(pattern) || movesIntoArrow(pushed)) return undefined;

      // `const p = []` right before the loop, `Promise.all(p)` right after it, in one statement list.
      const siblings = getStatementList(loop.parent);
      const index = siblings?.indexOf(loop) ?? -1;
      const declaration = siblings?.[index - 1];
      const after = siblings?.[index + 1];
      if (!siblings || index < 1 || !after || declaration?.type !== AST_NODE_TYPES.VariableDeclaration) return undefined;
      const declarator = declaration.declarations[0];
      if (declaration.kind !== 'const' || declaration.declarations.length !== 1 || !declarator) return undefined;
      const init = declarator.init ? unwrap(declarator.init) : undefined;
      if (declarator.id.type !== AST_NODE_TYPES.Identifier || declarator.id.name !== array.name) return undefined;
      // The rewrite has no place for `const p: Promise<A | B>[]` or `Promise.all<…>(p)`: both would be dropped.
      if (declarator.id.typeAnnotation) return undefined;
      if (init?.type !== AST_NODE_TYPES.ArrayExpression || init.elements.length !== 0) return undefined;
      const waited = getAwaitedCall(after);
      if (!waited) return undefined;
      const { call: combinator, awaited } = waited;
      if (getCombinator(combinator) !== 'all' || combinator.arguments.length !== 1 || combinator.typeArguments) return undefined;
      // In a synchronous function a throw of the call threw from the function; in `mapConcurrent`
      // it becomes a rejection. Only where both end in the same rejected promise is that moot.
      const fn = getEnclosingFunction(loop);
      if (fn ? !fn.async : !awaited) return undefined;
      const argument = combinator.arguments[0]!;
      const variable = sourceCode.getDeclaredVariables(declarator)[0];
      if (!variable) return undefined;
      const uses = variable.references.filter((reference) => reference.init !== true);
      if (uses.length !== 2 || !uses.some((use) => use.identifier === array) || !uses.some((use) => use.identifier === argument)) {
        return undefined;
      }

      const removed: TSESTree.Range = [declaration.range[0], combinator.range[1]];
      const kept = [loop.right, pattern, pushed, { range: [after.range[0], combinator.range[0]] as const }];
      const losesComment = sourceCode
        .getAllComments()
        .some(
          (comment) =>
            comment.range[0] >= removed[0] &&
            comment.range[1] <= removed[1] &&
            !kept.some((node) => comment.range[0] >= node.range[0] && comment.range[1] <= node.range[1]),
        );
      if (losesComment) return undefined;
      // Last, as the one question for the type checker: `mapConcurrent`'s callback returns
      // `Promise<R>`, so `number | Promise<number>`, a `PromiseLike` or `void` would not
      // type-check. `any` does, and the runtime accepts it.
      if (services && !isPromiseType(services.getTypeAtLocation(pushed))) return undefined;

      const pushedText = sourceCode.getText(pushed);
      return mapConcurrentSuggestion(
        removed,
        sourceCode.text.slice(after.range[0], combinator.range[0]),
        snapshotText(loop.right),
        `(${sourceCode.getText(pattern)}) => ${pushedText.startsWith('{') ? `(${pushedText})` : pushedText}`,
      );
    }

    /** `for (const x of [a, b])`, `for (let i = 0; i < 3; i++)`, `i < N` with `const N = 10`, `i < end` with a batch-sized end. */
    function isBoundedLoop(loop: LoopNode): boolean {
      if (loop.type === AST_NODE_TYPES.ForOfStatement || loop.type === AST_NODE_TYPES.ForInStatement) {
        return isBoundedCollection(sourceCode, loop.right);
      }
      if (loop.type === AST_NODE_TYPES.ForStatement && loop.test?.type === AST_NODE_TYPES.BinaryExpression) {
        return isConstantNumber(sourceCode, loop.test.right);
      }
      return false;
    }

    function isBounded(collection: TSESTree.Node): boolean {
      if (isBoundedCollection(sourceCode, collection)) return true;
      if (!services) return false;
      // With types, a tuple has a length fixed at compile time.
      const checker = services.program.getTypeChecker();
      const type = services.getTypeAtLocation(collection);
      return checker.isTupleType(type);
    }

    /** A mapper that starts work: async, returns a call, or (with types) returns a promise. */
    function startsWork(mapper: TSESTree.Node): boolean {
      const fn = getMapperFunction(sourceCode, mapper);
      if (services) {
        const checker = services.program.getTypeChecker();
        const type = services.getTypeAtLocation(mapper);
        if (!(type.flags & (1 | 2))) {
          const signatures = type.getCallSignatures();
          if (signatures.length > 0) {
            return signatures.some((signature) => {
              const returned = checker.getReturnTypeOfSignature(signature);
              if (returned.flags & (1 | 2)) return fn === undefined || functionStartsWork(fn);
              const parts = returned.isUnion() ? returned.types : [returned];
              return parts.some((part) => checker.getPropertyOfType(checker.getApparentType(part), 'then') !== undefined);
            });
          }
        }
      }
      if (fn) return functionStartsWork(fn);
      // A function we cannot see, handed to `.map` inside `Promise.all`: it makes the promises.
      const node = unwrap(mapper);
      return node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression;
    }

    function functionStartsWork(fn: TSESTree.Node): boolean {
      if (!isFunctionNode(fn)) return false;
      if (fn.async) return true;
      if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return isStartedPromise(fn.body);
      let returnsWork = false;
      walk(fn.body, sourceCode.visitorKeys, (child) => {
        if (returnsWork) return false;
        if (child !== fn.body && isFunctionNode(child)) return false;
        if (child.type === AST_NODE_TYPES.ReturnStatement && child.argument && isStartedPromise(child.argument)) returnsWork = true;
        return !returnsWork;
      });
      return returnsWork;
    }

    /** A call, `new Promise(...)` or async IIFE: an expression that starts work right now. */
    function isStartedPromise(expression: TSESTree.Node): boolean {
      const node = unwrap(expression);
      if (node.type === AST_NODE_TYPES.CallExpression) {
        const method = getMethodName(node);
        // `.then/.catch/.finally` chains start nothing themselves; look at what they chain on.
        if ((method === 'then' || method === 'catch' || method === 'finally') && node.callee.type === AST_NODE_TYPES.MemberExpression) {
          return isStartedPromise(node.callee.object);
        }
        if (method === 'resolve' || method === 'reject') return false;
        return true;
      }
      return node.type === AST_NODE_TYPES.NewExpression && isGlobal(resolveOrigin(sourceCode, node.callee), 'Promise');
    }

    /**
     * The one `mapConcurrent` suggestion every form shares: replaces `replaced` with
     * `prefix + mapConcurrent(collection, limit, mapper)` and adds the runtime import the file needs.
     */
    function mapConcurrentSuggestion(
      replaced: TSESTree.Range,
      prefix: string,
      collection: string,
      mapper: string,
    ): TSESLint.SuggestionReportDescriptor<MessageId> {
      return {
        messageId: 'useMapConcurrent',
        data: { limit: String(limit) },
        fix(fixer) {
          const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['mapConcurrent']);
          const text = `${prefix}${runtime.names['mapConcurrent']}(${collection}, ${limit}, ${mapper})`;
          return [...runtime.fixes, fixer.replaceTextRange(replaced, text)];
        },
      };
    }

    /**
     * The collection as `mapConcurrent` should receive it. `for…of`, `xs.map` and `xs.forEach`
     * read every item before the code after them runs; `mapConcurrent` takes the next item only
     * when a slot frees, so code that changes `xs` meanwhile (another task, or the callback itself
     * pushing to `xs`) would change which items run. A snapshot `[...xs]` keeps the original
     * reading; it is left out only for an array nobody else can hold: an array literal, or the
     * fresh result of `Object.keys/values/entries`, `Array.from/of` or an array method that copies.
     */
    function snapshotText(collection: TSESTree.Node): string {
      const text = sourceCode.getText(collection);
      return isFreshArray(unwrap(collection)) ? text : `[...${text}]`;
    }

    function isFreshArray(node: TSESTree.Node): boolean {
      if (node.type === AST_NODE_TYPES.ArrayExpression) return true;
      if (node.type !== AST_NODE_TYPES.CallExpression) return false;
      const method = getMethodName(node);
      if (method !== undefined && FRESH_ARRAY_METHODS.has(method)) return true;
      const origin = resolveOrigin(sourceCode, node.callee);
      return (
        ['keys', 'values', 'entries'].some((name) => isGlobal(origin, 'Object', name)) ||
        isGlobal(origin, 'Array', 'from') ||
        isGlobal(origin, 'Array', 'of')
      );
    }

    /**
     * `mapConcurrent` calls its callback with `(item, index, signal)` where `map` passes
     * `(item, index, array)`: an inline function that takes at most two parameters is reused as is,
     * anything else is wrapped so it still receives exactly `(item, index)`.
     */
    function mapperText(mapper: TSESTree.Node): string {
      const node = unwrap(mapper);
      if (isFunctionNode(node) && node.params.length <= 2) return sourceCode.getText(mapper);
      const callee = node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(mapper) : `(${sourceCode.getText(mapper)})`;
      return `(item, index) => ${callee}(item, index)`;
    }

    /** Whether `loop` (not nested functions) awaits: a loop that awaits is already paced. */
    function loopAwaits(loop: LoopNode): boolean {
      return someNode(loop.body, sourceCode.visitorKeys, (child) => child.type === AST_NODE_TYPES.AwaitExpression, { enterFunctions: false });
    }

    /** `if (promises.length >= n) await Promise.race(promises)`-style pacing inside the loop. */
    function checksLength(loop: LoopNode, name: string): boolean {
      return someNode(
        loop.body,
        sourceCode.visitorKeys,
        (child) =>
          child.type === AST_NODE_TYPES.MemberExpression &&
          child.object.type === AST_NODE_TYPES.Identifier &&
          child.object.name === name &&
          !child.computed &&
          child.property.type === AST_NODE_TYPES.Identifier &&
          child.property.name === 'length',
      );
    }

    /**
     * A `Promise.all/allSettled/any(name)` after `loop` in `body` → the combinator name. The
     * combinator calls of each function body are gathered once and reused for every push in it.
     */
    function findCombinatorOver(body: TSESTree.Node, name: string, loop: LoopNode): string | undefined {
      let calls = combinatorCalls.get(body);
      if (!calls) {
        const found: { name: string; combinator: string; start: number }[] = [];
        walk(body, sourceCode.visitorKeys, (child) => {
          if (child !== body && isFunctionNode(child)) return false;
          if (child.type !== AST_NODE_TYPES.CallExpression) return true;
          const argument = child.arguments[0] ? unwrap(child.arguments[0]) : undefined;
          if (argument?.type !== AST_NODE_TYPES.Identifier) return true;
          const combinator = getCombinator(child);
          if (combinator) found.push({ name: argument.name, combinator, start: child.range[0] });
          return true;
        });
        calls = found;
        combinatorCalls.set(body, calls);
      }
      return calls.find((call) => call.name === name && call.start >= loop.range[1])?.combinator;
    }

    /**
     * The call a statement evaluates first and then at once awaits or returns: `await call;`,
     * `return [await] call;`, `const x = await call;`. A call kept unawaited (`const all = call;`,
     * `call;`) lets the next statements run while it works, and they may change what it reads; an
     * unawaited `return call;` inside `try { … } catch` lets a rejection pass the `catch` that
     * caught a synchronous throw.
     */
    function getAwaitedCall(statement: TSESTree.Node): { call: TSESTree.CallExpression; awaited: boolean } | undefined {
      let expression: TSESTree.Node | null | undefined;
      const returned = statement.type === AST_NODE_TYPES.ReturnStatement;
      if (statement.type === AST_NODE_TYPES.ExpressionStatement) expression = statement.expression;
      else if (returned) expression = statement.argument;
      else if (statement.type === AST_NODE_TYPES.VariableDeclaration && statement.declarations.length === 1) {
        expression = statement.declarations[0]!.init;
      }
      const awaited = expression?.type === AST_NODE_TYPES.AwaitExpression;
      if (expression?.type === AST_NODE_TYPES.AwaitExpression) expression = expression.argument;
      if (expression?.type !== AST_NODE_TYPES.CallExpression || !(awaited || (returned && !isCaughtWhenThrown(statement)))) {
        return undefined;
      }
      return { call: expression, awaited };
    }

    /**
     * Whether `node` sits in a `try` block with a `catch` in its own function. There a synchronous
     * throw was caught, while a returned (not awaited) rejected promise passes the `catch` by.
     */
    function isCaughtWhenThrown(node: TSESTree.Node): boolean {
      for (let child = node, parent = node.parent; parent && !isFunctionNode(parent); child = parent, parent = parent.parent) {
        if (parent.type === AST_NODE_TYPES.TryStatement && parent.block === child && parent.handler) return true;
      }
      return false;
    }

    /**
     * With types: whether a value of `type` may be returned where `Promise<R>` is expected. A
     * union must be promises throughout; `any` is accepted as TypeScript accepts it.
     */
    function isPromiseType(type: ts.Type): boolean {
      if (type.flags & 1 /* Any */) return true;
      if (type.isUnion()) return type.types.every((member) => isPromiseType(member));
      if (type.isIntersection()) return type.types.some((member) => isPromiseType(member));
      const checker = services!.program.getTypeChecker();
      const symbol = checker.getApparentType(type).getSymbol();
      return (
        symbol?.getName() === 'Promise' &&
        (symbol.getDeclarations() ?? []).some((declaration) => services!.program.isSourceFileDefaultLibrary(declaration.getSourceFile()))
      );
    }

    function shortText(node: TSESTree.Node): string {
      const text = sourceCode.getText(unwrap(node)).replace(/\s+/g, ' ');
      return text.length > 40 ? `${text.slice(0, 37)}...` : text;
    }
  },
});



/** The statements of the list that holds `parent`'s children, for a parent that has one. */
function getStatementList(parent: TSESTree.Node | undefined): readonly TSESTree.Node[] | undefined {
  switch (parent?.type) {
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.StaticBlock:
    case AST_NODE_TYPES.TSModuleBlock:
      return parent.body;
    case AST_NODE_TYPES.SwitchCase:
      return parent.consequent;
    default:
      return undefined;
  }
}
