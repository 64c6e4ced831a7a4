// The same lookups with a deadline that cleans up after itself.
import { timeout } from 'cancel-safe';

export async function fetchPrice(sku: string): Promise<unknown> {
  // timeout() clears its timer as soon as fetch settles and aborts fetch when the deadline passes.
  const response = await timeout(2_000, (signal) => fetch(`https://prices.example.com/v1/${sku}`, { signal }));
  return response.json();
}

export async function fetchStock(sku: string): Promise<unknown> {
  // Without the runtime: the platform's own timeout signal, no race at all.
  const response = await fetch(`https://stock.example.com/v1/${sku}`, { signal: AbortSignal.timeout(2_000) });
  return response.json();
}

export async function loadProfile(
  db: { query(sql: string, args: unknown[], options: { signal: AbortSignal }): Promise<unknown> },
  id: string,
) {
  return timeout(500, (signal) => db.query('select * from profiles where id = $1', [id], { signal }));
}
