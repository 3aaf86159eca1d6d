// Type-aware linting (typescript-eslint), run by `npm run lint` with the layer rules of
// .dependency-cruiser.cjs. It catches promises left floating, unused code, and SQL outside src/db/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sql = 'SQL belongs in src/db/: call a query function from there.';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-results/', 'migrations/', 'test/fixtures/lint/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Fastify handlers are async by contract, whether or not they await.
      '@typescript-eslint/require-await': 'off',
      // Rows from SQLite and parsed JSON are typed at the query that reads them.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Parsed rows and documents are narrowed where they are read.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    // The static copy's list of its own files is a database of its own, not the record.
    ignores: ['src/db/**', 'src/static-copy/file-list.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/\\b(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM)\\b/]', message: sql },
        { selector: 'TemplateElement[value.raw=/\\b(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM)\\b/]', message: sql },
        { selector: "CallExpression[callee.property.name='prepare']", message: sql },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['public/**/*.js'], languageOptions: { sourceType: 'script', globals: { document: 'readonly', navigator: 'readonly', window: 'readonly' } } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
);
