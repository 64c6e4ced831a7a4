import { ASTUtils, type ParserServicesWithTypeInformation, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { AST_NODE_TYPES, getCalleeName, getEnclosingFunction, getKeyName, getPropertyName, isFunctionNode, sourceMayMention, unwrap, type FunctionNode } from '../util/ast';
import { createRule } from '../util/create-rule';
import { reportWithRelated } from '../util/related';
import { isFromModule, isGlobal, resolveOrigin, type Origin } from '../util/references';
import { getSettings } from '../util/settings';
import { argumentMayCarrySignal, createSignalFinder, isAbortSignalType, type SignalInScope } from '../util/signals';
import { getConstInitializer } from '../util/timers';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    checkLocalFunctions?: boolean;
    additionalFunctions?: string[];
  },
];
export type MessageId = 'missingSignal' | 'addSignal';

/** Where a signal goes in a call: an options object at `index` (`{ signal }`), or the signal itself. */
interface SignalSlot {
  readonly index: number | 'last';
  readonly kind: 'options' | 'signal';
  /** fs/promises take an encoding string where the options go: `'utf8'` → `{ encoding: 'utf8', signal }`. */
  readonly stringKey?: string;
  /** child_process takes a trailing callback after the options. */
  readonly beforeCallback?: boolean;
}

/** Names of every API the rule knows without types; anything else is skipped before scope lookups. */
const KNOWN_NAMES = new Set([
  'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'once', 'on', 'pipeline', 'finished', 'exec', 'execFile',
  'spawn', 'fork', 'readFile', 'writeFile', 'appendFile', 'sleep', 'timeout', 'retry', 'pump', 'recv', 'send', 'acquire',
]);

export default createRule<Options, MessageId>({
  name: 'require-signal-propagation',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Require passing the AbortSignal in scope to calls that accept one',
      recommended: false,
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkLocalFunctions: {
            type: 'boolean',
            description:
              'Also report calls of functions declared in the same file whose parameters take a `signal` (or a `{ signal }` option).',
          },
          additionalFunctions: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description:
              'Callees (matched on their source text, e.g. `"db.query"`) that take an options object with `signal` as their last argument.',
          },
        },
      },
    ],
    messages: {
      missingSignal:
        '`{{callee}}` accepts an AbortSignal but is not given `{{signal}}` (in scope from line {{line}}), so it keeps running after the caller is cancelled. Pass the signal on.',
      addSignal: 'Pass `{{signal}}` to `{{callee}}`.',
    },
  },
  defaultOptions: [{ checkLocalFunctions: true, additionalFunctions: [] }],
  create(context, [{ checkLocalFunctions, additionalFunctions }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    const services = getTypeServices(context);
    // Without types a signal in scope is found by name (`signal`, `…Signal`, `AbortSignal`,
    // `CancellationToken`): a file that spells none of them has no call to report.
    if (!services && !sourceMayMention(sourceCode.text, /[sS]ignal|CancellationToken/)) return {};
    const findSignal = createSignalFinder(sourceCode, services);
    const extra = new Set(additionalFunctions);
    const localSlots = new Map<FunctionNode, SignalSlot | null>();
    let finallyDepth = 0;
    // Calls are collected while walking and decided on Program:exit, once every same-file function
    // that takes a signal is known (a call may precede the declaration it calls).
    const candidates: TSESTree.CallExpression[] = [];
    const signalTakingNames = new Set<string>();
    const rememberFunction = (fn: FunctionNode, name: string | undefined) => {
      if (checkLocalFunctions && name && getParameterSlot(fn)) signalTakingNames.add(name);
    };

    return {
      'TryStatement > BlockStatement.finalizer'() {
        finallyDepth++;
      },
      'TryStatement > BlockStatement.finalizer:exit'() {
        finallyDepth--;
      },
      FunctionDeclaration(node) {
        rememberFunction(node, node.id?.name);
      },
      // Explicit node types: a bare `:function` selector is tested against every node in the file.
      'VariableDeclarator > ArrowFunctionExpression, VariableDeclarator > FunctionExpression'(
        node: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression,
      ) {
        const declarator = node.parent as TSESTree.VariableDeclarator;
        rememberFunction(node, declarator.id.type === AST_NODE_TYPES.Identifier ? declarator.id.name : undefined);
      },
      CallExpression(node) {
        // Cleanup in `finally` runs after an abort on purpose: handing it the aborted signal would skip it.
        if (finallyDepth > 0) return;
        // Most calls sit in functions with no signal in scope (cached per function): drop them now.
        const fn = getEnclosingFunction(node);
        if (!fn || !findSignal.forFunction(fn)) return;
        if (node.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)) return;
        candidates.push(node);
      },
      'Program:exit'() {
        for (const node of candidates) {
          // Cheap name filter before any scope lookup: without types only known APIs can need a signal.
          const name = getCalleeName(node);
          const known =
            services !== undefined || extra.size > 0 || (name !== undefined && (KNOWN_NAMES.has(name) || signalTakingNames.has(name)));
          if (!known && unwrap(node.callee).type !== AST_NODE_TYPES.Identifier) continue;
          const signal = findSignal(node);
          if (!signal) continue;
          // A renamed import or alias (`const f = globalThis.fetch`) resolves through its declaration.
          if (!known && !isAliased(node)) continue;
          const slot = getSlot(node);
          if (slot) check(node, slot, signal);
        }
      },
    };

    /** True when an identifier callee is an alias of something else (import rename or const). */
    function isAliased(call: TSESTree.CallExpression): boolean {
      const origin = resolveOrigin(sourceCode, call.callee);
      const name = origin?.path.at(-1);
      return name !== undefined && KNOWN_NAMES.has(name);
    }

    function getSlot(call: TSESTree.CallExpression): SignalSlot | undefined {
      const origin = resolveOrigin(sourceCode, call.callee);
      const known = origin && getKnownSlot(origin);
      if (known) return known;
      if (extra.size > 0 && extra.has(sourceCode.getText(unwrap(call.callee)).replace(/\s+/g, '').replace(/\?\./g, '.'))) {
        return { index: 'last', kind: 'options' };
      }
      const runtimeMethod = getRuntimeMethodSlot(call);
      if (runtimeMethod) return runtimeMethod;
      if (checkLocalFunctions) {
        const local = getLocalFunction(call.callee);
        if (local) {
          let slot = localSlots.get(local);
          if (slot === undefined) {
            slot = getParameterSlot(local) ?? null;
            localSlots.set(local, slot);
          }
          if (slot) return slot;
        }
      }
      return services ? getTypedSlot(services, call) : undefined;
    }

    function getKnownSlot(origin: Origin): SignalSlot | undefined {
      if (isGlobal(origin, 'fetch')) return { index: 1, kind: 'options' };
      if (isFromModule(origin, 'timers', 'promises', 'setTimeout') || isFromModule(origin, 'timers', 'promises', 'setInterval')) {
        return { index: 2, kind: 'options' };
      }
      if (isFromModule(origin, 'timers', 'promises', 'setImmediate')) return { index: 1, kind: 'options' };
      if (isFromModule(origin, 'events', 'once') || isFromModule(origin, 'events', 'on')) return { index: 2, kind: 'options' };
      if (isFromModule(origin, 'stream', 'promises', 'pipeline') || isFromModule(origin, 'stream', 'promises', 'finished')) {
        return { index: 'last', kind: 'options' };
      }
      if (origin.module === 'child_process' && origin.path.length === 1 && ['exec', 'execFile', 'spawn', 'fork'].includes(origin.path[0]!)) {
        return { index: 'last', kind: 'options', beforeCallback: true };
      }
      if (isFromModule(origin, 'fs', 'promises', 'readFile')) return { index: 1, kind: 'options', stringKey: 'encoding' };
      if (isFromModule(origin, 'fs', 'promises', 'writeFile') || isFromModule(origin, 'fs', 'promises', 'appendFile')) {
        return { index: 2, kind: 'options', stringKey: 'encoding' };
      }
      if (origin.module === settings.runtimeModule && origin.path.length === 1) {
        switch (origin.path[0]) {
          case 'sleep':
            return { index: 1, kind: 'options' };
          case 'timeout':
            return { index: 2, kind: 'options' };
          case 'retry':
          case 'pump':
            return { index: 'last', kind: 'options' };
          default:
            return undefined;
        }
      }
      return undefined;
    }

    /** Runtime channels and semaphores: `ch.recv({ signal })`, `ch.send(v, { signal })`, `sem.acquire({ signal })`. */
    function getRuntimeMethodSlot(call: TSESTree.CallExpression): SignalSlot | undefined {
      const callee = unwrap(call.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const method = getPropertyName(callee);
      const index = method === 'recv' || method === 'acquire' ? 0 : method === 'send' ? 1 : -1;
      if (index === -1) return undefined;
      const receiver = unwrap(callee.object);
      if (receiver.type !== AST_NODE_TYPES.Identifier) return undefined;
      const init = getConstInitializer(sourceCode, receiver);
      const created = init && unwrap(init);
      if (created?.type !== AST_NODE_TYPES.NewExpression) return undefined;
      const origin = resolveOrigin(sourceCode, created.callee);
      return origin?.module === settings.runtimeModule ? { index, kind: 'options' } : undefined;
    }

    function getLocalFunction(callee: TSESTree.Node): FunctionNode | undefined {
      const node = unwrap(callee);
      if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
      const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
      const definition = variable?.defs[0];
      if (definition?.type === 'FunctionName' && isFunctionNode(definition.node)) return definition.node;
      if (definition?.type === 'Variable' && definition.node.init && isFunctionNode(definition.node.init)) return definition.node.init;
      return undefined;
    }

    function getParameterSlot(fn: FunctionNode): SignalSlot | undefined {
      for (const [index, raw] of fn.params.entries()) {
        const parameter = raw.type === AST_NODE_TYPES.AssignmentPattern ? raw.left : raw;
        if (parameter.type === AST_NODE_TYPES.Identifier && /^signal$/i.test(parameter.name)) return { index, kind: 'signal' };
        if (
          parameter.type === AST_NODE_TYPES.ObjectPattern &&
          parameter.properties.some((property) => property.type === AST_NODE_TYPES.Property && getKeyName(property) === 'signal')
        ) {
          return { index, kind: 'options' };
        }
        if (parameter.type === AST_NODE_TYPES.RestElement) return undefined;
      }
      return undefined;
    }

    /** With types: a parameter typed `AbortSignal`, or an options parameter with `signal?: AbortSignal`. */
    function getTypedSlot(typed: ParserServicesWithTypeInformation, call: TSESTree.CallExpression): SignalSlot | undefined {
      const checker = typed.program.getTypeChecker();
      const tsCall = typed.esTreeNodeToTSNodeMap.get(call);
      const signature = checker.getResolvedSignature(tsCall);
      if (!signature) return undefined;
      for (const [index, parameter] of signature.getParameters().entries()) {
        const declaration = parameter.valueDeclaration as ts.ParameterDeclaration | undefined;
        if (declaration?.dotDotDotToken) return undefined;
        const type = checker.getNonNullableType(checker.getTypeOfSymbol(parameter));
        if (type.flags & (1 | 2)) continue;
        if (isAbortSignalType(type)) return { index, kind: 'signal' };
        const property = type.isUnion() ? undefined : type.getProperty('signal');
        if (property && isAbortSignalType(checker.getTypeOfSymbol(property))) return { index, kind: 'options' };
      }
      return undefined;
    }

    function check(call: TSESTree.CallExpression, slot: SignalSlot, signal: SignalInScope): void {
      const head = signal.text.split(/\??\./)[0]!;
      const mentionsSignal = new RegExp(`\\b${head}\\b`);
      if (call.arguments.some((argument) => mentionsSignal.test(sourceCode.getText(argument)))) return;

      const args = call.arguments;
      const callbackIndex = slot.beforeCallback ? args.findIndex((argument) => isFunctionNode(argument)) : -1;
      const end = callbackIndex === -1 ? args.length : callbackIndex;
      let index: number;
      if (slot.index === 'last') {
        const lastBeforeEnd = args[end - 1];
        index = lastBeforeEnd && unwrap(lastBeforeEnd).type === AST_NODE_TYPES.ObjectExpression ? end - 1 : end;
      } else {
        index = slot.index;
      }
      const existing = index < end ? args[index] : undefined;
      if (existing && argumentMayCarrySignal(existing)) return;
      if (existing && slot.kind === 'signal') return; // something is passed where the signal goes
      const property = signal.text === 'signal' ? 'signal' : `signal: ${signal.text}`;
      let edit: ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | undefined;
      if (existing) {
        const value = unwrap(existing);
        if (value.type === AST_NODE_TYPES.ObjectExpression) {
          edit = (fixer) => {
            const closing = sourceCode.getLastToken(value)!;
            const before = sourceCode.getTokenBefore(closing)!;
            if (value.properties.length === 0) return fixer.replaceText(value, `{ ${property} }`);
            const comma = before.value === ',' ? ' ' : ', ';
            return fixer.insertTextAfter(before, `${comma}${property}`);
          };
        } else if (slot.stringKey && value.type === AST_NODE_TYPES.Literal && typeof value.value === 'string') {
          edit = (fixer) => fixer.replaceText(existing, `{ ${slot.stringKey}: ${sourceCode.getText(existing)}, ${property} }`);
        } else {
          // An options value we cannot see into (a variable, a call): it may hold a signal already.
          return;
        }
      } else if (slot.index !== 'last' && index > args.length) {
        const padding = ', undefined'.repeat(index - args.length);
        const text = slot.kind === 'signal' ? signal.text : `{ ${property} }`;
        edit = (fixer) => insertArgument(fixer, call, args.length, `${padding.slice(2)}, ${text}`);
      } else {
        const text = slot.kind === 'signal' ? signal.text : `{ ${property} }`;
        edit = (fixer) => insertArgument(fixer, call, index, text);
      }
      const callee = sourceCode.getText(unwrap(call.callee));
      const data = { callee, signal: signal.text, line: String(signal.declaration.loc.start.line) };
      reportWithRelated(
        context,
        { node: call.callee, messageId: 'missingSignal', data, suggest: [{ messageId: 'addSignal', data, fix: edit }] },
        [{ node: signal.declaration, message: `\`${signal.text}\` is in scope from here.` }],
      );
    }

    /** Inserts `text` as argument number `index` (shifting later ones), handling `f()` and trailing commas. */
    function insertArgument(fixer: TSESLint.RuleFixer, call: TSESTree.CallExpression, index: number, text: string): TSESLint.RuleFix {
      const args = call.arguments;
      if (index < args.length) return fixer.insertTextBefore(args[index]!, `${text}, `);
      const last = args.at(-1);
      if (!last) {
        const closing = sourceCode.getLastToken(call)!;
        return fixer.insertTextBefore(closing, text);
      }
      return fixer.insertTextAfter(last, `, ${text}`);
    }
  },
});
