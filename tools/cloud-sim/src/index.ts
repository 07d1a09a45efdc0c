/**
 * `@mediaflow/cloud-sim`: the synthesized AWS stage run on one machine, with IAM enforced.
 * `startStage` brings a stack of `cdk.out` up; the parts are usable on their own.
 */
export { startStage, type Stage, type StageOptions } from './stage/stage.js';
export { defaultHostLayers, defaultMediaTools } from './stage/defaults.js';
export { readCloudAssembly, type CloudAssemblyStack, type Template } from './template/cdk-out.js';
export { readStageSpec, type StageSpec } from './template/stage-spec.js';
export { RESOURCE_TYPES, unknownTypes, type ResourceTypeMapping, type Treatment } from './resource-types.js';
export * from './types.js';
export type * from './specs.js';
