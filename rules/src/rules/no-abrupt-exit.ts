import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { getCalleeName, getEnclosingFunction, getMethodName, getPropertyName, getReceiver, isFunctionNode, unwrap, type FunctionNode } from '../util/ast';
import { createRule } from '../util/create-rule';
import { getSettings } from '../util/settings';
import { createShutdownLookup, hasAwaitBefore, isProcessMember, type ShutdownOptions } from '../util/shutdown';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    shutdownFunctions?: string[];
    checkWrites?: boolean;
  },
];
export type MessageId = 'abruptExit' | 'exitAfterWrite' | 'useExitCode' | 'removeExit';

const STREAM_NAME = /(?:stream|writer|stdout|stderr)$/i;

export default createRule<Options, MessageId>({
  name: 'no-abrupt-exit',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow `process.exit()` in shutdown paths before the drain was awaited, and right after a stream write',
      recommended: 'error',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          shutdownFunctions: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Names of your own shutdown functions, in addition to signal handlers, `onShutdown` callbacks and conventional names such as `shutdown` or `gracefulShutdown`.',
          },
          checkWrites: {
            type: 'boolean',
            description: 'Report `process.exit()` directly after a `write()`/`end()` on stdout, stderr or another stream.',
          },
        },
      },
    ],
    messages: {
      abruptExit:
        '`{{call}}` ends the process in this shutdown path before anything was awaited, so in-flight requests, running jobs and unflushed buffers are dropped mid-way. Await the drain first (close the server, `await tracker.wait()`), then set `process.exitCode` and let the process end, keeping `setTimeout(() => process.exit(1), ms).unref()` only as a deadline.',
      exitAfterWrite:
        '`{{call}}` right after `{{write}}` can cut that output off, because writes to pipes and files finish asynchronously and exit does not wait for them. Set `process.exitCode` and return instead, or exit in the write callback.',
      useExitCode: 'Replace with `process.exitCode = {{code}}` and let the process end on its own.',
      removeExit: 'Remove `process.exit()` and let the process end on its own.',
    },
  },
  defaultOptions: [{ shutdownFunctions: [], checkWrites: true }],
  create(context, [{ shutdownFunctions = [], checkWrites = true }]) {
    const sourceCode = context.sourceCode;
    const settings = getSettings(context);
    const services = getTypeServices(context);
    const shutdownOptions: ShutdownOptions = { runtimeModule: settings.runtimeModule, shutdownFunctions };
    const shutdown = createShutdownLookup(sourceCode, shutdownOptions);
    // Local names of `exit`/`kill` imported or destructured from process (`import { exit as quit }`).
    const aliases = collectProcessAliases(sourceCode.ast);

    return {
      CallExpression(node) {
        const calleeName = getCalleeName(node);
        const name = calleeName === 'exit' || calleeName === 'kill' ? calleeName : aliases.get(calleeName ?? '');
        if (name === undefined) return;
        if (!isExitCall(node, name)) return;
        const fn = getEnclosingFunction(node);
        const callText = name === 'exit' ? 'process.exit()' : 'process.kill(process.pid)';
        if (fn && isUndrainedShutdown(node, fn, 0)) {
          context.report({ node, messageId: 'abruptExit', data: { call: callText }, suggest: buildSuggestions(node, name) });
          return;
        }
        if (!checkWrites || name !== 'exit') return;
        const write = getPrecedingWrite(node);
        if (write) {
          context.report({
            node,
            messageId: 'exitAfterWrite',
            data: { call: callText, write: `${sourceCode.getText(unwrap(write.callee))}()` },
            suggest: buildSuggestions(node, name),
          });
        }
      },
    };

    /** `process.exit(…)`, an alias of it, or `process.kill(process.pid, …)`. */
    function isExitCall(call: TSESTree.CallExpression, name: 'exit' | 'kill'): boolean {
      if (!isProcessMember(sourceCode, call.callee, name)) return false;
      if (name === 'exit') return true;
      const target = call.arguments[0];
      return target !== undefined && isProcessMember(sourceCode, target, 'pid');
    }

    /**
     * True when `node` runs in a shutdown path with nothing awaited before it: not in the
     * function, and, for a function the handler calls, not before any of the calls that reach it.
     */
    function isUndrainedShutdown(node: TSESTree.Node, fn: FunctionNode, depth: number): boolean {
      const path = shutdown.pathOf(fn);
      if (!path || hasAwaitBefore(sourceCode, node, fn)) return false;
      if (path.kind !== 'called' || depth > 3) return true;
      return path.callSites.some((site) => {
        const caller = getEnclosingFunction(site);
        return caller !== undefined && isUndrainedShutdown(site, caller, depth + 1);
      });
    }

    /** The `x.write(…)`/`x.end(…)` call in the statement just before `exitCall`'s statement, on a stream. */
    function getPrecedingWrite(exitCall: TSESTree.CallExpression): TSESTree.CallExpression | undefined {
      const statement = exitCall.parent?.type === AST_NODE_TYPES.ChainExpression ? exitCall.parent.parent : exitCall.parent;
      if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      const list = getStatementList(statement);
      const index = list?.indexOf(statement) ?? -1;
      const previous = index > 0 ? list![index - 1] : undefined;
      if (previous?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
      const call = unwrap(previous.expression);
      if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
      const method = getMethodName(call);
      if (method !== 'write' && method !== 'end') return undefined;
      const receiver = getReceiver(call);
      return receiver && isStream(receiver) ? call : undefined;
    }

    /** stdout/stderr by any spelling; with types any Writable; without, a receiver named like a stream. */
    function isStream(receiver: TSESTree.Node): boolean {
      if (isProcessMember(sourceCode, receiver, 'stdout') || isProcessMember(sourceCode, receiver, 'stderr')) return true;
      if (services) {
        const type = services.getTypeAtLocation(receiver);
        if (!(type.flags & (1 /* Any */ | 2 /* Unknown */))) {
          const checker = services.program.getTypeChecker();
          const apparent = checker.getApparentType(type);
          return ['write', 'end', 'writableLength'].every((name) => checker.getPropertyOfType(apparent, name) !== undefined);
        }
      }
      const node = unwrap(receiver);
      const name = node.type === AST_NODE_TYPES.Identifier ? node.name : node.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(node) : undefined;
      return name !== undefined && STREAM_NAME.test(name);
    }

    /**
     * A trailing `process.exit(code)` (the last thing its function or the program does) can become
     * `process.exitCode = code`: the same status, without cutting off pending work. Elsewhere the
     * rewrite would let the code after it run, so no suggestion is offered.
     */
    function buildSuggestions(call: TSESTree.CallExpression, name: 'exit' | 'kill'): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      const statement = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
      if (name !== 'exit' || statement?.type !== AST_NODE_TYPES.ExpressionStatement || !isTrailing(statement)) return [];
      const code = call.arguments[0];
      if (code?.type === AST_NODE_TYPES.SpreadElement) return [];
      const callee = unwrap(call.callee);
      const processText =
        callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed ? sourceCode.getText(unwrap(callee.object)) : 'process';
      if (!code) {
        return [{ messageId: 'removeExit', fix: (fixer) => fixer.remove(statement) }];
      }
      const codeText = sourceCode.getText(code);
      return [
        {
          messageId: 'useExitCode',
          data: { code: codeText },
          fix: (fixer) => fixer.replaceText(statement, `${processText}.exitCode = ${codeText};`),
        },
      ];
    }
  },
});

/** `import { exit as quit } from 'node:process'`, `const { exit: quit } = process` → quit → exit. */
function collectProcessAliases(program: TSESTree.Program): Map<string, 'exit' | 'kill'> {
  const aliases = new Map<string, 'exit' | 'kill'>();
  const add = (imported: string, local: string) => {
    if (imported === 'exit' || imported === 'kill') aliases.set(local, imported);
  };
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      if (statement.source.value !== 'process' && statement.source.value !== 'node:process') continue;
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.imported.type === AST_NODE_TYPES.Identifier) {
          add(specifier.imported.name, specifier.local.name);
        }
      }
    } else if (statement.type === AST_NODE_TYPES.VariableDeclaration) {
      for (const declarator of statement.declarations) {
        if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) continue;
        for (const property of declarator.id.properties) {
          if (
            property.type === AST_NODE_TYPES.Property &&
            property.key.type === AST_NODE_TYPES.Identifier &&
            property.value.type === AST_NODE_TYPES.Identifier
          ) {
            add(property.key.name, property.value.name);
          }
        }
      }
    }
  }
  return aliases;
}

function getStatementList(statement: TSESTree.Node): TSESTree.Node[] | undefined {
  const parent = statement.parent;
  if (parent?.type === AST_NODE_TYPES.BlockStatement || parent?.type === AST_NODE_TYPES.Program) return parent.body;
  if (parent?.type === AST_NODE_TYPES.SwitchCase) return parent.consequent;
  return undefined;
}

/** True when nothing in the enclosing function (or the program) runs after `statement`. */
function isTrailing(statement: TSESTree.Statement): boolean {
  let current: TSESTree.Node = statement;
  for (;;) {
    const parent: TSESTree.Node | undefined = current.parent;
    if (!parent) return false;
    if (parent.type === AST_NODE_TYPES.Program) return parent.body.at(-1) === current;
    if (parent.type === AST_NODE_TYPES.BlockStatement) {
      if (parent.body.at(-1) !== current) return false;
      if (isFunctionNode(parent.parent)) return true;
      current = parent;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.IfStatement && current !== (parent.test as TSESTree.Node)) {
      current = parent;
      continue;
    }
    return false;
  }
}
