import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Boundaries between capabilities (docs/decisions/0008-capability-layout.md):
 * - kernel/ is shared by all and imports no capability;
 * - a capability reaches another only through its index.ts, its configuration section (config.ts, a pure schema) or its
 *   pure domain/;
 * - domain/ (and the kernel's pure modules) import no SDK, no Lambda middleware and no adapter, app or handler.
 */
const CAPABILITIES = ['ingestion', 'config', 'deploy', 'scaling', 'cleanup', 'schedules', 'analysis', 'notify'];
const SDK_PATTERNS = [
  { group: ['@aws-sdk/*', '@smithy/*', '@middy/*', '@aws-lambda-powertools/*'], message: 'Pure code: I/O belongs in adapters/ or handlers/.' },
];
const LAYER_PATTERNS = [
  { group: ['**/adapters/**', '**/handlers/**', '**/app/**', '**/index.ts', '**/kernel/aws/**', '**/kernel/store/**', '**/kernel/lambda/**'], message: 'Pure code imports only pure code (domain/, config, the kernel’s pure modules).' },
];
const otherCapabilities = (own) =>
  CAPABILITIES.filter((capability) => capability !== own).map((capability) => ({
    group: [`**/${capability}/*.ts`, `!**/${capability}/index.ts`, `!**/${capability}/config.ts`, `**/${capability}/adapters/**`, `**/${capability}/app/**`, `**/${capability}/handlers/**`],
    message: `Reach ${capability} through functions/${capability}/index.ts (or its config.ts and pure domain/).`,
  }));

export default tseslint.config(
  // cli/dashboard/public/app.js is the page's built (minified) bundle; its sources are cli/dashboard/web/.
  { ignores: ['node_modules/', 'dist/', '.serverless/', '.local/', 'cli/dashboard/public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['functions/kernel/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: CAPABILITIES.map((capability) => ({ group: [`**/${capability}/**`], message: 'The kernel imports no capability.' })) }],
    },
  },
  {
    files: ['functions/kernel/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...SDK_PATTERNS, ...LAYER_PATTERNS, ...CAPABILITIES.map((capability) => ({ group: [`**/${capability}/**`], message: 'The kernel imports no capability.' }))] }],
    },
  },
  {
    // The CLI is another client of the capabilities: their index.ts, config.ts and pure domain/ only.
    files: ['cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: otherCapabilities(undefined) }] },
  },
  ...CAPABILITIES.flatMap((capability) => [
    {
      files: [`functions/${capability}/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: otherCapabilities(capability) }] },
    },
    {
      files: [`functions/${capability}/domain/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: [...SDK_PATTERNS, ...LAYER_PATTERNS, ...otherCapabilities(capability)] }] },
    },
  ]),
);
