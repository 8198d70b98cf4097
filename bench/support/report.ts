/** Formatting of benchmark reports: fixed-width rows, thousands separators, PASS/MISS verdicts. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** An integer with thousands separators, e.g. `1,234,567`. */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A number with `digits` decimals. */
export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

/** `PASS` when `ok`, else `MISS`. */
export function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

/** One report row: a label padded to `width`, then the value and an optional note. */
export function row(label: string, value: string, note = '', width = 36): string {
  return `  ${label.padEnd(width)} ${value.padStart(16)}${note ? `   ${note}` : ''}`;
}

/** Whether this module's importer was run directly with `node <file>` (as opposed to imported). */
export function isMain(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && importMetaUrl === pathToFileURL(path.resolve(entry)).href;
}

/**
 * Reads a positive integer from an environment variable.
 * @throws Error when it is set but not a positive integer.
 */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return n;
}
