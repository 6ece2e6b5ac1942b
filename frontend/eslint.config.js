// Lint rules for the SPA: type-aware typescript-eslint plus the React hooks/compiler rules, and
// three layout rules: API calls go through the area modules in src/api/, a page's folder is not
// a library for other pages (what several use lives in src/ui/, src/vm/ or src/keys/), and no
// file, tests included, grows past 400 lines (the generated schema.d.ts is not linted).
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import { defineConfig } from 'eslint/config'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Components and hooks call the API through an area module (api/vms.ts, api/keys.ts, ...). */
const throughAreaModules = {
  regex: '(^|/)api/client$',
  importNames: ['api'],
  message: 'Call the API through a function in an area module under src/api/ (see api/vms.ts).',
}

export default defineConfig(
  { ignores: ['dist', 'node_modules', 'src/api/schema.d.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [
      js.configs.recommended,
      tseslint.configs.strictTypeChecked,
      tseslint.configs.stylisticTypeChecked,
      reactHooks.configs.flat.recommended,
    ],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [throughAreaModules] }] },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['src/pages/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            throughAreaModules,
            {
              // `../other-page/...`; `./` and `../../ui/...` stay allowed.
              regex: '^\\.\\./[^.]',
              message: 'Another page’s folder is not a library: move what both use to src/ui/, src/vm/ or src/keys/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
)
