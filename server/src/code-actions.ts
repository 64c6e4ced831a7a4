/**
 * Code actions built from the last lint of a document version, as literal workspace edits checked
 * against that version (so they work in every client and in previews). The rules' own fixes and
 * suggestions are applied verbatim: the server never rewrites a fix.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Commands, FIX_ALL_CODE_ACTION_KIND } from './shared/protocol';
import type { WireMessage } from './eslint/protocol';

type Fix = NonNullable<WireMessage['fix']>;

/** What the actions are computed from: the document at the linted version and that lint's result. */
export interface LintedDocument {
  document: TextDocument;
  messages: readonly WireMessage[];
  diagnostics: readonly Diagnostic[];
  docs: Record<string, string>;
}

/** Quick fixes for the diagnostics on the lines of `range`, in vscode-eslint's order. */
export function quickFixes(linted: LintedDocument, range: Range): CodeAction[] {
  const { document, messages, diagnostics } = linted;
  const actions: CodeAction[] = [];
  const fixesByRule = new Map<string, Fix[]>();
  for (const message of messages) {
    if (message.ruleId && message.fix) fixesByRule.set(message.ruleId, [...(fixesByRule.get(message.ruleId) ?? []), message.fix]);
  }
  const seenRules = new Set<string>();
  const diagnosticOf = (message: WireMessage) => diagnostics.find((d) => (d.data as { index?: number } | undefined)?.index === messages.indexOf(message));
  const under = messages.filter((message) => {
    const d = diagnosticOf(message);
    return d !== undefined && intersects(d.range, range);
  });
  for (const message of under) {
    const diagnostic = diagnosticOf(message)!;
    const ruleId = message.ruleId;
    if (!ruleId) continue;
    if (message.fix) actions.push(action(`Fix this ${ruleId} problem`, CodeActionKind.QuickFix, document, [message.fix], [diagnostic], true));
    for (const suggestion of message.suggestions ?? []) {
      actions.push(action(`${suggestion.desc} (${ruleId})`, CodeActionKind.QuickFix, document, [suggestion.fix], [diagnostic], false));
    }
    if (seenRules.has(ruleId)) continue;
    seenRules.add(ruleId);
    const ruleFixes = fixesByRule.get(ruleId) ?? [];
    if (ruleFixes.length > 1) {
      const ruleDiagnostics = diagnostics.filter((d) => d.code === ruleId);
      actions.push(action(`Fix all ${ruleId} problems`, CodeActionKind.QuickFix, document, ruleFixes, ruleDiagnostics, false));
    }
    actions.push(edit(`Disable ${ruleId} for this line`, document, [disableLineEdit(document, message.line - 1, ruleId)], [diagnostic]));
    actions.push(edit(`Disable ${ruleId} for the entire file`, document, [disableFileEdit(document, ruleId)], [diagnostic]));
    const url = linted.docs[ruleId];
    if (url) {
      actions.push({
        title: `Show documentation for ${ruleId}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: `Show documentation for ${ruleId}`, command: Commands.showDocumentation, arguments: [url] },
      });
    }
  }
  const allFixes = messages.flatMap((message) => (message.fix ? [message.fix] : []));
  if (under.length > 0 && allFixes.length > 1 && fixesByRule.size > 1) {
    actions.push(action('Fix all auto-fixable cancel-safe problems', CodeActionKind.QuickFix, document, allFixes, [], false));
  }
  return actions;
}

/** `source.fixAll.cancel-safe`: every fix of the file (never a suggestion); undefined when there is none. */
export function fixAllAction(linted: LintedDocument): CodeAction | undefined {
  const edits = fixAllEdits(linted.document, linted.messages);
  if (edits.length === 0) return undefined;
  return {
    title: 'Fix all auto-fixable cancel-safe problems',
    kind: FIX_ALL_CODE_ACTION_KIND,
    edit: workspaceEdit(linted.document, edits),
  };
}

/** The edits of every fix in the file, as one ESLint fix pass would apply them (overlapping fixes skipped). */
export function fixAllEdits(document: TextDocument, messages: readonly WireMessage[]): TextEdit[] {
  return compose(document, messages.flatMap((message) => (message.fix ? [message.fix] : [])));
}

export function workspaceEdit(document: TextDocument, edits: TextEdit[]): WorkspaceEdit {
  return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits }] };
}

function action(title: string, kind: string, document: TextDocument, fixes: readonly Fix[], diagnostics: Diagnostic[], preferred: boolean): CodeAction {
  return { title, kind, diagnostics, isPreferred: preferred, edit: workspaceEdit(document, compose(document, fixes)) };
}

function edit(title: string, document: TextDocument, edits: TextEdit[], diagnostics: Diagnostic[]): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics, edit: workspaceEdit(document, edits) };
}

/**
 * ESLint's SourceCodeFixer rule for one pass: fixes in source order, a fix that starts at or
 * before the end of the previous one is left for the next lint.
 */
function compose(document: TextDocument, fixes: readonly Fix[]): TextEdit[] {
  const sorted = [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const edits: TextEdit[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const fix of sorted) {
    if (last >= fix.range[0] || fix.range[0] > fix.range[1]) continue;
    edits.push({ range: { start: document.positionAt(fix.range[0]), end: document.positionAt(fix.range[1]) }, newText: fix.text });
    last = fix.range[1];
  }
  return edits;
}

const NEXT_LINE = /^(\s*)\/\/\s*eslint-disable-next-line\b([^\n]*?)(\s+--[^\n]*)?$/;
const FILE_DISABLE = /^\/\*\s*eslint-disable(?![-\w])([^*]*?)\s*\*\//;

/** `// eslint-disable-next-line <rule>` above `line`, merged into an existing one there. */
export function disableLineEdit(document: TextDocument, line: number, ruleId: string): TextEdit {
  const lineText = (n: number) => document.getText({ start: { line: n, character: 0 }, end: { line: n + 1, character: 0 } }).replace(/\r?\n$/, '');
  if (line > 0) {
    const previous = lineText(line - 1);
    const match = NEXT_LINE.exec(previous);
    if (match) {
      const rules = (match[2] ?? '').trim();
      // An empty list already disables every rule; a list with the rule is already enough.
      if (rules === '' || rules.split(/\s*,\s*/).includes(ruleId)) return { range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } }, newText: '' };
      const at = previous.slice(0, previous.length - (match[3]?.length ?? 0)).trimEnd().length;
      return { range: { start: { line: line - 1, character: at }, end: { line: line - 1, character: at } }, newText: `, ${ruleId}` };
    }
  }
  const indent = /^\s*/.exec(lineText(line))![0];
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}// eslint-disable-next-line ${ruleId}\n` };
}

/** `/* eslint-disable <rule> *\/` at the top of the file (after a shebang), merged into an existing one. */
export function disableFileEdit(document: TextDocument, ruleId: string): TextEdit {
  const text = document.getText();
  const start = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
  if (start === 0 && text.startsWith('#!')) {
    // A shebang with no newline: the comment goes on a new line after it.
    return { range: { start: document.positionAt(text.length), end: document.positionAt(text.length) }, newText: `\n/* eslint-disable ${ruleId} */` };
  }
  const match = FILE_DISABLE.exec(text.slice(start));
  if (match) {
    const rules = (match[1] ?? '').trim();
    const position = document.positionAt(start);
    if (rules === '' || rules.split(/\s*,\s*/).includes(ruleId)) return { range: { start: position, end: position }, newText: '' };
    const at = start + match.index + match[0].indexOf(rules) + rules.length;
    return { range: { start: document.positionAt(at), end: document.positionAt(at) }, newText: `, ${ruleId}` };
  }
  const position = document.positionAt(start);
  return { range: { start: position, end: position }, newText: `/* eslint-disable ${ruleId} */\n` };
}

/** Line-wise, as editors ask for the fixes of the cursor's line (Neovim sends the line's diagnostics). */
function intersects(a: Range, b: Range): boolean {
  return a.start.line <= b.end.line && b.start.line <= a.end.line;
}
