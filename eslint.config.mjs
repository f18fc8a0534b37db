// ESLint flat config: `npm run lint` (and so `npm test`) runs it over the
// whole repository. TypeScript in src/ is linted with type information (each
// file against its nearest tsconfig.json, so src/report-page/ is checked
// against the DOM); the JavaScript in test/, bench/, scripts/ and examples/
// is plain Node CommonJS. The rules kept are those that find bugs; layout is
// left to the code as it is.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = [
  'error',
  {
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrors: 'all',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

// Rules for every file, JavaScript or TypeScript.
const bugRules = {
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  'no-fallthrough': 'error',
  'no-self-compare': 'error',
  'no-template-curly-in-string': 'error',
  'no-unreachable-loop': 'error',
  'no-constructor-return': 'error',
  'no-new-native-nonconstructor': 'error',
  'array-callback-return': 'error',
};

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'dist/',
    'build/',
    'prebuilds/',
    '.cache/',
    'test-output/',
    'bench/results/',
    // The source-map fixture is TypeScript; any JavaScript there is a build of it.
    'test/fixtures/sourcemap-app/**/*.js',
  ]),
  {
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
      reportUnusedInlineConfigs: 'error',
    },
  },

  // JavaScript: tests, fixtures, benchmarks, scripts, examples. CommonJS for
  // Node, except the .mjs files.
  {
    files: ['**/*.js', '**/*.cjs'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
  },
  {
    files: ['**/*.mjs'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.node },
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: {
      ...bugRules,
      'no-unused-vars': unusedVars,
    },
  },

  // Tests match terminal colour escapes and control characters on purpose.
  {
    files: ['test/**'],
    rules: {
      'no-control-regex': 'off',
    },
  },

  // TypeScript in src/, with type information (the type-checked set has
  // no-floating-promises and no-misused-promises among others).
  {
    files: ['src/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      ...bugRules,
      '@typescript-eslint/no-unused-vars': unusedVars,
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Error messages String() the bad values they were given on purpose,
      // and TypeScript narrows `unknown` to `{}` once null is ruled out, so
      // each of those is a hit. An object in a template literal is still
      // caught, by restrict-template-expressions.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/report-page/**'],
    languageOptions: {
      globals: { ...globals.node },
    },
  },
  // The report page runs in a browser.
  {
    files: ['src/report-page/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
);
