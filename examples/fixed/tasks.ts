// The order service with its background work owned by the process: the refresh never overlaps
// and stops cleanly, and shutdown waits (with a deadline) for receipts and audit writes.
import { createServer } from 'node:http';
import { interval, TaskTracker, timeout } from 'cancel-safe';

declare function saveOrder(body: string): Promise<{ id: string; email: string }>;
declare function sendReceipt(order: { id: string; email: string }): Promise<void>;
declare function writeAudit(event: string): Promise<void>;

let rates: Record<string, number> = {};

async function refreshExchangeRates(signal: AbortSignal): Promise<void> {
  const response = await timeout(5_000, (attempt) => fetch('https://rates.example.com/v1/latest', { signal: attempt }), { signal });
  rates = (await response.json()) as Record<string, number>;
}

const refresher = interval(60_000, (signal) => refreshExchangeRates(signal));
const tracker = new TaskTracker();

export const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const order = await saveOrder(body);
  tracker.spawn(() => sendReceipt(order));
  tracker.spawn(() => writeAudit(`order ${order.id} created`).catch((error) => console.error('audit failed', error)));
  res.writeHead(201).end(JSON.stringify({ id: order.id, rates }));
});

process.once('SIGTERM', async () => {
  server.close();
  tracker.close();
  // Stop the refresh (aborting its request) and let receipts and audit writes finish, for at most 10 s.
  await timeout(10_000, (signal) => Promise.all([refresher.stop(), tracker.wait({ signal })]));
});
