// An order service: the background work below is written the way most Node services write it.
// `npx cancel-safe examples` reports the async interval and the detached tasks.
import { createServer } from 'node:http';

declare function saveOrder(body: string): Promise<{ id: string; email: string }>;
declare function sendReceipt(order: { id: string; email: string }): Promise<void>;
declare function writeAudit(event: string): Promise<void>;

async function refreshExchangeRates(): Promise<void> {
  const response = await fetch('https://rates.example.com/v1/latest', { signal: AbortSignal.timeout(5_000) });
  rates = (await response.json()) as Record<string, number>;
}

let rates: Record<string, number> = {};

// A refresh slower than 60 s overlaps the next one, a rejection is unhandled, and shutdown
// cannot wait for the refresh that is running.
setInterval(async () => {
  await refreshExchangeRates();
}, 60_000);

export const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const order = await saveOrder(body);
  // Detached: a deploy in the next seconds loses the receipt and the audit record.
  void sendReceipt(order);
  writeAudit(`order ${order.id} created`).catch((error) => console.error('audit failed', error));
  res.writeHead(201).end(JSON.stringify({ id: order.id, rates }));
});
