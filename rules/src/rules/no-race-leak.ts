import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '../util/ast';
import {
  getEnclosingFunction,
  getEnclosingLoop,
  getMethodName,
  getPropertyName,
  isWithin,
  unwrap,
  walk,
  type FunctionNode,
  type LoopNode,
} from '../util/ast';
import { createRule } from '../util/create-rule';
import { reportWithRelated } from '../util/related';
import { fileMayRace, getRaceCall } from '../util/race';
import { isFromModule, resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { isThenableType } from '../util/signals';
import { getConstInitializer } from '../util/timers';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    checkRecursion?: boolean;
  },
];
export type MessageId = 'longLivedPromise' | 'cancelledPromise' | 'passSignal';

/** The region re-entered on each round: a loop, or a recursive async function. */
type Region = { kind: 'loop'; node: LoopNode } | { kind: 'recursion'; node: FunctionNode };

export default createRule<Options, MessageId>({
  name: 'no-race-leak',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow racing a long-lived promise on every iteration of a loop',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkRecursion: {
            type: 'boolean',
            description: 'Also treat a recursive async function (one that calls itself) as a loop.',
          },
        },
      },
    ],
    messages: {
      longLivedPromise:
        '`{{name}}` (created on line {{line}}, outside this {{region}}) is raced on every {{round}}; each race adds a reaction to it that is released only when it settles, so memory grows for as long as the {{region}} runs. Wait with a per-iteration AbortSignal instead (`select()` with a CancellationToken from cancel-safe, or pass the signal to the wait).',
      cancelledPromise:
        '`{{name}}` returns the token\'s one long-lived promise, and racing it on every {{round}} adds a reaction that is released only when the token is cancelled, so memory grows for as long as the {{region}} runs. Pass `{{signal}}` to the wait instead, or use `select()` from cancel-safe.',
      passSignal: 'Pass `{{signal}}` to the wait instead of racing (it then rejects with an AbortError when cancelled).',
    },
  },
  defaultOptions: [{ checkRecursion: true }],
  create(context, [{ checkRecursion }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    if (!fileMayRace(sourceCode, settings)) return {};
    const services = getTypeServices(context);
    const assignedMembers = new Map<TSESTree.Node, Map<string, TSESTree.Node>>();
    const recursive = new Map<FunctionNode, boolean>();

    return {
      CallExpression(node) {
        const race = getRaceCall(sourceCode, settings, node);
        if (!race || race.elements.length === 0) return;
        const region = getRegion(node);
        if (!region) return;
        for (const element of race.elements) checkElement(race.call, race.elements, element, region);
      },
    };

    function getRegion(node: TSESTree.Node): Region | undefined {
      const loop = getEnclosingLoop(node);
      if (loop) return { kind: 'loop', node: loop };
      if (!checkRecursion) return undefined;
      const fn = getEnclosingFunction(node);
      if (!fn?.async) return undefined;
      let isRecursive = recursive.get(fn);
      if (isRecursive === undefined) {
        isRecursive = callsItself(fn);
        recursive.set(fn, isRecursive);
      }
      return isRecursive ? { kind: 'recursion', node: fn } : undefined;
    }

    function checkElement(
      raceCall: TSESTree.CallExpression,
      elements: readonly TSESTree.Expression[],
      element: TSESTree.Expression,
      region: Region,
    ): void {
      const node = unwrap(element);
      const words = region.kind === 'loop' ? { region: 'loop', round: 'iteration' } : { region: 'recursion', round: 'call' };
      if (node.type === AST_NODE_TYPES.CallExpression) {
        if (getMethodName(node) !== 'cancelled' || node.arguments.length > 0) return;
        const receiver = (unwrap(node.callee) as TSESTree.MemberExpression).object;
        const signal = `${sourceCode.getText(receiver)}.signal`;
        context.report({
          node: element,
          messageId: 'cancelledPromise',
          data: { name: sourceCode.getText(node), signal, ...words },
          suggest: passSignalSuggestion(raceCall, elements, element, signal),
        });
        return;
      }
      let created: TSESTree.Node | undefined;
      if (node.type === AST_NODE_TYPES.Identifier) created = getOutsideBinding(node, region);
      else if (node.type === AST_NODE_TYPES.MemberExpression) created = getOutsideMember(node, region);
      if (!created) return;
      if (services && !isThenableType(services, services.getTypeAtLocation(node))) return;
      const abortedSignal = node.type === AST_NODE_TYPES.Identifier ? getOnceAbortSignal(node) : undefined;
      reportWithRelated(
        context,
        {
          node: element,
          messageId: 'longLivedPromise',
          data: { name: sourceCode.getText(node), line: String(created.loc.start.line), ...words },
          suggest: abortedSignal ? passSignalSuggestion(raceCall, elements, element, abortedSignal) : [],
        },
        [{ node: created, message: `\`${sourceCode.getText(node)}\` is created here, once, outside the ${words.region}.` }],
      );
    }

    /** The declaration of an identifier bound outside the region and never re-assigned inside it. */
    function getOutsideBinding(identifier: TSESTree.Identifier, region: Region): TSESTree.Node | undefined {
      const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
      const definition = variable?.defs[0];
      if (!variable || !definition) return undefined;
      if (isWithin(definition.name, region.node)) return undefined;
      // Parameters of a recursive function get a fresh value on each call; only closures persist.
      if (region.kind === 'recursion' && definition.type === 'Parameter') return undefined;
      if (definition.type !== 'Variable' && definition.type !== 'Parameter') return undefined;
      if (variable.references.some((reference) => reference.isWrite() && !reference.init && isWithin(reference.identifier, region.node))) {
        return undefined;
      }
      if (definition.type === 'Variable' && definition.node.init && isNeverAPromise(definition.node.init)) return undefined;
      return definition.name;
    }

    /** `this.closed` / `state.stopping` raced in the region, not assigned inside it. */
    function getOutsideMember(member: TSESTree.MemberExpression, region: Region): TSESTree.Node | undefined {
      if (member.computed && member.property.type !== AST_NODE_TYPES.Literal) return undefined;
      const root = getMemberRoot(member);
      if (root.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(root), root);
        const definition = variable?.defs[0];
        if (!definition || isWithin(definition.name, region.node)) return undefined;
      } else if (root.type !== AST_NODE_TYPES.ThisExpression) {
        return undefined;
      }
      const text = normalizedText(member);
      if (getAssignments(region.node).has(text)) return undefined;
      // Point at where `this.x` is assigned in the class (the secondary location), else at the race.
      const classNode = root.type === AST_NODE_TYPES.ThisExpression ? getEnclosingClass(member) : undefined;
      return (classNode && getAssignments(classNode).get(text)) ?? member;
    }

    function getMemberRoot(member: TSESTree.MemberExpression): TSESTree.Node {
      let current: TSESTree.Node = member;
      while (current.type === AST_NODE_TYPES.MemberExpression) current = unwrap(current.object);
      return current;
    }

    /** Member assignment targets under `node` → the first assignment, one walk per node. */
    function getAssignments(node: TSESTree.Node): Map<string, TSESTree.Node> {
      let assigned = assignedMembers.get(node);
      if (!assigned) {
        const found = new Map<string, TSESTree.Node>();
        walk(node, sourceCode.visitorKeys, (child) => {
          if (child.type === AST_NODE_TYPES.AssignmentExpression) {
            const left = unwrap(child.left);
            if (left.type === AST_NODE_TYPES.MemberExpression && !found.has(normalizedText(left))) found.set(normalizedText(left), child);
          }
        });
        assigned = found;
        assignedMembers.set(node, assigned);
      }
      return assigned;
    }

    function getEnclosingClass(node: TSESTree.Node): TSESTree.ClassBody | undefined {
      for (let current = node.parent; current; current = current.parent) {
        if (current.type === AST_NODE_TYPES.ClassBody) return current;
      }
      return undefined;
    }

    function normalizedText(node: TSESTree.Node): string {
      return sourceCode.getText(node).replace(/\s+/g, '').replace(/\?\./g, '.');
    }

    /** Functions, literals, arrays and objects are never the long-lived promise we look for. */
    function isNeverAPromise(init: TSESTree.Expression): boolean {
      switch (unwrap(init).type) {
        case AST_NODE_TYPES.ArrowFunctionExpression:
        case AST_NODE_TYPES.FunctionExpression:
        case AST_NODE_TYPES.ClassExpression:
        case AST_NODE_TYPES.Literal:
        case AST_NODE_TYPES.TemplateLiteral:
        case AST_NODE_TYPES.ArrayExpression:
        case AST_NODE_TYPES.ObjectExpression:
          return true;
        default:
          return false;
      }
    }

    /** `const aborted = once(signal, 'abort')` → `signal`. */
    function getOnceAbortSignal(identifier: TSESTree.Identifier): string | undefined {
      const init = getConstInitializer(sourceCode, identifier);
      const call = init && unwrap(init);
      if (call?.type !== AST_NODE_TYPES.CallExpression || !isFromModule(resolveOrigin(sourceCode, call.callee), 'events', 'once')) {
        return undefined;
      }
      const [target, event] = call.arguments;
      if (!target || event?.type !== AST_NODE_TYPES.Literal || event.value !== 'abort') return undefined;
      return sourceCode.getText(target);
    }

    /**
     * `Promise.race([sleep(ms), token.cancelled()])` → `sleep(ms, { signal: token.signal })` when the
     * other element is the runtime's `sleep` or `timers/promises` `setTimeout` without a signal.
     */
    function passSignalSuggestion(
      raceCall: TSESTree.CallExpression,
      elements: readonly TSESTree.Expression[],
      element: TSESTree.Expression,
      signal: string,
    ): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      if (elements.length !== 2) return [];
      const other = unwrap(elements.find((candidate) => candidate !== element)!);
      if (other.type !== AST_NODE_TYPES.CallExpression || other.arguments.some((a) => a.type === AST_NODE_TYPES.SpreadElement)) return [];
      const origin = resolveOrigin(sourceCode, other.callee);
      const isRuntimeSleep = origin?.module === settings.runtimeModule && origin.path.length === 1 && origin.path[0] === 'sleep';
      const isTimersSleep = isFromModule(origin, 'timers', 'promises', 'setTimeout');
      if (!isRuntimeSleep && !isTimersSleep) return [];
      const optionsIndex = isRuntimeSleep ? 1 : 2;
      if (other.arguments.length > optionsIndex || other.arguments.length === 0) return [];
      const args = other.arguments.map((argument) => sourceCode.getText(argument));
      while (args.length < optionsIndex) args.push('undefined');
      args.push(`{ signal: ${signal} }`);
      const text = `${sourceCode.getText(other.callee)}(${args.join(', ')})`;
      return [{ messageId: 'passSignal', data: { signal }, fix: (fixer) => fixer.replaceText(raceCall, text) }];
    }

    /** True when the function calls itself by name (`function f`, `const f = async () =>`) or as `this.method()`. */
    function callsItself(fn: FunctionNode): boolean {
      const parent = fn.parent;
      if (fn.type === AST_NODE_TYPES.FunctionDeclaration || (fn.type === AST_NODE_TYPES.FunctionExpression && fn.id)) {
        const variable = fn.id && ASTUtils.findVariable(sourceCode.getScope(fn), fn.id.name);
        if (variable?.references.some((reference) => isWithin(reference.identifier, fn))) {
          return true;
        }
      }
      if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(parent), parent.id);
        return variable?.references.some((reference) => isWithin(reference.identifier, fn)) ?? false;
      }
      if (parent?.type === AST_NODE_TYPES.MethodDefinition) {
        const name = getPropertyName({ computed: parent.computed, property: parent.key } as TSESTree.MemberExpression);
        if (name === undefined) return false;
        let found = false;
        walk(fn.body, sourceCode.visitorKeys, (child) => {
          if (found) return false;
          if (
            child.type === AST_NODE_TYPES.CallExpression &&
            child.callee.type === AST_NODE_TYPES.MemberExpression &&
            child.callee.object.type === AST_NODE_TYPES.ThisExpression &&
            getMethodName(child) === name
          ) {
            found = true;
          }
          return !found;
        });
        return found;
      }
      return false;
    }
  },
});
