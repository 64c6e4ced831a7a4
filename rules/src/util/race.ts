import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { unwrap } from './ast';
import { isGlobal, resolveOrigin } from './references';
import type { CancelSafeSettings } from './settings';

/** A call to a race helper and the promises it races. */
export interface RaceCall {
  readonly call: TSESTree.CallExpression;
  /** The raced elements, with array spreads of literal arrays flattened; holes and other spreads dropped. */
  readonly elements: readonly TSESTree.Expression[];
  /** True when the raced iterable had parts we could not see (a spread of a variable, a non-literal). */
  readonly hasUnknownElements: boolean;
}

/**
 * Recognises `Promise.race([...])`, `Promise.any([...])` (unless `Promise` is shadowed) and the
 * callees named in `settings['cancel-safe'].raceHelpers`.
 */
export function getRaceCall(
  sourceCode: Readonly<TSESLint.SourceCode>,
  settings: CancelSafeSettings,
  call: TSESTree.CallExpression,
): RaceCall | undefined {
  if (!isRaceHelper(sourceCode, settings, call.callee)) return undefined;
  const argument = call.arguments[0];
  if (!argument) return undefined;
  const elements: TSESTree.Expression[] = [];
  const unwrapped = unwrap(argument);
  if (unwrapped.type !== AST_NODE_TYPES.ArrayExpression) return { call, elements, hasUnknownElements: true };
  let hasUnknownElements = false;
  for (const element of unwrapped.elements) {
    if (!element) continue;
    if (element.type === AST_NODE_TYPES.SpreadElement) {
      const spread = unwrap(element.argument);
      if (spread.type === AST_NODE_TYPES.ArrayExpression) {
        for (const inner of spread.elements) if (inner && inner.type !== AST_NODE_TYPES.SpreadElement) elements.push(inner);
      } else hasUnknownElements = true;
      continue;
    }
    elements.push(element);
  }
  return { call, elements, hasUnknownElements };
}

export function isRaceHelper(
  sourceCode: Readonly<TSESLint.SourceCode>,
  settings: CancelSafeSettings,
  callee: TSESTree.Node,
): boolean {
  const origin = resolveOrigin(sourceCode, callee);
  if (isGlobal(origin, 'Promise', 'race') || isGlobal(origin, 'Promise', 'any')) return true;
  if (settings.raceHelpers.length === 0) return false;
  const text = sourceCode.getText(unwrap(callee)).replace(/\s+/g, '').replace(/\?\./g, '.');
  return settings.raceHelpers.includes(text);
}
