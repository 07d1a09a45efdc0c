import { deploymentObjects } from '../deploy/bucket-deployment.js';
import type { StageSpec } from '../template/stage-spec.js';
import type { Principal, ServiceHandler, SimLog } from '../types.js';
import { bodyOf, internalCall, s3Request } from './internal-call.js';
import type { StagePermissions } from './permissions.js';

/**
 * Applies the template's bucket deployments: their files go into the destination bucket as the
 * deployment provider's role would put them, so a missing grant or a bucket policy that refuses
 * the deployment shows here as it would on a real deploy.
 */
export async function deployBuckets(spec: StageSpec, s3: ServiceHandler, permissions: StagePermissions, log: SimLog): Promise<number> {
  const provider = spec.functions.find((f) => f.logicalId.startsWith('CustomCDKBucketDeployment'));
  let count = 0;
  for (const deployment of spec.bucketDeployments) {
    if (!provider) throw new Error(`${deployment.logicalId}: the template has no bucket deployment provider`);
    const principal: Principal = { type: 'role', roleArn: provider.roleArn, sessionName: 'deploy', accessKeyId: 'deploy' };
    for (const object of deploymentObjects(deployment)) {
      const headers: Record<string, string> = { 'content-type': object.contentType, ...object.metadata };
      const response = await internalCall(s3, s3Request(principal, 'PUT', deployment.destinationBucket, object.key, { body: object.body, headers }), permissions, log, 'deploy');
      if (response.status !== 200) {
        throw new Error(`${deployment.logicalId}: putting ${object.key} answered ${response.status}: ${bodyOf(response).toString('utf8').slice(0, 300)}`);
      }
      count += 1;
    }
  }
  return count;
}
