import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getCalleeName, getEnclosingLoop, getKeyName, isFunctionNode, isWithin, sourceMayMention, unwrap, walk, type FunctionNode } from '../util/ast';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { DEFAULT_CONSUMING_METHODS, fileMayRace, getConsumingOperation, getRaceCall, type ConsumingOperation, type ConsumingOptions } from '../util/race';
import { resolveOrigin } from '../util/references';
import { getSettings } from '../util/settings';
import { getTypeNames, isThenableType } from '../util/signals';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    consumingMethods?: string[];
    checkEventPromises?: boolean;
  },
];
export type MessageId = 'consumingRace' | 'listenerRace' | 'consumingRaceInLoop' | 'selectBranchIgnoresSignal' | 'useSelect' | 'passBranchSignal';

export default createRule<Options, MessageId>({
  name: 'no-unsafe-race',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow racing operations that consume data, whose result is lost when they lose the race',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          consumingMethods: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Method names that take a value out of their receiver (`read`, `next`, `recv`, ...). Replaces the default list.',
          },
          checkEventPromises: {
            type: 'boolean',
            description:
              'Also report a raced `new Promise` whose executor registers an event listener (`emitter.once(...)`, `addEventListener(...)`).',
          },
        },
      },
    ],
    messages: {
      consumingRace:
        '`{{operation}}` takes data out of its source, and when it loses this race the value it takes is dropped (and any listener it registered stays attached). Read in its own task that feeds a bounded Channel (`pump()` from cancel-safe) and race `channel.recv({ signal })` with `select()`, or hoist the pending read and re-race it until it settles.',
      listenerRace:
        '`{{operation}}` registers an event listener, and when it loses this race the listener stays attached and the event it waits for (with any data it carries) is dropped. Give it a signal that is aborted when the race settles (`select()` from cancel-safe does that), or remove the listener in `finally`.',
      consumingRaceInLoop:
        '`{{name}}` holds `{{operation}}` (line {{line}}), which is created again on every iteration and raced, so each lost race drops the value it takes. Hoist the pending read out of the loop and replace it only once it has settled, or read in its own task (`pump()` from cancel-safe) and race `channel.recv({ signal })` with `select()`.',
      selectBranchIgnoresSignal:
        'This `select()` branch calls `{{operation}}` without the branch\'s signal, so when another branch wins it keeps running and the value it takes is lost. Pass the branch\'s signal to it.',
      useSelect: 'Use `select()` from cancel-safe, which aborts the losing branches.',
      passBranchSignal: 'Pass the branch\'s signal to `{{operation}}`.',
    },
  },
  defaultOptions: [{ consumingMethods: [...DEFAULT_CONSUMING_METHODS], checkEventPromises: true }],
  create(context, [{ consumingMethods, checkEventPromises }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    // Races and the runtime's `select()` are all this rule looks at.
    if (!fileMayRace(sourceCode, settings) && !sourceMayMention(sourceCode.text, /\bselect\b/)) return {};
    const services = getTypeServices(context);
    const consuming: ConsumingOptions = {
      methods: new Set(consumingMethods),
      checkEventPromises: checkEventPromises !== false,
      ...(services
        ? {
            isThenable: (node: TSESTree.Node) => isThenableType(services, services.getTypeAtLocation(node)),
            receiverTypeNames: (node: TSESTree.Node) => {
              const type = services.getTypeAtLocation(node);
              return type.flags & (1 | 2) ? undefined : getTypeNames(services.program.getTypeChecker().getApparentType(type));
            },
          }
        : {}),
    };

    return {
      CallExpression(node) {
        if (getCalleeName(node) === 'select' && isRuntimeSelect(node)) {
          checkSelect(node);
          return;
        }
        const race = getRaceCall(sourceCode, settings, node);
        if (!race || race.elements.length < 2) return;
        const loop = getEnclosingLoop(node);
        for (const element of race.elements) {
          const inline = getConsumingOperation(sourceCode, element, consuming);
          if (inline) {
            context.report({
              node: element,
              messageId: inline.kind === 'method' ? 'consumingRace' : 'listenerRace',
              data: { operation: describe(inline) },
              suggest: selectSuggestion(race.call, race.elements, race.hasUnknownElements, element, inline),
            });
            continue;
          }
          const held = loop ? getPerIterationBinding(element, loop) : undefined;
          if (!held) continue;
          const operation = getConsumingOperation(sourceCode, held.init, consuming);
          if (!operation) continue;
          context.report({
            node: element,
            messageId: 'consumingRaceInLoop',
            data: { name: sourceCode.getText(element), operation: describe(operation), line: String(held.init.loc.start.line) },
          });
        }
      },
    };

    function describe(operation: ConsumingOperation): string {
      if (operation.kind === 'listener') return 'new Promise(…)';
      const text = sourceCode.getText(operation.call);
      return text.length <= 60 ? text : `${sourceCode.getText(operation.call.callee)}(…)`;
    }

    function isRuntimeSelect(call: TSESTree.CallExpression): boolean {
      const origin = resolveOrigin(sourceCode, call.callee);
      return origin?.module === settings.runtimeModule && origin.path.length === 1 && origin.path[0] === 'select';
    }

    /** A variable declared inside `loop` (so re-created each iteration) whose initializer is raced. */
    function getPerIterationBinding(element: TSESTree.Expression, loop: TSESTree.Node): { init: TSESTree.Expression } | undefined {
      const node = unwrap(element);
      if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
      const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
      const definition = variable?.defs[0];
      if (definition?.type !== 'Variable' || !definition.node.init || definition.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
      if (!isWithin(definition.node, loop)) return undefined;
      return { init: definition.node.init };
    }

    /** `select({ key: (signal) => ch.recv() })`: a branch that ignores its signal keeps consuming after it loses. */
    function checkSelect(call: TSESTree.CallExpression): void {
      const branches = call.arguments[0] && unwrap(call.arguments[0]);
      if (branches?.type !== AST_NODE_TYPES.ObjectExpression) return;
      for (const property of branches.properties) {
        if (property.type !== AST_NODE_TYPES.Property || !isFunctionNode(property.value)) continue;
        const branch = property.value;
        for (const operation of findBranchOperations(branch)) {
          const signalName = getBranchSignalName(branch);
          const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
          if (operation.acceptsSignal && operation.call.type === AST_NODE_TYPES.CallExpression) {
            const consumingCall = operation.call;
            suggest.push({
              messageId: 'passBranchSignal',
              data: { operation: describe(operation) },
              fix: (fixer) => {
                const name = signalName ?? 'signal';
                const fixes = [addSignalArgument(fixer, consumingCall, operation.kind, name)];
                if (!signalName) fixes.push(addFirstParameter(fixer, branch, name));
                return fixes;
              },
            });
          }
          context.report({
            node: operation.call,
            messageId: 'selectBranchIgnoresSignal',
            data: { operation: describe(operation) },
            suggest,
          });
        }
      }
    }

    /** Consuming calls a branch makes itself (not in nested functions, which run later if at all). */
    function findBranchOperations(branch: FunctionNode): ConsumingOperation[] {
      const found: ConsumingOperation[] = [];
      walk(branch.body, sourceCode.visitorKeys, (child) => {
        if (isFunctionNode(child)) return false;
        if (child.type !== AST_NODE_TYPES.CallExpression && child.type !== AST_NODE_TYPES.NewExpression) return true;
        const operation = getConsumingOperation(sourceCode, child, consuming);
        if (operation) {
          found.push(operation);
          return false;
        }
        return true;
      });
      return found;
    }

    function getBranchSignalName(branch: FunctionNode): string | undefined {
      const first = branch.params[0];
      return first?.type === AST_NODE_TYPES.Identifier ? first.name : undefined;
    }

    function addSignalArgument(
      fixer: TSESLint.RuleFixer,
      call: TSESTree.CallExpression,
      kind: ConsumingOperation['kind'],
      name: string,
    ): TSESLint.RuleFix {
      const property = name === 'signal' ? 'signal' : `signal: ${name}`;
      // events.once(emitter, event, { signal }); channel.recv({ signal }).
      const index = kind === 'once' ? 2 : 0;
      const existing = call.arguments[index];
      const existingObject = existing && unwrap(existing);
      if (existingObject?.type === AST_NODE_TYPES.ObjectExpression) {
        const last = existingObject.properties.at(-1);
        return last ? fixer.insertTextAfter(last, `, ${property}`) : fixer.replaceText(existingObject, `{ ${property} }`);
      }
      const last = call.arguments.at(-1);
      if (last) return fixer.insertTextAfter(last, `, { ${property} }`);
      return fixer.insertTextBefore(sourceCode.getLastToken(call)!, `{ ${property} }`);
    }

    function addFirstParameter(fixer: TSESLint.RuleFixer, fn: FunctionNode, name: string): TSESLint.RuleFix {
      const opening = sourceCode.getTokens(fn).find((token) => token.value === '(')!;
      return fixer.insertTextAfter(opening, name);
    }

    /**
     * `Promise.race([ch.recv(), other])` → `select({ branch1: (signal) => ch.recv({ signal }),
     * branch2: () => other }).then(({ value }) => value)`: the same settled value, but the losing
     * recv is aborted (and a cancel-safe recv gives its value back). Offered only when every
     * consuming element can take a signal and every element is visible.
     */
    function selectSuggestion(
      raceCall: TSESTree.CallExpression,
      elements: readonly TSESTree.Expression[],
      hasUnknownElements: boolean,
      reported: TSESTree.Expression,
      reportedOperation: ConsumingOperation,
    ): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      if (hasUnknownElements || !reportedOperation.acceptsSignal) return [];
      const argument = unwrap(raceCall.arguments[0]!);
      if (argument.type !== AST_NODE_TYPES.ArrayExpression || argument.elements.some((e) => e?.type === AST_NODE_TYPES.SpreadElement)) {
        return [];
      }
      const branches: string[] = [];
      for (const [index, element] of elements.entries()) {
        const operation = element === reported ? reportedOperation : getConsumingOperation(sourceCode, element, consuming);
        if (operation && !operation.acceptsSignal) return [];
        if (operation && operation.call.type === AST_NODE_TYPES.CallExpression) {
          branches.push(`branch${index + 1}: (signal) => ${withSignal(operation.call, operation.kind)}`);
        } else {
          branches.push(`branch${index + 1}: () => ${sourceCode.getText(element)}`);
        }
      }
      return [
        {
          messageId: 'useSelect',
          fix(fixer) {
            const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['select']);
            const replacement = `${runtime.names['select']}({ ${branches.join(', ')} }).then(({ value }) => value)`;
            return [...runtime.fixes, fixer.replaceText(raceCall, replacement)];
          },
        },
      ];
    }

    function withSignal(call: TSESTree.CallExpression, kind: ConsumingOperation['kind']): string {
      const callee = sourceCode.getText(call.callee);
      const args = call.arguments.map((argument) => sourceCode.getText(argument));
      const index = kind === 'once' ? 2 : 0;
      const existing = call.arguments[index] && unwrap(call.arguments[index]);
      if (existing?.type === AST_NODE_TYPES.ObjectExpression) {
        const parts = existing.properties.filter((p) => !(p.type === AST_NODE_TYPES.Property && getKeyName(p) === 'signal')).map((p) => sourceCode.getText(p));
        args[index] = `{ ${[...parts, 'signal'].join(', ')} }`;
      } else {
        args.push('{ signal }');
      }
      return `${callee}${call.optional ? '?.' : ''}(${args.join(', ')})`;
    }
  },
});
