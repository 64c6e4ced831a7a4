import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const SERVER_BIN = path.join(__dirname, '..', '..', 'server', 'bin', 'cancel-safe-language-server.js');

/** The real server in a child process, with a real JSON-RPC connection to it over stdio. */
export interface ServerUnderTest {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly stderr: () => string;
  /** Sends shutdown + exit and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startServer(args: string[] = ['--stdio']): ServerUnderTest {
  const child = spawn(process.execPath, [SERVER_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    connection,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        try {
          await connection.sendRequest('shutdown');
          await connection.sendNotification('exit');
        } catch {
          child.kill();
        }
      }
      const code = await exited;
      connection.dispose();
      return code;
    },
  };
}

/** Resolves with the first notification of `method` whose params satisfy `predicate`. */
export function nextNotification<T>(connection: MessageConnection, method: string, predicate: (params: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no ${method} notification within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = connection.onNotification(method, (params: T) => {
      if (!predicate(params)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(params);
    });
  });
}
