// Driven by test/runtime/node.test.ts, which sends it real signals. argv[2] picks the scenario;
// every step is printed so the test can assert the order of events and the exit code.
import { onShutdown } from 'cancel-safe/node';
import { sleep } from 'cancel-safe';

const scenario = process.argv[2];
const log = (line) => process.stdout.write(`${line}\n`);

if (scenario === 'graceful') {
  const { token, tracker, done } = onShutdown(async ({ signal, token, tracker }) => {
    log(`handler ${signal} cancelled=${token.isCancelled} closed=${tracker.isClosed}`);
  });
  // A request in flight: it notices the token and finishes its work before the process exits.
  void tracker.spawn(async () => {
    await token.cancelled();
    await sleep(50);
    log('task finished');
  });
  const keepAlive = setInterval(() => {}, 1_000); // a server's listening socket
  token.cancelled().then(() => clearInterval(keepAlive));
  done.then(() => log(`done exitCode=${process.exitCode}`));
} else if (scenario === 'second-signal') {
  const { tracker } = onShutdown(() => log('handler'));
  void tracker.spawn(() => new Promise(() => setInterval(() => {}, 1_000))); // never finishes
} else if (scenario === 'deadline-exit') {
  const { tracker, done } = onShutdown(() => log('handler'), { timeout: 100, exit: true });
  void tracker.spawn(() => new Promise(() => setInterval(() => {}, 1_000)));
  done.then(() => log(`deadline passed exitCode=${process.exitCode}`));
} else if (scenario === 'deadline') {
  // No `exit`: the deadline sets exitCode 1 and the process ends when nothing else holds it.
  const { tracker, done } = onShutdown(() => log('handler'), { timeout: 100 });
  void tracker.spawn(() => new Promise(() => {}));
  setInterval(() => {}, 1_000).unref();
  const keepAlive = setInterval(() => {}, 1_000);
  done.then(() => {
    log(`deadline passed exitCode=${process.exitCode}`);
    clearInterval(keepAlive);
  });
} else if (scenario === 'handler-throws') {
  const { done } = onShutdown(() => {
    throw new Error('flush failed');
  });
  const keepAlive = setInterval(() => {}, 1_000);
  done.catch((error) => {
    log(`done rejected: ${error.message} exitCode=${process.exitCode}`);
    clearInterval(keepAlive);
  });
} else if (scenario === 'dispose') {
  const before = process.listenerCount('SIGTERM');
  const { dispose } = onShutdown(() => log('handler must not run'), { signals: ['SIGTERM', 'SIGINT'] });
  const during = process.listenerCount('SIGTERM');
  dispose();
  log(`listeners ${before} ${during} ${process.listenerCount('SIGTERM')} ${process.listenerCount('SIGINT')}`);
  setInterval(() => {}, 1_000);
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
log('ready');
