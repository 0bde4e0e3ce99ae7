// A token bucket shared by every connection of one delivery: --limit-kbps caps the sum, not each file.
export function throttle(bytesPerSecond: number | undefined): ((n: number) => Promise<void>) | undefined {
  if (!bytesPerSecond || bytesPerSecond <= 0) return undefined;
  let allowance = 0;
  let last = Date.now();
  const burst = Math.max(64 * 1024, bytesPerSecond / 4);
  return async (n: number) => {
    for (;;) {
      const now = Date.now();
      allowance = Math.min(burst, allowance + ((now - last) / 1000) * bytesPerSecond);
      last = now;
      if (allowance >= n || (allowance >= burst && n > burst)) { allowance -= n; return; }
      await new Promise((r) => setTimeout(r, Math.min(250, Math.ceil(((n - allowance) / bytesPerSecond) * 1000))));
    }
  };
}
