// One lint configuration for the whole repository: typed rules, floating promises forbidden,
// and no deep imports into another package's sources.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'test/jobs/invalid/**', 'tmp/**', '.eddy/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@eddy/*/src/*', '@eddy/*/dist/*', '**/packages/*/src/**'], message: 'import the package, not its files' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/coordinator/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@eddy/worker', message: 'the coordinator never imports the worker' }] }] },
  },
  {
    files: ['packages/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@eddy/coordinator', message: 'the worker never imports the coordinator' }] }] },
  },
);
