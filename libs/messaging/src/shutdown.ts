/**
 * How long shutdown waits for work in flight. A pending broker connect can retry for a minute
 * when the broker is down; shutdown must not wait for it (a redelivered message is harmless).
 */
export const SHUTDOWN_GRACE_MS = 5000;

export async function settleWithin(
  work: Promise<unknown> | undefined,
  ms = SHUTDOWN_GRACE_MS,
): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
