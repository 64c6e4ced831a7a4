import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import {
  AST_NODE_TYPES,
  getEnclosingFunction,
  getPropertyName,
  isFunctionNode,
  isLoopNode,
  someNode,
  sourceMayMention,
  unwrap,
  walk,
} from '../util/ast';
import { classifyArrayUse, hasLengthBound, type ArrayUse } from '../util/collections';
import { createRule } from '../util/create-rule';
import { importFromRuntime } from '../util/imports';
import { getSettings } from '../util/settings';
import { getTypeServices } from '../util/types';

export type Options = [
  {
    suggestedCapacity?: number;
    checkClassFields?: boolean;
  },
];
export type MessageId = 'unboundedQueue' | 'dropOldest' | 'useChannel';

/** An array that may be a queue: a long-lived variable or a class field, and everything done to it. */
interface Candidate {
  /** How the queue is written in messages and fixes (`queue`, `this.pending`). */
  readonly text: string;
  readonly uses: readonly ArrayUse[];
  /** True when something other than a member use touches it (passed along, returned, reassigned): the Channel rewrite would be incomplete. Lazy: only asked when a rewrite is considered. */
  readonly escapes: () => boolean;
  /** The declaration the Channel rewrite replaces (a `const`/`let` declarator or a class property), if it can. */
  readonly declaration: TSESTree.VariableDeclarator | TSESTree.PropertyDefinition | undefined;
  readonly isArray: (node: TSESTree.Node) => boolean;
}

/** What one class body does with its fields, gathered while ESLint walks it. */
interface ClassFrame {
  readonly body: TSESTree.ClassBody;
  readonly declarations: Map<string, TSESTree.PropertyDefinition | undefined>;
  /** Every `this.x` member expression in the body, by field name. */
  readonly members: Map<string, TSESTree.MemberExpression[]>;
  /** Type-annotated fields, asked about (is it an array?) at the class's exit only if their uses look like a queue. */
  readonly typedFields: Map<string, TSESTree.PropertyDefinition>;
}

/** How items enter and leave an array used as a FIFO queue. */
interface QueueOrder {
  readonly enqueue: 'push' | 'unshift';
  readonly dequeue: 'shift' | 'splice' | 'pop';
}

/**
 * The one test of "these uses make a FIFO queue": `push` with `shift` (or `splice(0, …)`), or
 * `unshift` with `pop`. Undefined for a stack, a list, or a buffer flushed all at once. A single
 * pass over the uses, cheap enough to run before asking the type checker about a binding.
 */
function getQueueOrder(uses: readonly ArrayUse[]): QueueOrder | undefined {
  let push = false;
  let shift = false;
  let spliceFromStart = false;
  let unshift = false;
  let pop = false;
  for (const use of uses) {
    const kind = use.kind;
    if (kind === 'push') push = true;
    else if (kind === 'shift') shift = true;
    else if (kind === 'splice') spliceFromStart ||= isZero(use.call?.arguments[0]);
    else if (kind === 'unshift') unshift = true;
    else if (kind === 'pop') pop = true;
  }
  if (push && (shift || spliceFromStart)) return { enqueue: 'push', dequeue: shift ? 'shift' : 'splice' };
  if (unshift && pop) return { enqueue: 'unshift', dequeue: 'pop' };
  return undefined;
}

export default createRule<Options, MessageId>({
  name: 'no-unbounded-queue',
  meta: {
    type: 'suggestion',
    docs: {
      description: 'Disallow arrays used as long-lived FIFO queues without a bound on their length',
      recommended: 'warn',
    },
    hasSuggestions: true,
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          suggestedCapacity: {
            type: 'integer',
            minimum: 1,
            description: 'The capacity the suggestions write in (the Channel capacity, or the length at which the oldest item is dropped).',
          },
          checkClassFields: {
            type: 'boolean',
            description: 'Also check class fields (`this.queue = []`, `queue = []`), not only module-level and closure-captured arrays.',
          },
        },
      },
    ],
    messages: {
      unboundedQueue:
        '`{{queue}}` is used as a queue (items enter with `{{enqueue}}()` and leave with `{{dequeue}}()`) but nothing bounds its length, so when producers outpace the consumer it grows until the process runs out of memory. Use a bounded `Channel` from cancel-safe (`await send()` waits, `trySend()` sheds load) or check `{{queue}}.length` against a limit before adding.',
      dropOldest: 'Drop the oldest item once the queue holds {{capacity}}.',
      useChannel: 'Use a `Channel` from cancel-safe with capacity {{capacity}}.',
    },
  },
  defaultOptions: [{ suggestedCapacity: 1000, checkClassFields: true }],
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    const services = getTypeServices(context);
    const settings = getSettings(context);
    // A FIFO queue takes items out with `shift`/`splice` (or `pop` after `unshift`): without one, nothing to report.
    if (!sourceMayMention(sourceCode.text, /shift|splice/)) return {};
    const capacity = options.suggestedCapacity ?? 1000;
    const candidates: Candidate[] = [];
    /** One frame per enclosing class body. */
    const frames: ClassFrame[] = [];

    return {
      // Without types only `[]`, `[] as T[]` and `new Array()` start a candidate; with types any array-typed binding may.
      [services
        ? 'VariableDeclarator'
        : 'VariableDeclarator[init.type=/^(?:ArrayExpression|NewExpression|CallExpression|TSAsExpression|TSSatisfiesExpression)$/]'](
        node: TSESTree.VariableDeclarator,
      ) {
        if (node.id.type !== AST_NODE_TYPES.Identifier) return;
        const literal = isArrayInitializer(node.init);
        // Without types a call or `new` other than `new Array()` cannot be shown to make an array.
        if (!literal && (!services || !node.init)) return;
        const variable = sourceCode.getDeclaredVariables(node)[0];
        if (!variable || !outlivesOneCall(variable)) return;
        const name = node.id.name;
        const uses: ArrayUse[] = [];
        let escapes = false;
        for (const reference of variable.references) {
          if (reference.init) continue;
          const parent = reference.identifier.parent;
          if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === reference.identifier) uses.push(classifyArrayUse(parent));
          else escapes = true;
        }
        // The type checker is the expensive part: ask it only about a binding used like a queue.
        if (!literal && !(getQueueOrder(uses) && isArrayTyped(node.id))) return;
        candidates.push({
          text: name,
          uses,
          escapes: () => escapes,
          declaration: literal ? node : undefined,
          isArray: (candidate) => candidate.type === AST_NODE_TYPES.Identifier && candidate.name === name,
        });
      },
      ...(options.checkClassFields === false
        ? {}
        : {
            ClassBody: enterClass,
            'ClassBody:exit': exitClass,
            // Only `this.x.y` (a use of a field's member) and `this.x = …` matter; other `this.x` are counted lazily (see countThisMembers).
            'MemberExpression[object.type="MemberExpression"][object.object.type="ThisExpression"]': (node: TSESTree.MemberExpression) =>
              recordThisMember(node.object as TSESTree.MemberExpression),
            'AssignmentExpression[left.type="MemberExpression"][left.object.type="ThisExpression"]': (node: TSESTree.AssignmentExpression) =>
              recordThisMember(node.left as TSESTree.MemberExpression),
          }),
      'Program:exit'() {
        for (const candidate of candidates) check(candidate);
      },
    };

    function check(candidate: Candidate): void {
      const order = getQueueOrder(candidate.uses);
      if (!order) return;
      const { enqueue, dequeue } = order;
      const channelFix = getChannelRewrite(candidate);
      for (const use of candidate.uses) {
        if (use.kind !== enqueue || !use.call) continue;
        if (isWorklistPush(use.call, candidate) || isStreamManaged(use.call) || isInitialisation(use.call) || isHookRegistration(use.call)) continue;
        const fn = getEnclosingFunction(use.call);
        const scope = fn ? fn.body : sourceCode.ast;
        if (hasLengthBound(sourceCode, scope, candidate.isArray)) continue;
        const suggest: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
        const statement = getStatement(use.call);
        if (enqueue === 'push' && dequeue === 'shift' && statement) {
          suggest.push({
            messageId: 'dropOldest',
            data: { capacity: String(capacity) },
            fix: (fixer) => {
              const guard = `if (${candidate.text}.length >= ${capacity}) ${candidate.text}.shift();`;
              const original = sourceCode.getText(statement);
              const inBlock = [AST_NODE_TYPES.BlockStatement, AST_NODE_TYPES.Program, AST_NODE_TYPES.SwitchCase, AST_NODE_TYPES.StaticBlock].includes(
                statement.parent!.type,
              );
              const indent = ' '.repeat(statement.loc.start.column);
              return fixer.replaceText(statement, inBlock ? `${guard}\n${indent}${original}` : `{ ${guard} ${original} }`);
            },
          });
        }
        if (channelFix) suggest.push({ messageId: 'useChannel', data: { capacity: String(capacity) }, fix: channelFix });
        context.report({
          node: use.call,
          messageId: 'unboundedQueue',
          data: { queue: candidate.text, enqueue, dequeue },
          suggest,
        });
      }
    }

    /** Module-level, or captured by a function other than the one that declares it (a listener, a timer, a method). */
    function outlivesOneCall(variable: TSESLint.Scope.Variable): boolean {
      const scopeType = variable.scope.type;
      if (scopeType === 'module' || scopeType === 'global') return true;
      return variable.references.some((reference) => reference.from.variableScope !== variable.scope.variableScope);
    }

    function isArrayTyped(node: TSESTree.Node): boolean {
      if (!services) return false;
      const checker = services.program.getTypeChecker();
      const type = services.getTypeAtLocation(node);
      return checker.isArrayType(type);
    }

    /**
     * Class fields initialised to `[]` (or, with types, declared as arrays) and every `this.field`
     * use inside the class, gathered during ESLint's own traversal (one frame per class body).
     */
    function enterClass(body: TSESTree.ClassBody): void {
      const frame: ClassFrame = { body, declarations: new Map(), members: new Map(), typedFields: new Map() };
      for (const member of body.body) {
        if (member.type !== AST_NODE_TYPES.PropertyDefinition || member.static) continue;
        const name = fieldName(member.key, member.computed);
        if (name === undefined) continue;
        // A later declaration of the same name wins, as it would in a single pass.
        if (isArrayInitializer(member.value)) {
          frame.declarations.set(name, member);
          frame.typedFields.delete(name);
        } else if (member.typeAnnotation && services) frame.typedFields.set(name, member);
      }
      frames.push(frame);
    }

    function exitClass(): void {
      const frame = frames.pop();
      if (!frame) return;
      const { declarations } = frame;
      const assigned = new Set<string>();
      const escapes = new Set<string>();
      const uses = new Map<string, ArrayUse[]>();
      const recordedCounts = new Map<string, number>();
      for (const [name, members] of frame.members) {
        for (const member of members) {
          if (!isClassThis(member, frame.body)) continue;
          recordedCounts.set(name, (recordedCounts.get(name) ?? 0) + 1);
          const parent = member.parent;
          if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === member) {
            if (isArrayInitializer(parent.right)) {
              if (!declarations.has(name)) declarations.set(name, undefined);
            } else escapes.add(name);
            assigned.add(name);
          } else if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === member) {
            const list = uses.get(name);
            if (list) list.push(classifyArrayUse(parent));
            else uses.set(name, [classifyArrayUse(parent)]);
          } else escapes.add(name);
        }
      }
      for (const [name, member] of frame.typedFields) {
        const fieldUses = uses.get(name);
        if (fieldUses && getQueueOrder(fieldUses) && isArrayTyped(member.key)) declarations.set(name, undefined);
      }
      for (const [name, declaration] of declarations) {
        const fieldUses = uses.get(name);
        if (!fieldUses) continue;
        const recorded = recordedCounts.get(name) ?? 0;
        candidates.push({
          text: `this.${name}`,
          uses: fieldUses,
          escapes: () => escapes.has(name) || assigned.has(name) || countThisMembers(frame.body, name) > recorded,
          declaration,
          isArray: (node) =>
            node.type === AST_NODE_TYPES.MemberExpression &&
            node.object.type === AST_NODE_TYPES.ThisExpression &&
            fieldName(node.property, node.computed) === name,
        });
      }
    }

    /** Records `this.x` cheaply; whether `this` is the instance and what the use is are decided at the class's exit, for candidate fields only. */
    function recordThisMember(member: TSESTree.MemberExpression): void {
      const frame = frames.at(-1);
      if (!frame) return;
      const name = fieldName(member.property, member.computed);
      if (name === undefined) return;
      const list = frame.members.get(name);
      if (list) list.push(member);
      else frame.members.set(name, [member]);
    }

    /** Every `this.name` in the class body that belongs to its instance (only run for fields a Channel rewrite is considered for). */
    function countThisMembers(body: TSESTree.ClassBody, name: string): number {
      let count = 0;
      walk(body, sourceCode.visitorKeys, (node) => {
        if (
          node.type === AST_NODE_TYPES.MemberExpression &&
          node.object.type === AST_NODE_TYPES.ThisExpression &&
          fieldName(node.property, node.computed) === name &&
          isClassThis(node, body)
        ) {
          count++;
        }
        return true;
      });
      return count;
    }

    /** `while (queue.length) { const next = queue.shift(); …; queue.push(child) }`: a worklist drained in place, not a producer queue. */
    function isWorklistPush(call: TSESTree.CallExpression, candidate: Candidate): boolean {
      for (let node: TSESTree.Node | undefined = call.parent; node; node = node.parent) {
        if (isFunctionNode(node)) return false;
        if (isLoopNode(node) && 'test' in node && node.test && mentionsLength(node.test, candidate)) return true;
      }
      return false;
    }

    function mentionsLength(test: TSESTree.Node, candidate: Candidate): boolean {
      return someNode(
        test,
        sourceCode.visitorKeys,
        (node) => node.type === AST_NODE_TYPES.MemberExpression && getPropertyName(node) === 'length' && candidate.isArray(node.object),
      );
    }

    /**
     * The whole-queue rewrite to a Channel, when every use maps onto it: `push(x)` statements
     * (→ `await send(x)` in async code, `trySend(x)` elsewhere), `shift()` in async functions
     * (→ `await recv()`), and `length` reads (→ `size`). Anything else (indexing, iteration,
     * passing the array on) and the rewrite is not offered.
     */
    function getChannelRewrite(candidate: Candidate): TSESLint.ReportFixFunction | undefined {
      const declaration = candidate.declaration;
      if (!declaration || candidate.escapes()) return undefined;
      for (const use of candidate.uses) {
        if (use.kind === 'length') continue;
        if (use.kind === 'push' && use.call && use.call.arguments.length === 1 && use.call.arguments[0]!.type !== AST_NODE_TYPES.SpreadElement && isResultIgnored(use.call)) continue;
        if (use.kind === 'shift' && use.call && use.call.arguments.length === 0 && getEnclosingFunction(use.call)?.async === true && !use.call.optional) continue;
        return undefined;
      }
      return (fixer) => {
        const runtime = importFromRuntime(fixer, sourceCode, settings.runtimeModule, ['Channel']);
        const fixes = [...runtime.fixes];
        const channel = runtime.names['Channel']!;
        const typeArgument = getElementTypeText(declaration);
        const init = `new ${channel}${typeArgument}(${capacity})`;
        if (declaration.type === AST_NODE_TYPES.VariableDeclarator) {
          fixes.push(fixer.replaceText(declaration, `${(declaration.id as TSESTree.Identifier).name} = ${init}`));
        } else {
          const end = declaration.typeAnnotation ? declaration.typeAnnotation.range[0] : declaration.key.range[1];
          fixes.push(fixer.replaceTextRange([end, declaration.value!.range[1]], ` = ${init}`));
        }
        for (const use of candidate.uses) {
          const property = use.member.property;
          if (use.kind === 'length') fixes.push(fixer.replaceText(property, 'size'));
          else if (use.kind === 'push') {
            const inAsync = getEnclosingFunction(use.call!)?.async === true;
            fixes.push(fixer.replaceText(property, inAsync ? 'send' : 'trySend'));
            if (inAsync) fixes.push(fixer.insertTextBefore(use.call!, 'await '));
          } else if (use.kind === 'shift') {
            const needsParens = use.call!.parent?.type === AST_NODE_TYPES.MemberExpression;
            fixes.push(fixer.replaceText(property, 'recv'));
            fixes.push(fixer.insertTextBefore(use.call!, needsParens ? '(await ' : 'await '));
            if (needsParens) fixes.push(fixer.insertTextAfter(use.call!, ')'));
          }
        }
        return fixes;
      };
    }

    /** `<Job>` from `const q: Job[] = []` or `queue: Array<Job> = []`, else nothing. */
    function getElementTypeText(declaration: TSESTree.VariableDeclarator | TSESTree.PropertyDefinition): string {
      const annotation =
        declaration.type === AST_NODE_TYPES.VariableDeclarator
          ? (declaration.id as TSESTree.Identifier).typeAnnotation?.typeAnnotation
          : declaration.typeAnnotation?.typeAnnotation;
      if (annotation?.type === AST_NODE_TYPES.TSArrayType) return `<${sourceCode.getText(annotation.elementType)}>`;
      if (
        annotation?.type === AST_NODE_TYPES.TSTypeReference &&
        annotation.typeName.type === AST_NODE_TYPES.Identifier &&
        annotation.typeName.name === 'Array' &&
        annotation.typeArguments?.params.length === 1
      ) {
        return `<${sourceCode.getText(annotation.typeArguments.params[0]!)}>`;
      }
      return '';
    }
  },
});

/** Stream implementation methods: Node calls them one chunk at a time, after the previous callback, so the stream bounds what they buffer. */
const STREAM_METHODS = new Set(['_write', '_writev', '_transform', '_read']);

/** An enqueue inside `_write`/`_transform` (a method, or `writable._write = (…) => …`): bounded by the stream's own backpressure. */
function isStreamManaged(call: TSESTree.CallExpression): boolean {
  const fn = getEnclosingFunction(call);
  const parent = fn?.parent;
  if (parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.Property) {
    return STREAM_METHODS.has(fieldName(parent.key, parent.computed) ?? '');
  }
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left.type === AST_NODE_TYPES.MemberExpression) {
    return STREAM_METHODS.has(getPropertyName(parent.left) ?? '');
  }
  return false;
}

/** A push that runs while a constructor fills the queue from its arguments (directly or in a `forEach`), not from a producer. */
function isInitialisation(call: TSESTree.CallExpression): boolean {
  let fn = getEnclosingFunction(call);
  while (fn && fn.parent?.type === AST_NODE_TYPES.CallExpression && fn.parent.arguments[0] === fn && ['forEach', 'map'].includes(getPropertyNameOf(fn.parent.callee))) {
    fn = getEnclosingFunction(fn);
  }
  return fn?.parent?.type === AST_NODE_TYPES.MethodDefinition && fn.parent.kind === 'constructor';
}

function getPropertyNameOf(callee: TSESTree.Node): string {
  const node = unwrap(callee);
  return node.type === AST_NODE_TYPES.MemberExpression ? (getPropertyName(node) ?? '') : '';
}

/** `cleanups.push(() => …)`: a list of callbacks to run later, sized by the code that registers them, not by traffic. */
function isHookRegistration(call: TSESTree.CallExpression): boolean {
  const [argument] = call.arguments;
  return argument !== undefined && isFunctionNode(unwrap(argument));
}

/**
 * True when `this` in `member` is the instance of the class `body` belongs to: the nearest
 * non-arrow function is one of its methods or field initialisers (a nested `function` rebinds `this`).
 */
function isClassThis(member: TSESTree.MemberExpression, body: TSESTree.ClassBody): boolean {
  for (let node: TSESTree.Node | undefined = member.parent; node; node = node.parent) {
    if (node === body) return true;
    if (node.type === AST_NODE_TYPES.FunctionExpression || node.type === AST_NODE_TYPES.FunctionDeclaration) {
      return (node.parent?.type === AST_NODE_TYPES.MethodDefinition || node.parent?.type === AST_NODE_TYPES.PropertyDefinition) && node.parent.parent === body;
    }
    if (node.type === AST_NODE_TYPES.PropertyDefinition) return node.parent === body;
  }
  return false;
}

function isArrayInitializer(node: TSESTree.Node | null | undefined): boolean {
  if (!node) return false;
  const value = unwrap(node);
  if (value.type === AST_NODE_TYPES.ArrayExpression) return true;
  return (
    (value.type === AST_NODE_TYPES.NewExpression || value.type === AST_NODE_TYPES.CallExpression) &&
    value.callee.type === AST_NODE_TYPES.Identifier &&
    value.callee.name === 'Array' &&
    value.arguments.length === 0
  );
}

function fieldName(key: TSESTree.Node, computed: boolean): string | undefined {
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  return undefined;
}

function isZero(node: TSESTree.Node | undefined): boolean {
  return node?.type === AST_NODE_TYPES.Literal && node.value === 0;
}

/** `q.push(x);` or `(x) => q.push(x)`: the new length that push returns is never read. */
function isResultIgnored(call: TSESTree.CallExpression): boolean {
  if (getStatement(call)) return true;
  const parent = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
  return parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === call;
}

/** The expression statement that is exactly this call (`q.push(x);`), if any. */
function getStatement(call: TSESTree.CallExpression): TSESTree.ExpressionStatement | undefined {
  const parent = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent.parent : call.parent;
  return parent?.type === AST_NODE_TYPES.ExpressionStatement ? parent : undefined;
}
