// Talking to a flaky inventory service, with the retries most codebases start with.
// `npx cancel-safe examples` reports each retry that has no backoff.

declare function reserve(sku: string, quantity: number): Promise<{ reservationId: string }>;
declare function connectToBroker(url: string): Promise<{ close(): Promise<void> }>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function reserveStock(sku: string, quantity: number) {
  // Retries forever, at once: a down service gets hammered and shutdown never finishes.
  while (true) {
    try {
      return await reserve(sku, quantity);
    } catch {}
  }
}

export async function connect(url: string) {
  // Every client that lost the broker reconnects in lockstep, once a second.
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return await connectToBroker(url);
    } catch (error) {
      if (attempt === 9) throw error;
      await sleep(1_000);
    }
  }
  throw new Error('unreachable');
}

export async function reconnect(url: string) {
  let delay = 250;
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      return await connectToBroker(url);
    } catch {
      await sleep(delay);
      delay *= 2; // after 20 failures this waits three days
    }
  }
  throw new Error(`broker ${url} unreachable`);
}
