/**
 * The old-space limit of a service process (`node --max-old-space-size`), in MB. Unlimited, V8
 * lets the heap grow to several times its live set before it collects: under load a service's
 * live set is 50–60 MB, yet its heap grew past 180 MB and stayed there. With a limit V8 collects
 * sooner and the process stays within it plus about 70 MB (new space, code, Node itself).
 */
export const DEFAULT_SERVICE_MAX_HEAP_MB = 128;

/**
 * Node's arguments for a service process: `--max-old-space-size` from SERVICE_MAX_HEAP_MB (0:
 * Node's own default). Throws on a value that is not a whole number, or is under 64 MB (too
 * little for a service to start).
 */
export function serviceHeapArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.SERVICE_MAX_HEAP_MB;
  const mb = raw === undefined || raw === '' ? DEFAULT_SERVICE_MAX_HEAP_MB : Number(raw);
  if (!Number.isInteger(mb) || (mb !== 0 && mb < 64))
    throw new Error(`SERVICE_MAX_HEAP_MB must be 0 or a whole number of MB ≥ 64 (got "${raw}")`);
  return mb === 0 ? [] : [`--max-old-space-size=${mb}`];
}
