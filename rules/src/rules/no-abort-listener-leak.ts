import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getKeyName, getPropertyName, sourceMayMention, unwrap } from '../util/ast';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { getConstInitializer } from '../util/timers';
import { isSignalLike } from '../util/signals';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    checkOnabort?: boolean;
  },
];
export type MessageId = 'listenerLeak' | 'onabortAssignment' | 'addOnce' | 'useAddAbortListener' | 'useAddEventListener';

interface AddedListener {
  readonly call: TSESTree.CallExpression;
  readonly receiver: TSESTree.Expression;
  readonly listener: TSESTree.Node;
}

export default createRule<Options, MessageId>({
  name: 'no-abort-listener-leak',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow abort listeners that are never removed and `signal.onabort` assignments',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          checkOnabort: {
            type: 'boolean',
            description: 'Also report assignments to `signal.onabort`, which replace any handler assigned before.',
          },
        },
      },
    ],
    messages: {
      listenerLeak:
        'This abort listener on `{{signal}}` is never removed (no `{ once: true }`, no matching `removeEventListener`), so each call adds one more listener and retains its closure for as long as the signal lives. Use `addAbortListener()` from node:events and dispose it when the work is done, or pass `{ once: true }` and remove it.',
      onabortAssignment:
        'Assigning `{{signal}}.onabort` replaces whatever handler was assigned before, so another part of the program silently loses its abort handling. Use `addEventListener(\'abort\', …)` and remove the listener when done.',
      addOnce: 'Pass `{ once: true }`.',
      useAddAbortListener: 'Use `addAbortListener()` from node:events and dispose it at the end of the block.',
      useAddEventListener: "Use `addEventListener('abort', …, { once: true })`.",
    },
  },
  defaultOptions: [{ checkOnabort: true }],
  create(context, [{ checkOnabort }]) {
    const sourceCode = context.sourceCode;
    // Only `add/removeEventListener('abort', …)` calls and `onabort` assignments are looked at.
    if (!sourceMayMention(sourceCode.text, /EventListener|onabort/)) return {};
    const services = getTypeServices(context);
    const added: AddedListener[] = [];
    // Listeners removed anywhere in the file, keyed by binding (a local) or by text (`this.onAbort`).
    const removedVariables = new Set<TSESLint.Scope.Variable>();
    const removedTexts = new Set<string>();
    const isTypeScriptFile = /\.[cm]?tsx?$/.test(context.filename);

    return {
      CallExpression(node) {
        const callee = unwrap(node.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const method = getPropertyName(callee);
        if (method !== 'addEventListener' && method !== 'removeEventListener') return;
        const [event, listener, options] = node.arguments;
        if (!event || !listener || !isAbortEvent(event)) return;
        if (method === 'removeEventListener') {
          rememberRemoval(listener);
          return;
        }
        if (!isSignalReceiver(callee.object)) return;
        if (options && optionsReleaseListener(options)) return;
        added.push({ call: node, receiver: callee.object, listener });
      },
      AssignmentExpression(node) {
        if (!checkOnabort || node.operator !== '=') return;
        const left = unwrap(node.left);
        if (left.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(left) !== 'onabort') return;
        const right = unwrap(node.right);
        if ((right.type === AST_NODE_TYPES.Literal && right.value === null) || (right.type === AST_NODE_TYPES.Identifier && right.name === 'undefined')) return;
        if (!isSignalReceiver(left.object)) return;
        const signal = sourceCode.getText(left.object);
        const statement = node.parent;
        context.report({
          node: left,
          messageId: 'onabortAssignment',
          data: { signal },
          suggest:
            statement?.type === AST_NODE_TYPES.ExpressionStatement
              ? [
                  {
                    messageId: 'useAddEventListener',
                    fix: (fixer) =>
                      fixer.replaceText(node, `${signal}.addEventListener('abort', ${sourceCode.getText(node.right)}, { once: true })`),
                  },
                ]
              : [],
        });
      },
      'Program:exit'() {
        for (const entry of added) {
          if (isRemoved(entry.listener)) continue;
          reportLeak(entry);
        }
      },
    };

    function isAbortEvent(event: TSESTree.Node): boolean {
      const node = unwrap(event);
      return (
        (node.type === AST_NODE_TYPES.Literal && node.value === 'abort') ||
        (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0 && node.quasis[0]?.value.cooked === 'abort')
      );
    }

    /** A signal by its type (with types), its name, or a `const` bound to `x.signal` / `AbortSignal.timeout()`. */
    function isSignalReceiver(receiver: TSESTree.Expression): boolean {
      if (isSignalLike(receiver, services)) return true;
      if (services) return false;
      const node = unwrap(receiver);
      if (node.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
      const declared = variable?.defs[0]?.name;
      const annotation = declared && 'typeAnnotation' in declared ? declared.typeAnnotation?.typeAnnotation : undefined;
      if (annotation?.type === AST_NODE_TYPES.TSTypeReference && annotation.typeName.type === AST_NODE_TYPES.Identifier) {
        return annotation.typeName.name === 'AbortSignal';
      }
      const init = getConstInitializer(sourceCode, node);
      if (!init) return false;
      const value = unwrap(init);
      if (value.type === AST_NODE_TYPES.MemberExpression) return getPropertyName(value) === 'signal';
      if (value.type === AST_NODE_TYPES.CallExpression) {
        const callee = unwrap(value.callee);
        return callee.type === AST_NODE_TYPES.MemberExpression && sourceCode.getText(callee.object) === 'AbortSignal';
      }
      return false;
    }

    /** `{ once: true }` removes the listener after it runs; `{ signal }` removes it when that signal aborts. */
    function optionsReleaseListener(options: TSESTree.Node): boolean {
      const node = unwrap(options);
      if (node.type !== AST_NODE_TYPES.ObjectExpression) return node.type !== AST_NODE_TYPES.Literal; // a variable: cannot tell
      return node.properties.some((property) => {
        if (property.type === AST_NODE_TYPES.SpreadElement) return true;
        const key = getKeyName(property);
        if (key === 'signal') return true;
        if (key !== 'once') return false;
        const value = unwrap(property.value);
        return !(value.type === AST_NODE_TYPES.Literal && value.value === false);
      });
    }

    function rememberRemoval(listener: TSESTree.Node): void {
      const node = unwrap(listener);
      if (node.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
        if (variable) removedVariables.add(variable);
        else removedTexts.add(node.name);
      } else {
        removedTexts.add(normalizedText(node));
      }
    }

    function isRemoved(listener: TSESTree.Node): boolean {
      const node = unwrap(listener);
      if (node.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
        return variable ? removedVariables.has(variable) : removedTexts.has(node.name);
      }
      // An inline function can never be removed; `this.onAbort` / `this.onAbort.bind(this)` by text.
      return removedTexts.has(normalizedText(node));
    }

    function normalizedText(node: TSESTree.Node): string {
      return sourceCode.getText(node).replace(/\s+/g, '').replace(/\?\./g, '.');
    }

    function reportLeak({ call, receiver, listener }: AddedListener): void {
      const signal = sourceCode.getText(receiver);
      const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      const options = call.arguments[2];
      const optionsNode = options && unwrap(options);
      if (!options) {
        suggest.push({ messageId: 'addOnce', fix: (fixer) => fixer.insertTextAfter(listener, ', { once: true }') });
      } else if (optionsNode?.type === AST_NODE_TYPES.ObjectExpression) {
        const onceProperty = optionsNode.properties.find(
          (property): property is TSESTree.Property => property.type === AST_NODE_TYPES.Property && getKeyName(property) === 'once',
        );
        suggest.push({
          messageId: 'addOnce',
          fix: (fixer) =>
            onceProperty
              ? fixer.replaceText(onceProperty.value, 'true')
              : optionsNode.properties.length === 0
                ? fixer.replaceText(optionsNode, '{ once: true }')
                : fixer.insertTextAfter(optionsNode.properties.at(-1)!, ', once: true'),
        });
      }
      const disposal = buildDisposal(call, receiver, listener);
      if (disposal) suggest.push(disposal);
      context.report({ node: call.callee, messageId: 'listenerLeak', data: { signal }, suggest });
    }

    /**
     * `signal.addEventListener('abort', fn);` followed by more statements in its block becomes
     * `using … = addAbortListener(signal, fn);` (TypeScript) or a try/finally that disposes it, so
     * the listener lives exactly as long as the block. When the registration is the block's last
     * statement it is meant to outlive the block (a constructor, a `start()`), so no rewrite.
     */
    function buildDisposal(
      call: TSESTree.CallExpression,
      receiver: TSESTree.Expression,
      listener: TSESTree.Node,
    ): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
      const statement = call.parent;
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || call.arguments.length > 2) return undefined;
      const block = statement.parent;
      if (block?.type !== AST_NODE_TYPES.BlockStatement) return undefined;
      const index = block.body.indexOf(statement);
      const rest = block.body.slice(index + 1);
      if (rest.length === 0) return undefined;
      const scope = sourceCode.getScope(statement);
      let name = 'abortListener';
      for (let n = 2; ASTUtils.findVariable(scope, name) || scope.through.some((ref) => ref.identifier.name === name); n++) {
        name = `abortListener${n}`;
      }
      return {
        messageId: 'useAddAbortListener',
        fix(fixer) {
          const runtime = importFromRuntime(fixer, sourceCode, 'node:events', ['addAbortListener']);
          const register = `${runtime.names['addAbortListener']}(${sourceCode.getText(receiver)}, ${sourceCode.getText(listener)})`;
          if (isTypeScriptFile) {
            return [...runtime.fixes, fixer.replaceText(statement, `using ${name} = ${register};`)];
          }
          const indent = ' '.repeat(statement.loc.start.column);
          const restText = sourceCode.text.slice(rest[0]!.range[0], rest.at(-1)!.range[1]).replace(/\n/g, '\n  ');
          return [
            ...runtime.fixes,
            fixer.replaceTextRange(
              [statement.range[0], rest.at(-1)!.range[1]],
              `const ${name} = ${register};\n${indent}try {\n${indent}  ${restText}\n${indent}} finally {\n${indent}  ${name}[Symbol.dispose]();\n${indent}}`,
            ),
          ];
        },
      };
    }
  },
});
