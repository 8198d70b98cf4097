/**
 * Argument parsing for the `eddy` CLI, on `node:util`'s `parseArgs`. Every flag is backed by a
 * {@link Setting} (flag, `EDDY_*` variable, default), so one table drives parsing, resolution
 * (flag > environment > default) and the usage text. Pure: no I/O, the environment is a parameter.
 */
import { parseArgs } from 'node:util';
import { SETTINGS, resolveSetting, type Setting } from '@eddy/common';

/** Any setting a flag can stand for. */
export type AnySetting = Setting<string> | Setting<number> | Setting<boolean>;

/** One flag of a command. */
export interface OptionSpec {
  readonly setting: AnySetting;
  /** One-letter alias, without the dash. */
  readonly short?: string;
  /** Placeholder of the value in the usage text, e.g. `N` or `HOST:PORT`. Default `VALUE`. */
  readonly valueName?: string;
  /** Shown instead of the setting's default when the command computes it, e.g. `ceil(P / N)`. */
  readonly defaultText?: string;
}

/** One required positional argument. */
export interface PositionalSpec {
  /** Shown as `<name>`. */
  readonly name: string;
  readonly description: string;
}

/** What a command accepts. */
export interface CommandSpec {
  readonly name: string;
  /** One line, shown in the command list. */
  readonly summary: string;
  /** Extra paragraph(s) shown in the command's own help. */
  readonly description?: string;
  readonly positionals: readonly PositionalSpec[];
  /** The command's flags; the global ones ({@link GLOBAL_OPTIONS}) are added automatically. */
  readonly options: readonly OptionSpec[];
  /** Whether arguments after `--` are accepted (they are handed to the job). */
  readonly jobArgs: boolean;
}

/** The result of parsing one command's arguments. */
export interface ParsedArgs {
  /** `--help` or `-h` was given (before `--`); nothing else was checked. */
  readonly help: boolean;
  /** Positional arguments, in the order of {@link CommandSpec.positionals}. */
  readonly positionals: readonly string[];
  /** Arguments after `--`. */
  readonly jobArgs: readonly string[];
  /** Raw values by long flag name; boolean flags that were given map to `'true'`. */
  readonly flags: ReadonlyMap<string, string>;
}

/** Bad command line: the CLI prints the message and a usage hint and exits with code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Command whose usage the hint points to; undefined for the top level. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Flags that do not map to a setting of `config/defaults.ts`; they follow the same flag/env/default scheme. */
export const CLI_SETTINGS = {
  json: {
    flag: 'json',
    env: 'EDDY_JSON',
    default: false,
    description: 'Print machine-readable JSON instead of a table.',
  } satisfies Setting<boolean>,
  jobName: {
    flag: 'name',
    env: 'EDDY_JOB_NAME',
    default: '',
    description: "Display name of the job. Empty uses the job file's base name.",
  } satisfies Setting<string>,
} as const;

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { setting: SETTINGS.logLevel, valueName: 'LEVEL' },
  { setting: SETTINGS.logFormat, valueName: 'json|pretty' },
];

const HELP_FLAGS = new Set(['--help', '-h']);

function allOptions(spec: CommandSpec): OptionSpec[] {
  const own = new Set(spec.options.map((o) => o.setting.flag));
  return [...spec.options, ...GLOBAL_OPTIONS.filter((o) => !own.has(o.setting.flag))];
}

function isBoolean(o: OptionSpec): boolean {
  return typeof o.setting.default === 'boolean';
}

/**
 * Parses one command's arguments (everything after the command name).
 * @param inherited flags given before the command name (global flags); the command's own win.
 * @throws UsageError for unknown flags, missing values, missing or extra positionals, and `--`
 * given to a command that takes no job arguments.
 */
export function parseCommandArgs(
  spec: CommandSpec,
  argv: readonly string[],
  inherited: ReadonlyMap<string, string> = new Map(),
): ParsedArgs {
  const sep = argv.indexOf('--');
  const own = sep < 0 ? [...argv] : argv.slice(0, sep);
  const jobArgs = sep < 0 ? [] : argv.slice(sep + 1);
  if (own.some((a) => HELP_FLAGS.has(a))) return { help: true, positionals: [], jobArgs: [], flags: new Map() };
  if (sep >= 0 && !spec.jobArgs)
    throw new UsageError(`'eddy ${spec.name}' takes no job arguments, but '--' was given`, spec.name);

  const options = allOptions(spec);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const o of options)
    config[o.setting.flag] = { type: isBoolean(o) ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) };
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: own, options: config, strict: true, allowPositionals: true });
    values = parsed.values;
    positionals = parsed.positionals;
  } catch (err) {
    throw new UsageError(firstLine(err), spec.name);
  }

  const missing = spec.positionals.slice(positionals.length);
  if (missing.length > 0)
    throw new UsageError(`missing argument${missing.length > 1 ? 's' : ''} ${missing.map((p) => `<${p.name}>`).join(' ')}`, spec.name);
  const extra = positionals.slice(spec.positionals.length);
  if (extra.length > 0) {
    const hint = spec.jobArgs ? ' (pass job arguments after --)' : '';
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((a) => `'${a}'`).join(' ')}${hint}`, spec.name);
  }

  const flags = new Map(inherited);
  for (const [flag, v] of Object.entries(values)) if (v !== undefined) flags.set(flag, String(v));
  return { help: false, positionals, jobArgs, flags };
}

/** What comes before the command name. */
export interface GlobalPrefix {
  readonly help: boolean;
  /** Global flags given before the command. */
  readonly flags: ReadonlyMap<string, string>;
  /** The command name, undefined when none was given. */
  readonly command: string | undefined;
  /** Arguments after the command name. */
  readonly rest: readonly string[];
}

/**
 * Splits `eddy [global flags] <command> [args…]`.
 * @throws UsageError for a flag before the command that is not global.
 */
export function parseGlobalPrefix(argv: readonly string[]): GlobalPrefix {
  const flags = new Map<string, string>();
  const byFlag = new Map(GLOBAL_OPTIONS.map((o) => [o.setting.flag, o]));
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) break;
    if (HELP_FLAGS.has(a)) return { help: true, flags, command: undefined, rest: [] };
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!a.startsWith('--') || !byFlag.has(name))
      throw new UsageError(`unknown option '${a}' before the command (only --log-level and --log-format go there)`);
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value.startsWith('-')) throw new UsageError(`option '--${name}' needs a value`);
    flags.set(name, value);
  }
  return { help: false, flags, command: argv[i], rest: argv.slice(i + 1) };
}

/**
 * Resolves a setting for a parsed command line: flag > environment variable > default.
 * @throws UsageError when the value does not parse as the setting's type.
 */
export function option<T extends string | number | boolean>(
  parsed: ParsedArgs,
  s: Setting<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  try {
    return resolveSetting(s, parsed.flags.get(s.flag), env);
  } catch (err) {
    throw new UsageError(firstLine(err));
  }
}

/**
 * Like {@link option}, but undefined when neither the flag nor the environment variable is set,
 * for settings whose default the command computes.
 */
export function explicitOption<T extends string | number | boolean>(
  parsed: ParsedArgs,
  s: Setting<T>,
  env: NodeJS.ProcessEnv = process.env,
): T | undefined {
  const given = parsed.flags.get(s.flag) ?? env[s.env];
  return given === undefined || given === '' ? undefined : option(parsed, s, env);
}

/**
 * Checks that a numeric setting is an integer of at least `min`.
 * @throws UsageError naming the flag and the variable otherwise.
 */
export function requireInt(value: number, s: Setting<number>, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${s.flag} (or ${s.env}) must be an integer >= ${min}, got ${value}`);
  return value;
}

/**
 * Checks a string setting against a fixed set of values.
 * @throws UsageError listing the allowed values otherwise.
 */
export function requireOneOf<T extends string>(value: string, s: Setting<string>, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${s.flag} (or ${s.env}) must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

// ---------------------------------------------------------------------------------------------
// Usage text
// ---------------------------------------------------------------------------------------------

function formatDefault(o: OptionSpec): string {
  if (o.defaultText !== undefined) return o.defaultText;
  const d = o.setting.default;
  if (d === '') return 'none';
  return String(d);
}

function optionRows(options: readonly OptionSpec[]): [string, string][] {
  const rows: [string, string][] = options.map((o) => {
    const names = `${o.short ? `-${o.short}, ` : '    '}--${o.setting.flag}`;
    const left = isBoolean(o) ? names : `${names} ${o.valueName ?? 'VALUE'}`;
    return [left, `${o.setting.description} [env ${o.setting.env}, default ${formatDefault(o)}]`];
  });
  rows.push(['-h, --help', 'Show this help.']);
  return rows;
}

function columns(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}

/** The synopsis line of a command, e.g. `eddy submit <job> [options] [-- job args...]`. */
export function synopsis(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => ` <${p.name}>`).join('');
  return `eddy ${spec.name}${pos} [options]${spec.jobArgs ? ' [-- job args...]' : ''}`;
}

/** The full help of a command: synopsis, description, arguments, and every flag with its variable and default. */
export function renderCommandUsage(spec: CommandSpec): string {
  const parts = [`Usage: ${synopsis(spec)}`, '', spec.summary];
  if (spec.description) parts.push('', spec.description);
  if (spec.positionals.length > 0) {
    parts.push('', 'Arguments:', columns(spec.positionals.map((p) => [`<${p.name}>`, p.description])));
  }
  parts.push('', 'Options:', columns(optionRows(allOptions(spec))));
  parts.push('', 'Flags win over environment variables, which win over defaults.');
  return parts.join('\n') + '\n';
}

/** The top-level help: commands and global flags. */
export function renderTopUsage(commands: readonly CommandSpec[]): string {
  const parts = [
    'Usage: eddy [global options] <command> [args...]',
    '',
    'Eddy: a distributed stream processor for Node.js, modelled on Apache Flink.',
    '',
    'Commands:',
    columns(commands.map((c) => [c.name, c.summary])),
    '',
    'Global options (also accepted after the command):',
    columns(optionRows(GLOBAL_OPTIONS)),
    '',
    "Run 'eddy <command> --help' for a command's arguments and options.",
  ];
  return parts.join('\n') + '\n';
}
