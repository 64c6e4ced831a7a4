// A price lookup with a 2-second budget, written the way most codebases write timeouts.
// `npx cancel-safe examples` reports both leaks below.

export async function fetchPrice(sku: string): Promise<unknown> {
  const response = await Promise.race([
    // The request is never aborted when the timer wins: the socket stays busy.
    fetch(`https://prices.example.com/v1/${sku}`),
    // The timer is never cleared when the request wins: it holds the process open for 2 s.
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('price lookup timed out')), 2_000)),
  ]);
  return response.json();
}

function delay(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms));
}

export async function loadProfile(db: { query(sql: string, args: unknown[]): Promise<unknown> }, id: string) {
  const result = await Promise.race([db.query('select * from profiles where id = $1', [id]), delay(500)]);
  if (result === 'timeout') throw new Error('profile query timed out');
  return result;
}
