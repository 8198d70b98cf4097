/**
 * Bundles a job file (TS or JS) and everything it imports into one ESM artifact with esbuild.
 *
 * `@eddy/api` is not bundled: every import of it becomes a read of the API instance the runtime
 * publishes at `globalThis[Symbol.for('eddy.api')]` (see `@eddy/api/internal`'s job loader), so a
 * job always runs against the runtime's own classes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';

/** A bundled job. */
export interface JobArtifact {
  readonly code: Buffer;
  /** Hex sha256 of `code`. */
  readonly sha256: string;
}

const API_NAMESPACE = 'eddy-api';

/**
 * Bundles `entry` into one ESM module.
 * @throws Error with esbuild's diagnostics (file, line, column) when the job does not compile.
 */
export async function bundleJob(entry: string): Promise<JobArtifact> {
  if (!fs.existsSync(entry)) throw new Error(`job file not found: ${entry}`);
  const api = (await import('@eddy/api')) as Record<string, unknown>;
  const names = Object.keys(api).filter((n) => n !== 'default');
  const apiShim = [
    `const api = globalThis[Symbol.for('eddy.api')];`,
    `if (!api) throw new Error('this Eddy job must be run by the Eddy runtime');`,
    ...names.map((n) => `export const ${n} = api.${n};`),
  ].join('\n');
  let result: esbuild.BuildResult<{ write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      logLevel: 'silent',
      banner: {
        // Bundled CommonJS dependencies call require(); give them one.
        js: "import { createRequire as __eddyCreateRequire } from 'node:module'; const require = __eddyCreateRequire(import.meta.url);",
      },
      plugins: [
        {
          name: 'eddy-api',
          setup(build: esbuild.PluginBuild) {
            build.onResolve({ filter: /^@eddy\/api$/ }, () => ({ path: '@eddy/api', namespace: API_NAMESPACE }));
            build.onLoad({ filter: /.*/, namespace: API_NAMESPACE }, () => ({ contents: apiShim, loader: 'js' }));
          },
        },
      ],
    });
  } catch (err) {
    const failure = err as { errors?: esbuild.Message[] };
    if (failure.errors && failure.errors.length > 0) {
      const text = await esbuild.formatMessages(failure.errors, { kind: 'error', color: false });
      throw new Error(`the job does not compile:\n${text.join('\n')}`, { cause: err });
    }
    throw err;
  }
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  const code = Buffer.from(out.contents);
  return { code, sha256: createHash('sha256').update(code).digest('hex') };
}
