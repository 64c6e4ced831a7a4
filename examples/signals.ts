/* eslint cancel-safe/require-signal-propagation: "error" */
// A report exporter that takes an AbortSignal and then forgets to pass it on. require-signal-propagation
// is in the `strict` config; it is switched on above so `npx cancel-safe examples` shows it.
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export async function exportReport(id: string, { signal }: { signal: AbortSignal }): Promise<void> {
  // no-abort-listener-leak: every export adds a listener to the caller's (often long-lived) signal.
  signal.addEventListener('abort', () => console.warn(`export ${id} cancelled`));

  // require-signal-propagation: fetch, the retry delay and the write all keep going after the abort.
  let response = await fetch(`https://reports.example.com/v1/${id}`);
  if (response.status === 503) {
    await sleep(1_000);
    response = await fetch(`https://reports.example.com/v1/${id}`, { headers: { 'retry': '1' } });
  }
  await writeFile(`/tmp/report-${id}.json`, await response.text(), 'utf8');
}

export function linkCancellation(parent: AbortSignal, child: AbortController): void {
  // no-abort-listener-leak: onabort replaces any handler someone else assigned.
  parent.onabort = () => child.abort(parent.reason);
}
