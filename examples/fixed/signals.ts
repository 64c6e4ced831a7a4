/* eslint cancel-safe/require-signal-propagation: "error" */
// The exporter hands its signal to everything that can stop early, and its abort listener lives
// exactly as long as the export.
import { addAbortListener } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export async function exportReport(id: string, { signal }: { signal: AbortSignal }): Promise<void> {
  using _listener = addAbortListener(signal, () => console.warn(`export ${id} cancelled`));

  let response = await fetch(`https://reports.example.com/v1/${id}`, { signal });
  if (response.status === 503) {
    await sleep(1_000, undefined, { signal });
    response = await fetch(`https://reports.example.com/v1/${id}`, { headers: { 'retry': '1' }, signal });
  }
  await writeFile(`/tmp/report-${id}.json`, await response.text(), { encoding: 'utf8', signal });
}

export function linkCancellation(parent: AbortSignal, child: AbortController): () => void {
  // Without the runtime: a removable listener, returned so the caller unlinks when the child is done.
  const onAbort = () => child.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return () => parent.removeEventListener('abort', onAbort);
}
