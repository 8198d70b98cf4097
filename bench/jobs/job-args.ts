/**
 * Argument parsing shared by the checkpoint benchmark jobs. Pure code: it is bundled into the job
 * artifacts, and the job functions must parse the same way on the coordinator and every worker.
 */

/**
 * The integer after `--<name>` in `args`, or `fallback` when the flag is absent.
 * @throws Error when the value is not an integer of at least `min`.
 */
export function intArg(args: readonly string[], name: string, fallback: number, min = 1): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const raw = args[i + 1];
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}
