import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, type FunctionNode, getCalleeName, getEnclosingFunction, getPropertyName, isFunctionNode, someNode, unwrap } from '../util/ast';
import { createRule } from '../util/create-rule';
import {
  functionReturnsPromise,
  getLocalFunction,
  isInPromiseExecutor,
  isPromiseExpression,
  isThenableByType,
  PROMISE_METHODS,
} from '../util/promises';
import { isGlobal, resolveOrigin } from '../util/references';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    trackers?: string[];
  },
];
export type MessageId = 'untrackedTask' | 'spawnInTracker';

/** Methods of the runtime's `TaskTracker` / `JoinSet` (and look-alikes) that take ownership of a task. */
const TRACKER_METHODS = new Set(['spawn', 'track']);
const TRACKER_CLASSES = new Set(['TaskTracker', 'JoinSet']);
/** Conventional names of a completion callback that a promise is bridged to. */
const CALLBACK_NAME = /^(?:cb|callback|done|next|resolve|reject)$|(?:Callback|Cb)$/;

export default createRule<Options, MessageId>({
  name: 'no-untracked-task',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Disallow detaching async work with `void` or a bare `.then()`/`.catch()` where shutdown cannot wait for it',
      recommended: false,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          trackers: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Extra callees that take ownership of a task so shutdown can wait for it, matched against the callee text (`ctx.waitUntil`, `this.pending.add`) or, for a name without a dot, the function or method name (`waitUntil`). `.spawn()` and `.track()` are always trackers.',
          },
        },
      },
    ],
    messages: {
      untrackedTask:
        '`{{task}}` is detached: nothing keeps hold of this promise, so a graceful shutdown cannot wait for it and a deploy cuts the work off midway. Hand it to a tracker (`tracker.spawn(() => …)` from cancel-safe) that shutdown waits on, or await it.',
      spawnInTracker: 'Hand the task to `{{tracker}}.spawn()`.',
    },
  },
  defaultOptions: [{ trackers: [] }],
  create(context, [{ trackers = [] }]) {
    const sourceCode = context.sourceCode;
    const services = getTypeServices(context);
    const extraTrackers = new Set(trackers.map((name) => name.replace(/\s+/g, '').replace(/\?\./g, '.')));

    // Narrow selectors keep the per-statement cost in ESLint's indexed selector matching: most
    // statements are neither `void …` nor a `.then/.catch/.finally` chain.
    return {
      [[
        'ExpressionStatement > UnaryExpression[operator="void"]',
        'ExpressionStatement > CallExpression[callee.property.name=/^(?:then|catch|finally)$/]',
        // What `unwrap` sees through: `?.`, `as`, `!`, `satisfies`, `<T>`.
        'ExpressionStatement > ChainExpression',
        'ExpressionStatement > TSAsExpression',
        'ExpressionStatement > TSNonNullExpression',
        'ExpressionStatement > TSSatisfiesExpression',
        'ExpressionStatement > TSTypeAssertion',
      ].join(', ')](node: TSESTree.Node) {
        check(node.parent as TSESTree.ExpressionStatement);
      },
    };

    function check(statement: TSESTree.ExpressionStatement): void {
      const expression = unwrap(statement.expression);
      let task: TSESTree.Expression;
      if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === 'void') {
        if (!isVoidedPromise(expression.argument)) return;
        task = expression.argument;
      } else if (expression.type === AST_NODE_TYPES.CallExpression && isPromiseMethodCall(expression)) {
        task = statement.expression;
      } else return;

      // Top-level `void main()` / `main().catch(...)` is the program itself, not a detached task.
      const enclosing = getEnclosingFunction(statement);
      if (!enclosing) return;
      if (!startsWorkHere(task)) return;
      if (isHandedToTracker(expression)) return;
      if (isMicrotaskDeferral(expression)) return;
      if (isCallbackBridge(expression, enclosingParameterNames(enclosing))) return;
      if (isStoredPromise(expression)) return;
      // Inside `new Promise((resolve, reject) => work().then(resolve, reject))` the outer promise carries it.
      if (isInPromiseExecutor(sourceCode, statement)) return;

      const tracker = findTracker(statement);
      context.report({
        node: statement,
        messageId: 'untrackedTask',
        data: { task: summarize(sourceCode.getText(task)) },
        suggest: tracker
          ? [
              {
                messageId: 'spawnInTracker',
                data: { tracker },
                fix: (fixer) => fixer.replaceText(statement.expression, `${tracker}.spawn(() => ${sourceCode.getText(task)})`),
              },
            ]
          : [],
      });
    }

    /**
     * `void x` is the idiom for "I know this is a promise and I let it go". Without types any
     * `void call()` counts, except a call of a local function that plainly returns no promise;
     * with types only a thenable does.
     */
    function isVoidedPromise(argument: TSESTree.Expression): boolean {
      const node = unwrap(argument);
      const byType = isThenableByType(services, node);
      if (byType !== undefined) return byType;
      if (node.type === AST_NODE_TYPES.CallExpression) {
        if (isPromiseMethodCall(node)) return true;
        const local = getLocalFunction(sourceCode, node.callee);
        return local === undefined || functionReturnsPromise(sourceCode, local);
      }
      return isPromiseExpression(sourceCode, node);
    }

    /** `x.then(...)` / `x.catch(...)` / `x.finally(...)` whose receiver is (or may be) a promise. */
    function isPromiseMethodCall(call: TSESTree.CallExpression): boolean {
      const callee = unwrap(call.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const name = getPropertyName(callee);
      if (name === undefined || !PROMISE_METHODS.has(name) || call.arguments.length > 2) return false;
      return isThenableByType(services, callee.object) !== false;
    }

    /**
     * Any call in the expression (outside nested functions) that hands the promise to a tracker.
     * The expression itself is a `void` or a call, never a function, so `someNode` entering its
     * root does not cross a function boundary.
     */
    function isHandedToTracker(expression: TSESTree.UnaryExpression | TSESTree.CallExpression): boolean {
      return someNode(
        expression,
        sourceCode.visitorKeys,
        (node) => (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) && isTrackerCall(node),
        { enterFunctions: false },
      );
    }

    function isTrackerCall(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
      const callee = unwrap(call.callee);
      const name = getCalleeName(call);
      if (callee.type === AST_NODE_TYPES.MemberExpression && name !== undefined && TRACKER_METHODS.has(name)) return true;
      if (extraTrackers.size === 0) return false;
      if (name !== undefined && extraTrackers.has(name)) return true;
      return extraTrackers.has(sourceCode.getText(callee).replace(/\s+/g, '').replace(/\?\./g, '.'));
    }

    /**
     * The work is started by this code: the promise comes from a call (`work()`, `work().then(…)`)
     * or a local `const p = work()`. A chain on someone else's promise (`session.closed.then(…)`,
     * `this.ready.then(…)`, a parameter) subscribes to an event; it detaches no work of its own.
     */
    function startsWorkHere(task: TSESTree.Node): boolean {
      let root = unwrap(task);
      while (root.type === AST_NODE_TYPES.CallExpression) {
        const callee = unwrap(root.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression || !PROMISE_METHODS.has(getPropertyName(callee) ?? '')) return true;
        root = unwrap(callee.object);
      }
      if (root.type === AST_NODE_TYPES.NewExpression || root.type === AST_NODE_TYPES.ImportExpression) return true;
      if (root.type === AST_NODE_TYPES.TaggedTemplateExpression) return true;
      if (root.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(root), root);
      const definition = variable?.defs[0];
      if (definition?.type !== 'Variable' || !definition.node.init) return false;
      const init = unwrap(definition.node.init);
      return init.type === AST_NODE_TYPES.CallExpression || init.type === AST_NODE_TYPES.NewExpression;
    }

    /**
     * `p.catch(noop)` on a promise held in a variable that is also awaited, returned or passed on
     * elsewhere (`await p`, `Promise.all([p])`, `tasks.push(p)`): the owner of `p` waits for it.
     */
    function isStoredPromise(expression: TSESTree.Node): boolean {
      let receiver: TSESTree.Node = expression;
      while (receiver.type === AST_NODE_TYPES.CallExpression) {
        const callee = unwrap(receiver.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression || !PROMISE_METHODS.has(getPropertyName(callee) ?? '')) return false;
        receiver = unwrap(callee.object);
      }
      if (receiver.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(receiver), receiver);
      if (!variable || variable.defs.length === 0) return false;
      return variable.references.some((reference) => {
        if (reference.identifier === receiver || reference.isWrite()) return false;
        const parent = reference.identifier.parent;
        return (
          parent?.type === AST_NODE_TYPES.AwaitExpression ||
          parent?.type === AST_NODE_TYPES.ReturnStatement ||
          parent?.type === AST_NODE_TYPES.ArrayExpression ||
          (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(reference.identifier as TSESTree.Expression)) ||
          (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === reference.identifier) ||
          (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === reference.identifier) ||
          (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === reference.identifier) ||
          (parent?.type === AST_NODE_TYPES.Property && parent.value === reference.identifier)
        );
      });
    }

    /**
     * `p.then((v) => cb(null, v), cb)`, `ret.then(done, done)`: the promise is adapted to a
     * callback API, so its completion is handed to the caller, who owns (and waits for) it.
     */
    function isCallbackBridge(expression: TSESTree.Node, parameters: ReadonlySet<string>): boolean {
      const isCallbackName = (identifier: TSESTree.Identifier) => CALLBACK_NAME.test(identifier.name) || parameters.has(identifier.name);
      const callsCallback = (fn: TSESTree.Node): boolean =>
        someNode(
          fn,
          sourceCode.visitorKeys,
          (node) => {
            if (node.type !== AST_NODE_TYPES.CallExpression) return false;
            const callee = unwrap(node.callee);
            return callee.type === AST_NODE_TYPES.Identifier && isCallbackName(callee);
          },
          { enterFunctions: false },
        );
      for (let call: TSESTree.Node = expression; call.type === AST_NODE_TYPES.CallExpression; ) {
        const callee = unwrap(call.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression || !PROMISE_METHODS.has(getPropertyName(callee) ?? '')) return false;
        for (const handler of call.arguments) {
          const node = unwrap(handler);
          if (node.type === AST_NODE_TYPES.Identifier && isCallbackName(node)) return true;
          // `result.then(handleResolve, handleReject)` where `handleResolve() { next() }`: one level removed.
          const local = node.type === AST_NODE_TYPES.Identifier ? getLocalFunction(sourceCode, node) : undefined;
          if (local && callsCallback(local)) return true;
          if (isFunctionNode(node) && callsCallback(node)) return true;
        }
        call = unwrap(callee.object);
      }
      return false;
    }

    /**
     * Names of the parameters of every function around the statement: a callback the caller
     * passed in (compared by name, which is cheap; a shadowing local of the same name is rare).
     */
    function enclosingParameterNames(fn: FunctionNode): Set<string> {
      const names = new Set<string>();
      for (let current: TSESTree.Node | undefined = fn; current; current = current.parent) {
        if (!isFunctionNode(current)) continue;
        for (const param of current.params) {
          const id = param.type === AST_NODE_TYPES.AssignmentPattern ? param.left : param;
          if (id.type === AST_NODE_TYPES.Identifier) names.add(id.name);
        }
      }
      return names;
    }

    /** `Promise.resolve().then(cb)` only defers synchronous work to a microtask; nothing outlives the tick. */
    function isMicrotaskDeferral(expression: TSESTree.Node): boolean {
      let receiver: TSESTree.Node = expression;
      while (receiver.type === AST_NODE_TYPES.CallExpression) {
        const callee = unwrap(receiver.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) break;
        if (PROMISE_METHODS.has(getPropertyName(callee) ?? '')) {
          receiver = unwrap(callee.object);
          continue;
        }
        return (
          getPropertyName(callee) === 'resolve' &&
          receiver.arguments.length === 0 &&
          isGlobal(resolveOrigin(sourceCode, callee), 'Promise', 'resolve')
        );
      }
      return false;
    }

    /**
     * The expression of a `TaskTracker`/`JoinSet` the code can reach: a variable in scope created
     * with `new TaskTracker()` (or annotated / typed as one), or `this.x` for such a class field.
     */
    function findTracker(node: TSESTree.Node): string | undefined {
      for (let scope: TSESLint.Scope.Scope | null = sourceCode.getScope(node); scope; scope = scope.upper) {
        for (const variable of scope.variables) {
          const definition = variable.defs[0];
          if (!definition) continue;
          const id = definition.name;
          if (definition.type === 'Variable' && definition.node.init && isTrackerConstruction(definition.node.init)) return variable.name;
          if ((definition.type === 'Variable' || definition.type === 'Parameter') && hasTrackerAnnotation(id)) return variable.name;
          if (services && (definition.type === 'Variable' || definition.type === 'Parameter') && isTrackerByType(id)) return variable.name;
        }
      }
      for (let current = node.parent; current; current = current.parent) {
        if (current.type === AST_NODE_TYPES.FunctionExpression && current.parent?.type !== AST_NODE_TYPES.MethodDefinition) return undefined;
        if (current.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
        if (current.type !== AST_NODE_TYPES.ClassBody) continue;
        for (const member of current.body) {
          if (member.type !== AST_NODE_TYPES.PropertyDefinition || member.static || member.computed) continue;
          if (member.key.type !== AST_NODE_TYPES.Identifier && member.key.type !== AST_NODE_TYPES.PrivateIdentifier) continue;
          const name = member.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${member.key.name}` : member.key.name;
          if ((member.value && isTrackerConstruction(member.value)) || isTrackerTypeAnnotation(member.typeAnnotation)) {
            return `this.${name}`;
          }
        }
        return undefined;
      }
      return undefined;
    }

    function isTrackerConstruction(init: TSESTree.Node): boolean {
      const node = unwrap(init);
      if (node.type !== AST_NODE_TYPES.NewExpression) return false;
      const name = getCalleeName(node);
      return name !== undefined && TRACKER_CLASSES.has(name);
    }

    function hasTrackerAnnotation(id: TSESTree.Node): boolean {
      return id.type === AST_NODE_TYPES.Identifier && isTrackerTypeAnnotation(id.typeAnnotation);
    }

    function isTrackerByType(id: TSESTree.Node): boolean {
      const name = services!.getTypeAtLocation(id).getSymbol()?.getName();
      return name !== undefined && TRACKER_CLASSES.has(name);
    }
  },
});

function isTrackerTypeAnnotation(annotation: TSESTree.TSTypeAnnotation | undefined): boolean {
  const type = annotation?.typeAnnotation;
  if (type?.type !== AST_NODE_TYPES.TSTypeReference) return false;
  const name = type.typeName.type === AST_NODE_TYPES.Identifier ? type.typeName.name : type.typeName.type === AST_NODE_TYPES.TSQualifiedName ? type.typeName.right.name : '';
  return TRACKER_CLASSES.has(name);
}

/** Long tasks are cut in the message so it stays one readable line. */
function summarize(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
