import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // cdk.out holds the synthesized assembly, including CDK's own handler bundles.
  { ignores: ['**/cdk.out'] },
  {
    // CloudFront Functions (runtime cloudfront-js-2.0): plain scripts without modules, deployed as
    // written. CloudFront calls `handler` by name, and `var` stays as the deployed code has it.
    files: ['src/cloudfront/**/*.js'],
    languageOptions: { sourceType: 'script', ecmaVersion: 2020, globals: {} },
    rules: {
      'no-var': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^handler$' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ImportDeclaration, ImportExpression, ExportNamedDeclaration, ExportDefaultDeclaration, ExportAllDeclaration', message: 'CloudFront Functions have no modules: one script defining handler(event).' },
      ],
    },
  },
];
