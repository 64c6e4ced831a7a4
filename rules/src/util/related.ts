import type { TSESLint, TSESTree } from '@typescript-eslint/utils';

/**
 * Secondary locations for a report (where the losing branch of a race was created, where a queue
 * is drained, ...). ESLint's results carry no extra data, so they travel through a sink that the
 * cancel-safe language server installs in its lint worker at
 * `globalThis[Symbol.for('cancel-safe.relatedLocations')]` and turns into LSP `relatedInformation`.
 * Under the CLI or plain ESLint there is no sink and only the report itself is made.
 */
export interface RelatedLocation {
  /** One sentence shown next to the location, e.g. "The timer is created here.". */
  message: string;
  /** The node or token to point at; or give `loc`. */
  node?: TSESTree.Node | TSESTree.Token;
  loc?: TSESTree.SourceLocation;
}

const SINK = Symbol.for('cancel-safe.relatedLocations');

/**
 * `context.report(descriptor)` plus secondary locations for editors.
 * @param context the rule context.
 * @param descriptor exactly what `context.report` takes.
 * @param related the secondary locations; entries without `node` or `loc` are skipped.
 * @example reportWithRelated(context, { node: race, messageId: 'leakyTimer' }, [{ node: timer, message: 'The timer is created here.' }]);
 */
export function reportWithRelated<MessageIds extends string>(
  context: Readonly<TSESLint.RuleContext<MessageIds, readonly unknown[]>>,
  descriptor: TSESLint.ReportDescriptor<MessageIds>,
  related: readonly RelatedLocation[],
): void {
  context.report(descriptor);
  const sink = (globalThis as Record<symbol, unknown>)[SINK];
  if (typeof sink !== 'function') return;
  const start = 'loc' in descriptor && descriptor.loc ? ('start' in descriptor.loc ? descriptor.loc.start : descriptor.loc) : 'node' in descriptor && descriptor.node ? descriptor.node.loc.start : undefined;
  if (!start) return;
  const locations = related.flatMap(({ message, node, loc }) => {
    const where = loc ?? node?.loc;
    return where ? [{ message, loc: { start: { ...where.start }, end: { ...where.end } } }] : [];
  });
  if (locations.length === 0) return;
  (sink as (record: unknown) => void)({
    filename: context.filename,
    ruleId: context.id,
    messageId: descriptor.messageId,
    line: start.line,
    column: start.column,
    related: locations,
  });
}
