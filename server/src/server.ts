import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText, type LintMessage } from './lint';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
/** The last lint of each open document, kept for code actions on the same version. */
const lastLint = new Map<string, { version: number; messages: LintMessage[] }>();
const pending = new Map<string, ReturnType<typeof setTimeout>>();
const DEBOUNCE_MS = 150;

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  },
  serverInfo: { name: 'cancel-safe-language-server' },
}));

documents.onDidOpen(({ document }) => scheduleLint(document, 0));
documents.onDidChangeContent(({ document }) => scheduleLint(document, DEBOUNCE_MS));
documents.onDidClose(({ document }) => {
  clearTimeout(pending.get(document.uri));
  pending.delete(document.uri);
  lastLint.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

function scheduleLint(document: TextDocument, delay: number): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      void validate(document.uri);
    }, delay),
  );
}

async function validate(uri: string): Promise<void> {
  const document = documents.get(uri);
  if (!document) return;
  const version = document.version;
  let messages: LintMessage[];
  try {
    messages = await lintText(document.getText(), uriToPath(uri));
  } catch (error) {
    connection.console.error(`cancel-safe: linting ${uri} failed: ${(error as Error).stack ?? String(error)}`);
    return;
  }
  // A newer edit arrived while this lint ran: its own lint will publish.
  if (documents.get(uri)?.version !== version) return;
  lastLint.set(uri, { version, messages });
  await connection.sendDiagnostics({ uri, version, diagnostics: messages.map((message) => toDiagnostic(document, message)) });
}

function toDiagnostic(document: TextDocument, message: LintMessage): Diagnostic {
  const start = { line: Math.max(0, (message.line ?? 1) - 1), character: Math.max(0, (message.column ?? 1) - 1) };
  const end =
    message.endLine === undefined
      ? start
      : { line: Math.max(0, message.endLine - 1), character: Math.max(0, (message.endColumn ?? 1) - 1) };
  const diagnostic: Diagnostic = {
    range: { start, end },
    severity: message.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'cancel-safe',
    message: message.message,
  };
  if (message.ruleId) {
    diagnostic.code = message.ruleId;
    if (message.docsUrl) diagnostic.codeDescription = { href: message.docsUrl };
  }
  void document;
  return diagnostic;
}

connection.onCodeAction(({ textDocument, range }) => {
  const document = documents.get(textDocument.uri);
  const lint = lastLint.get(textDocument.uri);
  if (!document || !lint || lint.version !== document.version) return [];
  const actions: CodeAction[] = [];
  for (const message of lint.messages) {
    const line = (message.line ?? 1) - 1;
    const endLine = (message.endLine ?? message.line ?? 1) - 1;
    if (endLine < range.start.line || line > range.end.line) continue;
    const diagnostic = toDiagnostic(document, message);
    const edits = [
      ...(message.fix ? [{ title: `Fix this ${message.ruleId} problem`, fix: message.fix, preferred: true }] : []),
      ...(message.suggestions ?? []).map((suggestion) => ({ title: `${suggestion.desc} (${message.ruleId})`, fix: suggestion.fix, preferred: false })),
    ];
    for (const { title, fix, preferred } of edits) {
      actions.push({
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: preferred,
        edit: {
          documentChanges: [
            {
              textDocument: { uri: document.uri, version: document.version },
              edits: [{ range: { start: document.positionAt(fix.range[0]), end: document.positionAt(fix.range[1]) }, newText: fix.text }],
            },
          ],
        },
      });
    }
  }
  return actions;
});

function uriToPath(uri: string): string {
  return uri.startsWith('file://') ? decodeURIComponent(new URL(uri).pathname) : uri;
}

documents.listen(connection);
connection.listen();
