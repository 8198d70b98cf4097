import type { JobParameters } from '../functions.js';

/** Parses `--name value` and `--name=value` pairs out of job arguments (Flink: ParameterTool.fromArgs). */
export function parseJobParameters(args: readonly string[]): JobParameters {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--') || a.length < 3) continue;
    const eq = a.indexOf('=');
    if (eq > 0) values.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        values.set(a.slice(2), next);
        i++;
      } else values.set(a.slice(2), 'true');
    }
  }
  function get(name: string): string | undefined;
  function get(name: string, fallback: string): string;
  function get(name: string, fallback?: string): string | undefined {
    return values.get(name) ?? fallback;
  }
  return {
    args: [...args],
    get,
    has: (name) => values.has(name),
    getNumber(name, fallback) {
      const v = values.get(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`job parameter --${name} must be a number, got '${v}'`);
      return n;
    },
  };
}
