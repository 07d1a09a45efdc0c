export { createSecretsManager, type SecretsManager, type SecretsManagerOptions, type StageSecret } from './service.js';
