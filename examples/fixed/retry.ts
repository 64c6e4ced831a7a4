// The same calls with capped exponential backoff, jitter, an attempt limit and a signal.
import { retry } from 'cancel-safe';

declare function reserve(sku: string, quantity: number, opts: { signal: AbortSignal }): Promise<{ reservationId: string }>;
declare function connectToBroker(url: string, opts: { signal: AbortSignal }): Promise<{ close(): Promise<void> }>;

export async function reserveStock(sku: string, quantity: number, signal: AbortSignal) {
  return await retry((_attempt, attemptSignal) => reserve(sku, quantity, { signal: attemptSignal }), {
    retries: 5,
    minDelay: 100,
    maxDelay: 5_000,
    jitter: true,
    signal,
  });
}

export async function connect(url: string, signal: AbortSignal) {
  return await retry((_attempt, attemptSignal) => connectToBroker(url, { signal: attemptSignal }), {
    retries: 9,
    minDelay: 250,
    maxDelay: 30_000,
    jitter: true,
    signal,
  });
}
