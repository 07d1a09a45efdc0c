import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/tmp', '**/coverage', '**/.mediaflow', '**/test-output', '**/cdk.out'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs', '**/*.cts', '**/*.mts'],
    // Per-project eslint configs extend this file by relative path; that is not a cross-package import.
    ignores: ['**/eslint.config.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          checkDynamicDependenciesExceptions: [],
          allow: [],
          depConstraints: [
            // Layers: apps -> feature (media-service) -> data/util; domain depends on nothing of ours.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util'] },
            // Areas: domain is the core; pipelines and the cost model only build on it.
            { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:media', onlyDependOnLibsWithTags: ['scope:domain', 'scope:media'] },
            { sourceTag: 'scope:cost', onlyDependOnLibsWithTags: ['scope:domain', 'scope:cost'] },
            { sourceTag: 'scope:storage', onlyDependOnLibsWithTags: ['scope:domain', 'scope:storage'] },
            { sourceTag: 'scope:messaging', onlyDependOnLibsWithTags: ['scope:domain', 'scope:messaging'] },
            {
              sourceTag: 'scope:service',
              onlyDependOnLibsWithTags: ['scope:domain', 'scope:service', 'scope:media', 'scope:storage', 'scope:messaging'],
            },
            // The HTTP API and the queue handlers drive use cases; adapters are chosen by the apps.
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:domain', 'scope:service'] },
            { sourceTag: 'scope:workers', onlyDependOnLibsWithTags: ['scope:domain', 'scope:service', 'scope:messaging'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.cts', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip)$/]", message: 'Focused or skipped tests are not allowed.' },
        { selector: "CallExpression > Identifier.callee[name=/^(xit|xdescribe|fit|fdescribe|xtest)$/]", message: 'Focused or skipped tests are not allowed.' },
      ],
    },
  },
];
