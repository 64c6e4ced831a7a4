/**
 * ESLint messages to LSP diagnostics: one place decides range, severity, code, docs link, related
 * information, and how a failed lint is shown.
 */
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE } from './shared/protocol';
import type { LintOutcome, WireMessage } from './eslint/protocol';

/** The range of an ESLint message (1-based lines and columns, end exclusive) in LSP terms. */
export function rangeOf(message: Pick<WireMessage, 'line' | 'column' | 'endLine' | 'endColumn' | 'fatal'>): Range {
  const start = { line: Math.max(0, message.line - 1), character: Math.max(0, message.column - 1) };
  if (message.endLine === undefined) {
    // Parse errors and rules that report a point: underline one character so every client shows it.
    return { start, end: { line: start.line, character: start.character + 1 } };
  }
  return { start, end: { line: Math.max(0, message.endLine - 1), character: Math.max(0, (message.endColumn ?? message.column) - 1) } };
}

/** One diagnostic per message; `data` keeps the message's index so code actions find it again. */
export function toDiagnostics(outcome: LintOutcome, uri: string): Diagnostic[] {
  const diagnostics = outcome.messages.map((message, index) => toDiagnostic(message, outcome.docs, uri, index));
  if (outcome.error) diagnostics.unshift(errorDiagnostic(outcome.error.message));
  return diagnostics;
}

function toDiagnostic(message: WireMessage, docs: Record<string, string>, uri: string, index: number): Diagnostic {
  const diagnostic: Diagnostic = {
    range: rangeOf(message),
    severity: message.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: message.message,
    data: { index },
  };
  if (message.ruleId) {
    diagnostic.code = message.ruleId;
    const href = docs[message.ruleId];
    if (href) diagnostic.codeDescription = { href };
  }
  if (message.related?.length) {
    diagnostic.relatedInformation = message.related.map(
      ({ message: text, loc }): DiagnosticRelatedInformation => ({
        location: {
          uri,
          range: { start: { line: loc.start.line - 1, character: loc.start.column }, end: { line: loc.end.line - 1, character: loc.end.column } },
        },
        message: text,
      }),
    );
  }
  return diagnostic;
}

/** A lint that could not run (broken config, throwing rule, crashed worker): one error at the top of the file. */
export function errorDiagnostic(message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    message: `cancel-safe could not lint this file. ${message}`,
  };
}
