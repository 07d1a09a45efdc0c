/**
 * `@mediaflow/api/client`: the typed client of the REST API, generated from its OpenAPI document.
 * It imports nothing outside this folder, so a browser bundle carries only what it uses.
 */
export * from './mediaflow-client.js';
export { MediaflowApiError, type ClientOptions } from './runtime.js';
