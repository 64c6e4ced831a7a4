import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, getPropertyName, isFunctionNode, someNode, unwrap, walk } from './ast';

type SourceCode = Readonly<TSESLint.SourceCode>;

/** One use of an array: `q.push(x)`, `q.shift()`, `q.length`, `q.length = 0`, or anything else. */
export interface ArrayUse {
  readonly member: TSESTree.MemberExpression;
  /** The method called on the array (`push`), `length` for a read, `length=` for an assignment, or undefined. */
  readonly kind: string | undefined;
  /** The call, when `kind` is a method. */
  readonly call: TSESTree.CallExpression | undefined;
}

/** Classifies a member expression `q.x` whose object is the array. */
export function classifyArrayUse(member: TSESTree.MemberExpression): ArrayUse {
  const name = member.property.type === AST_NODE_TYPES.PrivateIdentifier ? undefined : getPropertyName(member);
  let outer: TSESTree.Node = member;
  if (outer.parent?.type === AST_NODE_TYPES.ChainExpression) outer = outer.parent;
  const parent = member.parent;
  if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === member) {
    return { member, kind: name, call: parent };
  }
  if (name === 'length') {
    const assigned = outer.parent?.type === AST_NODE_TYPES.AssignmentExpression && outer.parent.left === outer;
    return { member, kind: assigned ? 'length=' : 'length', call: undefined };
  }
  return { member, kind: undefined, call: undefined };
}

const RELATIONAL = new Set(['<', '<=', '>', '>=', '===', '!==', '==', '!=']);
/**
 * Names that, in a condition, reveal a capacity check hidden behind a helper (`this.isFull()`,
 * `size >= maxSize`) or a flow-control flag (`if (this.transport.writable)`, engine.io's flush).
 */
const CAPACITY_NAME = /full|Full|capacity|Capacity|^max|Max|limit|Limit|highWaterMark|HighWaterMark|writable|Writable|needDrain|NeedDrain/;

/**
 * True when `scope` (a function body, not its nested functions) bounds the array whose uses are
 * recognised by `isArray`: it compares the array's `length` with a bound (anything but 0 or 1,
 * which mean "empty"/"first item"), assigns its `length`, `splice`s it using its length, or tests
 * a condition named like a capacity (`isFull()`, `pending >= maxPending`).
 */
export function hasLengthBound(
  sourceCode: SourceCode,
  scope: TSESTree.Node,
  isArray: (node: TSESTree.Node) => boolean,
): boolean {
  let found = false;
  const isLengthOfArray = (node: TSESTree.Node): boolean => {
    const unwrapped = unwrap(node);
    return unwrapped.type === AST_NODE_TYPES.MemberExpression && getPropertyName(unwrapped) === 'length' && isArray(unwrapped.object);
  };
  walk(scope, sourceCode.visitorKeys, (node) => {
    if (found) return false;
    if (node !== scope && isFunctionNode(node)) return false;
    if (node.type === AST_NODE_TYPES.BinaryExpression && RELATIONAL.has(node.operator)) {
      const [lengthSide, other] = isLengthOfArray(node.left) ? [node.left, node.right] : isLengthOfArray(node.right) ? [node.right, node.left] : [];
      if (lengthSide && other && !isEmptyOrFirst(other)) found = true;
    } else if (node.type === AST_NODE_TYPES.AssignmentExpression && isLengthOfArray(node.left)) {
      found = true;
    } else if (
      node.type === AST_NODE_TYPES.CallExpression &&
      node.callee.type === AST_NODE_TYPES.MemberExpression &&
      getPropertyName(node.callee) === 'splice' &&
      isArray(node.callee.object) &&
      node.arguments.some((argument) => mentions(sourceCode, argument, isLengthOfArray))
    ) {
      found = true;
    } else if (
      (node.type === AST_NODE_TYPES.IfStatement || node.type === AST_NODE_TYPES.ConditionalExpression || node.type === AST_NODE_TYPES.WhileStatement) &&
      mentions(sourceCode, node.test, (child) =>
        (child.type === AST_NODE_TYPES.Identifier && CAPACITY_NAME.test(child.name)) ||
        (child.type === AST_NODE_TYPES.MemberExpression && CAPACITY_NAME.test(getPropertyName(child) ?? '')),
      )
    ) {
      found = true;
    }
    return !found;
  });
  return found;
}

function isEmptyOrFirst(node: TSESTree.Node): boolean {
  const unwrapped = unwrap(node);
  return unwrapped.type === AST_NODE_TYPES.Literal && (unwrapped.value === 0 || unwrapped.value === 1);
}

function mentions(sourceCode: SourceCode, root: TSESTree.Node | null, predicate: (node: TSESTree.Node) => boolean): boolean {
  return root !== null && someNode(root, sourceCode.visitorKeys, predicate);
}
