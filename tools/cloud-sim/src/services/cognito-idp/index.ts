export { createCognitoIdp, type CognitoIdp, type CognitoIdpOptions, type CognitoUserPool } from './service.js';
