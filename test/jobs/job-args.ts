/**
 * Reading a test job's arguments (`--name value`), shared by the jobs under test/jobs.
 */

/** The value after `--name` in `args`, undefined when the flag is absent. */
export function jobArg(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
