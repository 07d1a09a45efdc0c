import baseConfig from '../../eslint.config.mjs';

// cdk.out holds the synthesized assembly, including CDK's own handler bundles.
export default [...baseConfig, { ignores: ['**/cdk.out'] }];
