// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

// One definition of string length (code points after NFC), shared by DTOs and event schemas.
const textLength = {
  name: 'class-validator',
  importNames: ['Length', 'MinLength', 'MaxLength'],
  message:
    'Use @TextLength from @casebridge/common: string lengths are counted one way everywhere (code points after NFC), as in the event schemas.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.dist-*/**',
      'node_modules/**',
      '.local/**',
      'coverage/**',
      // openapi-typescript's output (npm run docs:openapi)
      'test/generated/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Apps never import each other; cross-service data travels as contracts in libs/.
    files: ['apps/intake/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [textLength],
          patterns: [
            '**/apps/assignment/**',
            '**/apps/reporting/**',
            '../../assignment/**',
            '../../reporting/**',
          ],
        },
      ],
    },
  },
  {
    files: ['apps/assignment/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [textLength],
          patterns: [
            '**/apps/intake/**',
            '**/apps/reporting/**',
            '../../intake/**',
            '../../reporting/**',
          ],
        },
      ],
    },
  },
  {
    files: ['apps/reporting/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [textLength],
          patterns: [
            '**/apps/intake/**',
            '**/apps/assignment/**',
            '../../intake/**',
            '../../assignment/**',
          ],
        },
      ],
    },
  },
  {
    // The dashboard's browser code (its own tsconfig: DOM, no Node). It may use the contracts'
    // vocabulary and the report types, never a server module at run time.
    files: ['apps/reporting/web/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'kafkajs', 'node:*'], message: 'Browser code.' },
            {
              // The chart builders are pure and shared with the service's unit tests.
              regex: '^(\\.\\./src/(?!dashboard/chart-svg$)|@casebridge/common)',
              allowTypeImports: true,
              message: 'Only types from the service; values must be bundleable browser code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Contracts are plain types and schemas: no framework imports.
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', 'typeorm', 'kafkajs', '@casebridge/*'] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
