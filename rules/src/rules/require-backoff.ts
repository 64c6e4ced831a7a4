import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, sourceMayMention } from '../util/ast';
import {
  type FunctionNode,
  getCalleeName,
  getEnclosingFunction,
  getPropertyName,
  isFunctionNode,
  isLoopNode,
  type LoopNode,
  unwrap,
  walk,
} from '../util/ast';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { isGlobal, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { isThenableByType } from '../util/promises';
import { getReleaseScope, getSignalProperty, getTimerPromise, isSetTimeoutCallee } from '../util/timers';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    delayFunctions?: string[];
    checkRecursion?: boolean;
  },
];
export type MessageId = 'noDelay' | 'constantDelay' | 'uncappedDelay' | 'unboundedRetries' | 'useRetry';

type RetryLoop = Exclude<LoopNode, TSESTree.ForInStatement | TSESTree.ForOfStatement>;

/** Names that read as "stop now": a loop that tests one of them is bounded by its owner's shutdown. */
const CANCELLATION_NAME = /abort|signal|cancel|clos|stop|destroy|shut|dispos|running|active|alive|connected|ended|done/i;
/** `Math.*` and number coercions are arithmetic, not a backoff policy we cannot see. */
const ARITHMETIC_CALLEES = new Set(['Math', 'Number', 'parseInt', 'parseFloat']);
/** Delays the server dictates (`Retry-After`, a rate limit's reset time). */
const RETRY_AFTER_NAME = /retry.?after|reset.?after|ratelimit.?reset|backoff/i;
const DEFAULT_RETRIES = 5;
const DEFAULT_MIN_DELAY = 100;
const DEFAULT_MAX_DELAY = 30_000;

export default createRule<Options, MessageId>({
  name: 'require-backoff',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require retries to wait with a growing, capped delay and to stop after a bounded number of attempts',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          delayFunctions: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Extra promise-returning delay helpers, by function or method name (`backoffSleep`), besides `sleep`, `delay`, `wait`, `pause`, `timers/promises` `setTimeout` and `new Promise((r) => setTimeout(r, ms))`.',
          },
          checkRecursion: {
            type: 'boolean',
            description: 'Also check a `catch` that retries by calling the enclosing function again.',
          },
        },
      },
    ],
    messages: {
      noDelay:
        'This retry goes round again at once after a failure: against a dependency that is down it spins the CPU and hammers the dependency exactly when it needs room to recover. Wait between attempts with a growing, capped delay (`retry()` from cancel-safe does it).',
      constantDelay:
        'This retry waits the same `{{delay}}` every time: every client that failed together retries together, in lockstep, so the dependency never gets the room to recover. Grow the delay with each attempt and add jitter, capped (`Math.min(base * 2 ** attempt, max)`, or `retry()` from cancel-safe).',
      uncappedDelay:
        'This retry delay `{{delay}}` grows without a cap: after a long outage it waits minutes or hours (or overflows the 24.8-day timer limit and fires at once), so recovery is not noticed. Cap it (`Math.min(..., 30_000)`), or use `retry()` from cancel-safe with `maxDelay`.',
      unboundedRetries:
        'This retry loop never gives up: there is no attempt limit and no signal check, so a permanent failure retries forever and shutdown cannot stop it. Bound the attempts or check an AbortSignal (`retry()` from cancel-safe takes `retries` and `signal`).',
      useRetry: 'Use `retry()` from cancel-safe with capped exponential backoff.',
    },
  },
  defaultOptions: [{ delayFunctions: [], checkRecursion: true }],
  create(context, [{ delayFunctions = [], checkRecursion = true }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    // Every retry this rule knows goes round from a `catch` (a catch clause or `.catch()`).
    if (!sourceMayMention(sourceCode.text, /catch/)) return {};
    const services = getTypeServices(context);
    const extraDelays = new Set(delayFunctions);

    return {
      'WhileStatement, DoWhileStatement, ForStatement'(loop: RetryLoop) {
        if (isItemLoop(loop)) return;
        const retryTry = findRetryTry(loop);
        if (!retryTry) return;
        const changing = collectWrites(loop);
        const delays = findDelays(loop, loop);
        const delayProblem = classifyDelays(delays, (node) => isChanging(node, changing, loop, true), loop);
        const suggest = delayProblem ? buildSuggestions(loop, retryTry, changing, delays) : [];
        if (delayProblem) {
          context.report({
            node: delayProblem.node ?? loop,
            loc: delayProblem.node ? undefined : headLoc(loop),
            messageId: delayProblem.messageId,
            data: { delay: delayProblem.node ? summarize(sourceCode.getText(delayProblem.node)) : '' },
            suggest,
          } as TSESLint.ReportDescriptor<MessageId>);
        }
        if (isConstantTrue(loop) && !hasBound(loop, changing, delays)) {
          context.report({ node: loop, loc: headLoc(loop), messageId: 'unboundedRetries', suggest: delayProblem ? [] : buildSuggestions(loop, retryTry, changing, delays) });
        }
      },
      CatchClause(clause) {
        if (!checkRecursion) return;
        const fn = getEnclosingFunction(clause);
        if (!fn || getLoopBetween(clause, fn)) return;
        checkRecursiveRetry(fn, clause.body);
      },
      'CallExpression[callee.property.name="catch"]'(call: TSESTree.CallExpression) {
        if (!checkRecursion) return;
        const handler = call.arguments[0] && unwrap(call.arguments[0]);
        const fn = getEnclosingFunction(call);
        if (!fn || !handler || !isFunctionNode(handler)) return;
        checkRecursiveRetry(fn, handler.body);
      },
    };

    /**
     * A loop that walks over items (`i < items.length`, `while (queue.length)`, `while ((x = q.shift()))`)
     * and skips the ones that fail is not a retry: each round works on something new.
     */
    function isItemLoop(loop: RetryLoop): boolean {
      const test = loop.test;
      if (!test) return false;
      let found = false;
      walk(test, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.MemberExpression && ['length', 'size'].includes(getPropertyName(node) ?? '')) found = true;
        if (node.type === AST_NODE_TYPES.CallExpression && ['shift', 'pop', 'next', 'dequeue', 'read', 'receive'].includes(getCalleeName(node) ?? '')) {
          found = true;
        }
        if (node.type === AST_NODE_TYPES.AwaitExpression) found = true;
        return !found;
      });
      return found;
    }

    /**
     * The `try` that makes `loop` a retry: its block leaves the loop unconditionally on success
     * (a top-level `return` or `break`), and its `catch` does not always leave (so a failure goes
     * round again).
     */
    function findRetryTry(loop: RetryLoop): TSESTree.TryStatement | undefined {
      let result: TSESTree.TryStatement | undefined;
      walk(loop.body, sourceCode.visitorKeys, (node) => {
        if (result) return false;
        if (node !== loop.body && (isFunctionNode(node) || isLoopNode(node) || node.type === AST_NODE_TYPES.SwitchStatement)) return false;
        if (node.type !== AST_NODE_TYPES.TryStatement || !node.handler) return true;
        const leavesOnSuccess = node.block.body.some(
          (statement) =>
            statement.type === AST_NODE_TYPES.ReturnStatement ||
            (statement.type === AST_NODE_TYPES.BreakStatement && breaksOut(statement, loop)),
        );
        if (leavesOnSuccess && !alwaysLeaves(node.handler.body, loop)) result = node;
        return true;
      });
      return result;
    }

    function breaksOut(statement: TSESTree.BreakStatement, loop: RetryLoop): boolean {
      if (!statement.label) return true;
      return loop.parent?.type === AST_NODE_TYPES.LabeledStatement && loop.parent.label.name === statement.label.name;
    }

    /** The block ends in an unconditional `throw`/`return`/`break`: the catch never goes round. */
    function alwaysLeaves(block: TSESTree.BlockStatement, loop: RetryLoop): boolean {
      const last = block.body.at(-1);
      if (!last) return false;
      if (last.type === AST_NODE_TYPES.ThrowStatement || last.type === AST_NODE_TYPES.ReturnStatement) return true;
      if (last.type === AST_NODE_TYPES.BreakStatement) return breaksOut(last, loop);
      if (last.type === AST_NODE_TYPES.IfStatement && last.alternate) {
        const branch = (node: TSESTree.Statement) =>
          node.type === AST_NODE_TYPES.BlockStatement
            ? alwaysLeaves(node, loop)
            : node.type === AST_NODE_TYPES.ThrowStatement || node.type === AST_NODE_TYPES.ReturnStatement;
        return branch(last.consequent) && branch(last.alternate);
      }
      return false;
    }

    /** Text of every variable or member written inside `root` (assignments, `++`, `+=`), outside declarations. */
    function collectWrites(root: TSESTree.Node): Set<string> {
      const writes = new Set<string>();
      walk(root, sourceCode.visitorKeys, (node) => {
        if (node !== root && isFunctionNode(node) && !isTimerCallback(node)) return false;
        if (node.type === AST_NODE_TYPES.AssignmentExpression) writes.add(normalize(sourceCode.getText(node.left)));
        if (node.type === AST_NODE_TYPES.UpdateExpression) writes.add(normalize(sourceCode.getText(node.argument)));
        return true;
      });
      return writes;
    }

    /**
     * True when `expression` can differ from one attempt to the next: it reads something written in
     * the loop (the attempt counter, a `delay` doubled in the catch), or a `const` declared inside
     * the loop from such a thing. With `viaLocals` the const initializers are followed.
     */
    function isChanging(expression: TSESTree.Node, changing: ReadonlySet<string>, within: TSESTree.Node, viaLocals: boolean, depth = 0): boolean {
      if (depth > 4) return false;
      let found = false;
      walk(expression, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.MemberExpression || node.type === AST_NODE_TYPES.Identifier) {
          if (changing.has(normalize(sourceCode.getText(node)))) {
            found = true;
            return false;
          }
          if (viaLocals && node.type === AST_NODE_TYPES.Identifier) {
            const init = getLocalInit(node, within);
            if (init && isChanging(init, changing, within, viaLocals, depth + 1)) found = true;
          }
          return node.type === AST_NODE_TYPES.MemberExpression;
        }
        return true;
      });
      return found;
    }

    /** The initializer of a variable declared inside `within` (a per-attempt `const delay = …`). */
    function getLocalInit(identifier: TSESTree.Identifier, within: TSESTree.Node): TSESTree.Expression | undefined {
      const scope = sourceCode.getScope(identifier);
      let variable: TSESLint.Scope.Variable | undefined;
      for (let current: TSESLint.Scope.Scope | null = scope; current && !variable; current = current.upper) {
        variable = current.set.get(identifier.name);
      }
      const definition = variable?.defs[0];
      if (definition?.type !== 'Variable' || definition.node.id.type !== AST_NODE_TYPES.Identifier || !definition.node.init) return undefined;
      if (definition.node.range[0] < within.range[0] || definition.node.range[1] > within.range[1]) return undefined;
      return definition.node.init;
    }

    interface Delay {
      /** The awaited or scheduled timer. */
      readonly node: TSESTree.Node;
      /** Its delay argument, undefined when it cannot be seen. */
      readonly ms: TSESTree.Node | undefined;
      /** The delay helper was given an AbortSignal: an abort ends the wait (and the loop, by throwing). */
      readonly hasSignal: boolean;
    }

    /** Awaited timers (`await sleep(ms)`, `await new Promise((r) => setTimeout(r, ms))`) and `setTimeout(retry, ms)` in `root`. */
    function findDelays(root: TSESTree.Node, scopeNode: TSESTree.Node): Delay[] {
      const delays: Delay[] = [];
      const scope = getReleaseScope(scopeNode);
      walk(root, sourceCode.visitorKeys, (node) => {
        if (node !== root && isFunctionNode(node) && !isTimerCallback(node)) return false;
        if (node.type === AST_NODE_TYPES.AwaitExpression) {
          const awaited = unwrap(node.argument);
          // With types, a `wait()`/`pause()` that returns no promise is not a delay (awaiting it waits for nothing).
          // The syntactic test is the cheap one: the type checker is asked only about a timer it found.
          const syntactic = getTimerPromise(sourceCode, awaited, scope);
          const timer = syntactic && isThenableByType(services, awaited) !== false ? syntactic : undefined;
          if (timer) {
            delays.push({ node: awaited, ms: timer.delay, hasSignal: timer.release !== undefined || hasSignalArgument(timer.node) });
            return false;
          }
          if (awaited.type === AST_NODE_TYPES.CallExpression && extraDelays.has(getCalleeName(awaited) ?? '')) {
            const ms = awaited.arguments[0];
            delays.push({ node: awaited, ms: ms && ms.type !== AST_NODE_TYPES.SpreadElement ? ms : undefined, hasSignal: hasSignalArgument(awaited) });
            return false;
          }
        }
        // `sleep(ms).then(() => retry())` waits just like `await sleep(ms)`.
        if (node.type === AST_NODE_TYPES.CallExpression && getCalleeName(node) === 'then') {
          const receiver = unwrap((unwrap(node.callee) as TSESTree.MemberExpression).object);
          const timer = getTimerPromise(sourceCode, receiver, scope);
          if (timer) delays.push({ node: receiver, ms: timer.delay, hasSignal: timer.release !== undefined || hasSignalArgument(timer.node) });
        }
        if (node.type === AST_NODE_TYPES.CallExpression && isSetTimeoutCallee(sourceCode, node.callee)) {
          const ms = node.arguments[1];
          delays.push({ node, ms: ms && ms.type !== AST_NODE_TYPES.SpreadElement ? ms : undefined, hasSignal: false });
        }
        return true;
      });
      return delays;
    }

    function hasSignalArgument(node: TSESTree.Node): boolean {
      if (node.type !== AST_NODE_TYPES.CallExpression) return false;
      return node.arguments.some((argument) => getSignalProperty(argument) !== undefined || /signal/i.test(sourceCode.getText(argument)));
    }

    /** The callback of `setTimeout(() => …)` or of a `new Promise` executor runs as part of the wait. */
    function isTimerCallback(fn: FunctionNode): boolean {
      const parent = fn.parent;
      if (parent?.type === AST_NODE_TYPES.CallExpression) return isSetTimeoutCallee(sourceCode, parent.callee);
      if (parent?.type === AST_NODE_TYPES.NewExpression) return isGlobal(resolveOrigin(sourceCode, parent.callee), 'Promise');
      return false;
    }

    /** Which delay problem the retry has, if any: none at all, a constant one, or an uncapped growing one. */
    function classifyDelays(
      delays: readonly Delay[],
      changes: (node: TSESTree.Node) => boolean,
      loop: RetryLoop | undefined,
    ): { messageId: 'noDelay' | 'constantDelay' | 'uncappedDelay'; node?: TSESTree.Node } | undefined {
      if (delays.length === 0) return { messageId: 'noDelay' };
      const delay = delays[0]!;
      if (!delay.ms) return undefined;
      const ms = delay.ms;
      // A policy call (`backoff.next()`, `policy.delayFor(attempt)`) decides the delay where we cannot see it.
      if (hasOpaqueCall(ms)) return undefined;
      // `sleep(error.retryAfter * 1000)`: the server said how long to wait; honouring it is the right backoff.
      if (isServerDirected(ms)) return undefined;
      if (!changes(ms)) return { messageId: 'constantDelay', node: ms };
      if (isCapped(ms, loop)) return undefined;
      // Linear growth (`attempt * 1000`) in a loop with an attempt bound stays small; exponential growth never does.
      if (loop && !isExponential(ms, loop) && !isConstantTrue(loop)) return undefined;
      return { messageId: 'uncappedDelay', node: ms };
    }

    function isServerDirected(ms: TSESTree.Node, depth = 0): boolean {
      let found = false;
      walk(ms, sourceCode.visitorKeys, (node) => {
        if (found || depth > 3) return false;
        if (node.type === AST_NODE_TYPES.Identifier) {
          if (RETRY_AFTER_NAME.test(node.name)) found = true;
          else {
            const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
            const definition = variable?.defs[0];
            if (definition?.type === 'CatchClause') found = true;
            else if (definition?.type === 'Variable' && definition.node.init && node.parent?.type !== AST_NODE_TYPES.VariableDeclarator) {
              found = isServerDirected(definition.node.init, depth + 1);
            }
          }
        }
        return !found;
      });
      return found;
    }

    function hasOpaqueCall(expression: TSESTree.Node): boolean {
      let found = false;
      walk(expression, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.CallExpression) {
          const callee = unwrap(node.callee);
          const root = callee.type === AST_NODE_TYPES.MemberExpression ? unwrap(callee.object) : callee;
          if (!(root.type === AST_NODE_TYPES.Identifier && ARITHMETIC_CALLEES.has(root.name))) found = true;
        }
        return !found;
      });
      return found;
    }

    /** `Math.min(…)`, a conditional, or a written variable that is clamped where it is updated. */
    function isCapped(ms: TSESTree.Node, loop: TSESTree.Node | undefined): boolean {
      const scope = loop ?? getEnclosingFunction(ms) ?? ms;
      const clamps = (node: TSESTree.Node, depth = 0): boolean => {
        let found = false;
        walk(node, sourceCode.visitorKeys, (child) => {
          if (found || depth > 4) return false;
          if (child.type === AST_NODE_TYPES.ConditionalExpression) found = true;
          if (child.type === AST_NODE_TYPES.CallExpression) {
            const callee = unwrap(child.callee);
            if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'min') found = true;
          }
          if (child.type === AST_NODE_TYPES.Identifier) {
            const init = getLocalInit(child, scope);
            if (init && clamps(init, depth + 1)) found = true;
          }
          return !found;
        });
        return found;
      };
      if (clamps(ms)) return true;
      // `delay = Math.min(delay * 2, max)` or `if (delay > max) delay = max` where the delay is updated.
      const names = new Set<string>();
      walk(ms, sourceCode.visitorKeys, (node) => {
        if (node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression) names.add(normalize(sourceCode.getText(node)));
        return node.type !== AST_NODE_TYPES.MemberExpression;
      });
      const searchRoot = getEnclosingFunction(scope) ?? scope;
      let capped = false;
      walk(searchRoot, sourceCode.visitorKeys, (node) => {
        if (capped) return false;
        if (node.type === AST_NODE_TYPES.AssignmentExpression && names.has(normalize(sourceCode.getText(node.left)))) {
          if (clamps(node.right)) capped = true;
          if (node.parent?.type === AST_NODE_TYPES.ExpressionStatement) {
            const owner = node.parent.parent?.type === AST_NODE_TYPES.BlockStatement ? node.parent.parent.parent : node.parent.parent;
            if (owner?.type === AST_NODE_TYPES.IfStatement && names.has(normalize(sourceCode.getText(node.left))) && mentions(owner.test, names)) capped = true;
          }
        }
        return !capped;
      });
      return capped;
    }

    /** `2 ** n`, `Math.pow`, `delay * 2` where `delay` is itself updated, `delay *= 2`. */
    function isExponential(ms: TSESTree.Node, loop: TSESTree.Node): boolean {
      let found = false;
      const look = (root: TSESTree.Node) =>
        walk(root, sourceCode.visitorKeys, (node) => {
          if (found) return false;
          if (node.type === AST_NODE_TYPES.BinaryExpression && node.operator === '**') found = true;
          if (node.type === AST_NODE_TYPES.CallExpression && getCalleeName(node) === 'pow') found = true;
          if (node.type === AST_NODE_TYPES.AssignmentExpression && (node.operator === '*=' || node.operator === '**=')) found = true;
          if (node.type === AST_NODE_TYPES.Identifier) {
            const init = getLocalInit(node, loop);
            if (init) look(init);
          }
          return !found;
        });
      look(ms);
      if (found) return true;
      // `delay = delay * 2` / `delay *= 2` anywhere in the loop for a name the delay reads.
      const text = new Set<string>();
      walk(ms, sourceCode.visitorKeys, (node) => {
        if (node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression) text.add(normalize(sourceCode.getText(node)));
        return node.type !== AST_NODE_TYPES.MemberExpression;
      });
      walk(loop, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.AssignmentExpression && text.has(normalize(sourceCode.getText(node.left)))) {
          if (node.operator === '*=' || node.operator === '**=') found = true;
          if (node.operator === '=' && node.right.type === AST_NODE_TYPES.BinaryExpression && (node.right.operator === '*' || node.right.operator === '**')) {
            found = true;
          }
        }
        return !found;
      });
      return found;
    }

    function mentions(expression: TSESTree.Node, names: ReadonlySet<string>): boolean {
      let found = false;
      walk(expression, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if ((node.type === AST_NODE_TYPES.Identifier || node.type === AST_NODE_TYPES.MemberExpression) && names.has(normalize(sourceCode.getText(node)))) {
          found = true;
        }
        return !found;
      });
      return found;
    }

    /** `while (true)`, `while (1)`, `for (;;)`, `do … while (true)`. */
    function isConstantTrue(loop: RetryLoop): boolean {
      if (!loop.test) return true;
      const test = unwrap(loop.test);
      return test.type === AST_NODE_TYPES.Literal && Boolean(test.value);
    }

    /**
     * Something ends the loop besides success: a conditional exit (`if (attempt > 5) throw e`,
     * `if (signal.aborted) return`), a signal check, or a deadline, or a delay that an abort ends.
     */
    function hasBound(loop: RetryLoop, changing: ReadonlySet<string>, delays: readonly Delay[]): boolean {
      if (delays.some((delay) => delay.hasSignal)) return true;
      let bounded = false;
      walk(loop.body, sourceCode.visitorKeys, (node) => {
        if (bounded) return false;
        if (node !== loop.body && isFunctionNode(node)) return false;
        if (node.type === AST_NODE_TYPES.CallExpression && getCalleeName(node) === 'throwIfAborted') bounded = true;
        if (node.type === AST_NODE_TYPES.IfStatement && hasExit(node.consequent, loop) && isBoundTest(node.test, changing)) bounded = true;
        if (
          node.type === AST_NODE_TYPES.ThrowStatement &&
          node.parent?.type === AST_NODE_TYPES.BlockStatement &&
          node.parent.parent?.type === AST_NODE_TYPES.CatchClause
        ) {
          // A `throw` straight in the catch after a conditional `continue` (`if (n < 3) continue; throw e`).
          const siblings = node.parent.body;
          bounded = siblings.some(
            (sibling) => sibling.type === AST_NODE_TYPES.IfStatement && isBoundTest(sibling.test, changing) && hasContinue(sibling.consequent),
          );
        }
        return !bounded;
      });
      return bounded;
    }

    function isBoundTest(test: TSESTree.Node, changing: ReadonlySet<string>): boolean {
      if (isChanging(test, changing, test, false)) return true;
      let found = false;
      walk(test, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (node.type === AST_NODE_TYPES.Identifier && CANCELLATION_NAME.test(node.name)) found = true;
        if (node.type === AST_NODE_TYPES.MemberExpression && CANCELLATION_NAME.test(getPropertyName(node) ?? '')) found = true;
        if (node.type === AST_NODE_TYPES.CallExpression && /now|elapsed|deadline|expired/i.test(getCalleeName(node) ?? '')) found = true;
        if (node.type === AST_NODE_TYPES.Identifier && /deadline|elapsed|until|expire|timeout|attempt|retr|tries|count/i.test(node.name)) found = true;
        return !found;
      });
      return found;
    }

    function hasExit(statement: TSESTree.Statement, loop: RetryLoop): boolean {
      let found = false;
      walk(statement, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (isFunctionNode(node)) return false;
        if (node.type === AST_NODE_TYPES.ThrowStatement || node.type === AST_NODE_TYPES.ReturnStatement) found = true;
        if (node.type === AST_NODE_TYPES.BreakStatement && breaksOut(node, loop)) found = true;
        return !found;
      });
      return found;
    }

    function hasContinue(statement: TSESTree.Statement): boolean {
      return statement.type === AST_NODE_TYPES.ContinueStatement || (statement.type === AST_NODE_TYPES.BlockStatement && statement.body.some((s) => s.type === AST_NODE_TYPES.ContinueStatement));
    }

    /**
     * `catch (e) { return fetchWithRetry(url, attempt + 1) }` or `setTimeout(() => this.connect(), ms)`:
     * the function calls itself again from its failure path.
     */
    function checkRecursiveRetry(fn: FunctionNode, handlerBody: TSESTree.Node): void {
      const selfCall = findSelfCall(fn, handlerBody);
      if (!selfCall) return;
      const params = new Map<string, number>();
      fn.params.forEach((param, index) => {
        const id = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
        if (id.type === AST_NODE_TYPES.Identifier) params.set(id.name, index);
      });
      // A retry calls itself with the same inputs and at most a counter or delay moved on; a call
      // with a new input (`find(resolve(dir, '..'))`, `load(next)`) is a search or a walk, not a retry.
      const isRetryOfSameInput = selfCall.arguments.every((argument, index) => {
        const param = fn.params[index];
        const id = param?.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
        return id?.type === AST_NODE_TYPES.Identifier && isSameOrArithmetic(argument, id.name);
      });
      if (!isRetryOfSameInput) return;
      // A parameter passed on changed (`attempt + 1`, `delay * 2`) or state written in the failure path changes per attempt.
      const changing = collectWrites(handlerBody);
      for (const [name, index] of params) {
        const argument = selfCall.arguments[index];
        if (argument && normalize(sourceCode.getText(argument)) !== name) changing.add(name);
      }
      const delays = findDelays(handlerBody, handlerBody);
      const problem = classifyDelays(delays, (node) => isChanging(node, changing, fn, true), undefined);
      if (!problem) return;
      context.report({
        node: problem.node ?? selfCall,
        messageId: problem.messageId,
        data: { delay: problem.node ? summarize(sourceCode.getText(problem.node)) : '' },
      });
    }

    function findSelfCall(fn: FunctionNode, root: TSESTree.Node): TSESTree.CallExpression | undefined {
      const name = getFunctionName(fn);
      if (!name) return undefined;
      let found: TSESTree.CallExpression | undefined;
      walk(root, sourceCode.visitorKeys, (node) => {
        if (found) return false;
        if (node !== root && isFunctionNode(node) && !isTimerCallback(node) && !isPromiseCallback(node)) return false;
        if (node.type !== AST_NODE_TYPES.CallExpression) return true;
        const callee = unwrap(node.callee);
        if (name.kind === 'function' && callee.type === AST_NODE_TYPES.Identifier && callee.name === name.name) found = node;
        if (
          name.kind === 'method' &&
          callee.type === AST_NODE_TYPES.MemberExpression &&
          callee.object.type === AST_NODE_TYPES.ThisExpression &&
          getPropertyName(callee) === name.name
        ) {
          found = node;
        }
        return !found;
      });
      return found;
    }

    function isPromiseCallback(fn: FunctionNode): boolean {
      const parent = fn.parent;
      return parent?.type === AST_NODE_TYPES.CallExpression && ['then', 'catch', 'finally'].includes(getCalleeName(parent) ?? '');
    }

    /**
     * The replacement for the two common shapes: `try { return await op(); }` and
     * `try { x = await op(); break; }`, with a catch that only counts, waits and rethrows on
     * the attempt limit. Anything else (logging, error filtering) would be lost, so no suggestion.
     */
    function buildSuggestions(
      loop: RetryLoop,
      retryTry: TSESTree.TryStatement,
      changing: ReadonlySet<string>,
      delays: readonly Delay[],
    ): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      const body = loop.body.type === AST_NODE_TYPES.BlockStatement ? loop.body.body : [loop.body];
      if (body[0] !== retryTry || !body.slice(1).every((statement) => isDelayStatement(statement, delays))) return [];
      if (retryTry.finalizer) return [];
      const block = retryTry.block.body;
      let operation: TSESTree.Expression;
      let template: (call: string) => string;
      if (block.length === 1 && block[0]!.type === AST_NODE_TYPES.ReturnStatement && block[0]!.argument) {
        operation = block[0]!.argument;
        template = (call) => `return ${call};`;
      } else if (
        block.length === 2 &&
        block[0]!.type === AST_NODE_TYPES.ExpressionStatement &&
        block[1]!.type === AST_NODE_TYPES.BreakStatement &&
        !block[1]!.label
      ) {
        const expression = block[0]!.expression;
        if (expression.type === AST_NODE_TYPES.AssignmentExpression && expression.operator === '=') {
          operation = expression.right;
          const target = sourceCode.getText(expression.left);
          template = (call) => `${target} = ${call};`;
        } else {
          operation = expression;
          template = (call) => `${call};`;
        }
      } else return [];
      const awaited = unwrap(operation);
      if (awaited.type !== AST_NODE_TYPES.AwaitExpression) return [];
      const op = awaited.argument;
      if (isChanging(op, changing, loop, false)) return [];
      for (const statement of retryTry.handler!.body.body) {
        if (isDelayStatement(statement, delays)) continue;
        if (statement.type === AST_NODE_TYPES.ExpressionStatement && isCounterUpdate(statement.expression, changing)) continue;
        if (statement.type === AST_NODE_TYPES.IfStatement && !statement.alternate && isThrowOnly(statement.consequent) && isChanging(statement.test, changing, loop, false)) {
          continue;
        }
        return [];
      }
      const options = retryOptions(loop, delays);
      return [
        {
          messageId: 'useRetry',
          fix(fixer) {
            const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['retry']);
            const call = `await ${runtime.names['retry']}(() => ${sourceCode.getText(op)}, ${options})`;
            const target = loop.parent?.type === AST_NODE_TYPES.LabeledStatement ? loop.parent : loop;
            return [...runtime.fixes, fixer.replaceText(target, template(call))];
          },
        },
      ];
    }

    function isDelayStatement(statement: TSESTree.Statement, delays: readonly Delay[]): boolean {
      return (
        statement.type === AST_NODE_TYPES.ExpressionStatement &&
        statement.expression.type === AST_NODE_TYPES.AwaitExpression &&
        delays.some((delay) => delay.node === unwrap((statement.expression as TSESTree.AwaitExpression).argument))
      );
    }

    function isCounterUpdate(expression: TSESTree.Expression, changing: ReadonlySet<string>): boolean {
      if (expression.type === AST_NODE_TYPES.UpdateExpression) return true;
      return expression.type === AST_NODE_TYPES.AssignmentExpression && changing.has(normalize(sourceCode.getText(expression.left))) && !hasOpaqueCall(expression.right);
    }

    function isThrowOnly(statement: TSESTree.Statement): boolean {
      if (statement.type === AST_NODE_TYPES.ThrowStatement) return true;
      return statement.type === AST_NODE_TYPES.BlockStatement && statement.body.length === 1 && statement.body[0]!.type === AST_NODE_TYPES.ThrowStatement;
    }

    /** `{ retries, minDelay, maxDelay, jitter: true }` from what the loop shows, defaults otherwise. */
    function retryOptions(loop: RetryLoop, delays: readonly Delay[]): string {
      let retries = DEFAULT_RETRIES;
      // `for (let i = 0; i < 3; i++)` or `let n = 0; while (n < 8)`: that many attempts, one fewer retries.
      if (loop.type !== AST_NODE_TYPES.DoWhileStatement && loop.test?.type === AST_NODE_TYPES.BinaryExpression) {
        const limit = numberValue(loop.test.right);
        const declarator = loop.type === AST_NODE_TYPES.ForStatement && loop.init?.type === AST_NODE_TYPES.VariableDeclaration ? loop.init.declarations[0] : undefined;
        const start = declarator?.init ? numberValue(declarator.init) : initialValue(loop.test.left);
        if (limit !== undefined && start !== undefined) {
          const attempts = limit - start + (loop.test.operator === '<=' ? 1 : 0);
          if ((loop.test.operator === '<' || loop.test.operator === '<=') && attempts >= 1) retries = attempts - 1;
        }
      }
      let minDelay = DEFAULT_MIN_DELAY;
      let maxDelay = DEFAULT_MAX_DELAY;
      const ms = delays[0]?.ms;
      if (ms) {
        const literal = numberValue(ms) ?? initialValue(ms);
        if (literal !== undefined && literal > 0) minDelay = literal;
        walk(ms, sourceCode.visitorKeys, (node) => {
          if (node.type === AST_NODE_TYPES.CallExpression && getPropertyName(unwrap(node.callee) as TSESTree.MemberExpression) === 'min') {
            for (const argument of node.arguments) {
              const value = numberValue(argument);
              if (value !== undefined) maxDelay = value;
            }
          }
          return true;
        });
      }
      if (maxDelay < minDelay) maxDelay = minDelay;
      return `{ retries: ${retries}, minDelay: ${format(minDelay)}, maxDelay: ${format(maxDelay)}, jitter: true }`;
    }

    function initialValue(node: TSESTree.Node): number | undefined {
      const expression = unwrap(node);
      if (expression.type !== AST_NODE_TYPES.Identifier) return undefined;
      const scope = sourceCode.getScope(expression);
      let variable: TSESLint.Scope.Variable | undefined;
      for (let current: TSESLint.Scope.Scope | null = scope; current && !variable; current = current.upper) variable = current.set.get(expression.name);
      const definition = variable?.defs[0];
      return definition?.type === 'Variable' && definition.node.init ? numberValue(definition.node.init) : undefined;
    }

    function headLoc(loop: RetryLoop): TSESTree.SourceLocation {
      const first = sourceCode.getFirstToken(loop)!;
      return { start: first.loc.start, end: first.loc.end };
    }
  },
});

/** `x`, `x + 1`, `x - 1`, `x * 2`, `Math.min(x * 2, max)`, `++x`: the same input, moved on by arithmetic. */
function isSameOrArithmetic(argument: TSESTree.Node, name: string): boolean {
  let readsParam = false;
  let other = false;
  const visit = (node: TSESTree.Node): void => {
    const expression = unwrap(node);
    switch (expression.type) {
      case AST_NODE_TYPES.Identifier:
        if (expression.name === name) readsParam = true;
        else other = true;
        return;
      case AST_NODE_TYPES.Literal:
        return;
      case AST_NODE_TYPES.BinaryExpression:
        visit(expression.left);
        visit(expression.right);
        return;
      case AST_NODE_TYPES.UpdateExpression:
        visit(expression.argument);
        return;
      case AST_NODE_TYPES.CallExpression: {
        const callee = unwrap(expression.callee);
        if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === 'Math') {
          expression.arguments.forEach(visit);
          return;
        }
        other = true;
        return;
      }
      default:
        other = true;
    }
  };
  visit(argument);
  // A named constant beside the parameter (`Math.min(delay * 2, MAX)`) is still arithmetic on it.
  return readsParam && (!other || unwrap(argument).type !== AST_NODE_TYPES.Identifier);
}

function getLoopBetween(node: TSESTree.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (isLoopNode(current)) return true;
  }
  return false;
}

function getFunctionName(fn: FunctionNode): { kind: 'function' | 'method'; name: string } | undefined {
  if (fn.id) return { kind: 'function', name: fn.id.name };
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return { kind: 'function', name: parent.id.name };
  if ((parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.PropertyDefinition) && parent.key.type === AST_NODE_TYPES.Identifier) {
    return { kind: 'method', name: parent.key.name };
  }
  return undefined;
}

function numberValue(node: TSESTree.Node): number | undefined {
  const expression = unwrap(node);
  return expression.type === AST_NODE_TYPES.Literal && typeof expression.value === 'number' ? expression.value : undefined;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, '').replace(/\?\./g, '.');
}

function format(value: number): string {
  return value >= 10_000 ? value.toLocaleString('en-US').replace(/,/g, '_') : String(value);
}

function summarize(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 50 ? `${oneLine.slice(0, 47)}...` : oneLine;
}
