/** Reading `--name N` / `--name=N` integer options from a job's arguments (what follows `--` on the command line). */

/**
 * The integer value of `--name` in `args`, or `fallback` when absent.
 * @throws Error (the submission then fails with INVALID_ARGUMENT) when the value is not an
 * integer in [min, max].
 */
export function intArg(args: readonly string[], name: string, fallback: number, min: number, max: number): number {
  let raw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${name}`) raw = args[i + 1];
    else if (a.startsWith(`--${name}=`)) raw = a.slice(name.length + 3);
  }
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}
