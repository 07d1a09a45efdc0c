import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MEDIA_FUNCTIONS } from '../constructs/function-plans.js';
import { createApp } from '../main.js';
import { tempDir, testAssets } from '../testing/stack-assets.js';
import type { MediaStack } from './media-stack.js';

// Deleting an item (api) and holding one for moderation (tagging) invalidate its edge copies; no
// other function may touch the distribution.

describe('the functions that invalidate edge copies', () => {
  const app = createApp({ outdir: tempDir() }, testAssets());
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const template = Template.fromStack(stack);
  const distributionId = stack.getLogicalId(stack.delivery.distribution.node.defaultChild as CfnElement);
  const functions = template.findResources('AWS::Lambda::Function');
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const logicalIdOf = (name: (typeof MEDIA_FUNCTIONS)[number]): string | undefined => {
    const fn = stack.compute.functions.get(name);
    return fn === undefined ? undefined : stack.getLogicalId(fn.node.defaultChild as CfnElement);
  };
  /** The functions whose role may call CreateInvalidation, and on what. */
  const invalidating = (): Map<string, unknown[]> => {
    const found = new Map<string, unknown[]>();
    for (const policy of policies) {
      const statements = (policy.Properties.PolicyDocument.Statement ?? []) as { Action: string | string[]; Resource: unknown }[];
      for (const statement of statements) {
        if (![statement.Action].flat().includes('cloudfront:CreateInvalidation')) continue;
        for (const role of policy.Properties.Roles as { Ref: string }[]) found.set(role.Ref, [...(found.get(role.Ref) ?? []), statement.Resource]);
      }
    }
    return found;
  };

  it('gives api, tagging and the trash\u2019s purge the distribution\u2019s id, and no other function', () => {
    const withId = MEDIA_FUNCTIONS.filter((name) => {
      const id = logicalIdOf(name);
      return id !== undefined && functions[id]?.Properties.Environment?.Variables?.DISTRIBUTION_ID !== undefined;
    });
    expect(withId.sort()).toEqual(['api', 'tagging', 'trash-purge']);
    const api = logicalIdOf('api') ?? '?';
    expect(functions[api]?.Properties.Environment.Variables.DISTRIBUTION_ID).toEqual({ Ref: distributionId });
  });

  it('lets only their roles create invalidations, and only on that distribution', () => {
    const roleOf = (name: 'api' | 'tagging' | 'trash-purge'): string => {
      const fn = stack.compute.functions.get(name);
      if (fn === undefined) throw new Error(`no ${name} function`);
      return stack.getLogicalId(fn.role?.node.defaultChild as CfnElement);
    };
    // CDK's own gallery deployment invalidates the gallery's files; of Mediaflow's functions, only these two.
    const mediaRoles = new Set(MEDIA_FUNCTIONS.map((name) => stack.compute.functions.get(name)?.role?.node.defaultChild).filter((role) => role !== undefined).map((role) => stack.getLogicalId(role as CfnElement)));
    const found = new Map([...invalidating()].filter(([role]) => mediaRoles.has(role)));
    expect([...found.keys()].sort()).toEqual([roleOf('api'), roleOf('tagging'), roleOf('trash-purge')].sort());
    for (const resources of found.values()) {
      expect(resources).toHaveLength(1);
      expect(JSON.stringify(resources[0])).toContain(`{"Ref":"${distributionId}"}`);
      expect(JSON.stringify(resources[0])).toContain(':distribution/');
    }
  });
});
