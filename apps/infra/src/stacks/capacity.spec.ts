import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { CfnDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { ALARM_SHARE, CAPACITY_FUNCTIONS, parseWorkload, planCapacity, QUEUE_CONSUMERS, type CapacityOptionsInput, type CapacityScale } from '@mediaflow/cost-model';
import { parseCapacityContext } from '../capacity-context.js';
import { FUNCTION_PLANS, MEDIA_FUNCTIONS, REKOGNITION_CALLS_IN_FLIGHT, type MediaFunctionName } from '../constructs/function-plans.js';
import { InvalidContextError } from '../guard-rails.js';
import { createApp } from '../main.js';
import { tempDir, testAssets } from '../testing/stack-assets.js';
import type { MediaStack } from './media-stack.js';

// `mediaflow cost --capacity` prints `planCapacity` of the model's default workload; these tests
// read the same plan and the synthesized template, and check that they agree.

interface Alarm {
  AlarmName: string;
  MetricName?: string;
  Threshold: number;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Expression?: string }[];
}

const synthesized = new Map<string, { stack: MediaStack; template: Template }>();
/** The app for a context, synthesized once per test file (cdk-nag runs on every synthesis). */
function synthesize(context: Record<string, string>): { stack: MediaStack; template: Template } {
  const key = JSON.stringify(context);
  const known = synthesized.get(key);
  if (known !== undefined) return known;
  const app = createApp({ outdir: tempDir(), context }, testAssets());
  const stack = app.node.findChild('Mediaflow-dev') as MediaStack;
  const built = { stack, template: Template.fromStack(stack) };
  synthesized.set(key, built);
  return built;
}

describe.each<[string, Record<string, string>, CapacityScale, CapacityOptionsInput]>([
  ['by default (month 0, on-device tagging)', {}, { month: 0 }, {}],
  ['with -c scale=month36', { scale: 'month36' }, { month: 36 }, {}],
  // Rekognition's quota caps the tagging functions; on-device, the demand sizes them.
  ['with -c tagger=rekognition', { tagger: 'rekognition' }, { month: 0 }, { tagger: 'rekognition' }],
  ['with -c tagger=rekognition -c scale=month36', { tagger: 'rekognition', scale: 'month36' }, { month: 36 }, { tagger: 'rekognition' }],
])('the stack %s and `mediaflow cost --capacity`', (_, context, scale, options) => {
  const { stack, template } = synthesize(context);
  const plan = planCapacity(parseWorkload(), scale, options);
  const limitOf = (name: MediaFunctionName): number | undefined => plan.functions.find((f) => f.name === name)?.limit;
  const functionId = (name: MediaFunctionName): string => {
    const fn = stack.compute.functions.get(name);
    if (fn === undefined) throw new Error(`no ${name} function`);
    return stack.getLogicalId(fn.node.defaultChild as CfnElement);
  };
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Alarm);

  it('give every queue consumer\u2019s event source the same maximum concurrency', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    // The tagging function reads two queues (tagging and text), each at its limit.
    expect(mappings).toHaveLength(QUEUE_CONSUMERS.length + 1);
    for (const name of QUEUE_CONSUMERS) {
      const own = mappings.filter((each) => JSON.stringify(each.Properties.FunctionName) === JSON.stringify({ Ref: functionId(name) }));
      expect([name, own.length]).toEqual([name, name === 'tagging' ? 2 : 1]);
      for (const mapping of own) expect([name, mapping.Properties.ScalingConfig?.MaximumConcurrency]).toEqual([name, limitOf(name)]);
    }
  });

  it('throttle the HTTP API stage at the same rate and burst', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: plan.api.rateLimit, ThrottlingBurstLimit: plan.api.burstLimit },
    });
  });

  it('alarm at 80% of each of those limits', () => {
    for (const name of QUEUE_CONSUMERS) {
      const alarm = alarms.find((each) => each.MetricName === 'ConcurrentExecutions' && JSON.stringify(each.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId(name) } }]));
      expect([name, alarm?.Threshold]).toEqual([name, (limitOf(name) ?? Number.NaN) * ALARM_SHARE]);
    }
    const rate = alarms.find((alarm) => alarm.AlarmName === 'Mediaflow-dev-api-request-rate');
    expect(rate?.Threshold).toBe(plan.api.rateLimit * ALARM_SHARE);
  });

  it('size the tagging function for the tagger: on-device with the demand\u2019s limit, Rekognition within its quota', () => {
    const tagging = template.findResources('AWS::Lambda::Function')[functionId('tagging')]?.Properties;
    const onDevice = plan.options.tagger === 'on-device';
    expect(tagging?.Environment.Variables.TAGGER).toBe(plan.options.tagger);
    expect(tagging?.MemorySize).toBe(onDevice ? 1769 : 512);
    const taggingLimit = limitOf('tagging') ?? Number.NaN;
    if (onDevice) expect(plan.functions.find((f) => f.name === 'tagging')?.basis).not.toMatch(/capped/);
    else expect(taggingLimit).toBeLessThanOrEqual(REKOGNITION_CALLS_IN_FLIGHT);
  });

  it('limit each caller alike, in the api function', () => {
    const api = template.findResources('AWS::Lambda::Function')[functionId('api')];
    expect(api?.Properties.Environment.Variables).toMatchObject({
      OWNER_RATE_LIMIT_PER_SECOND: String(plan.perCaller.perSecond),
      OWNER_RATE_LIMIT_BURST: String(plan.perCaller.burst),
    });
  });
});

describe('the stack\u2019s capacity settings', () => {
  it('plan for the stack\u2019s functions, and a limit for each one a queue feeds', () => {
    expect([...CAPACITY_FUNCTIONS].sort()).toEqual([...MEDIA_FUNCTIONS].sort());
    expect([...QUEUE_CONSUMERS].sort()).toEqual(MEDIA_FUNCTIONS.filter((name) => FUNCTION_PLANS[name].feed !== undefined).sort());
  });

  it('share Rekognition\u2019s rate as the plan assumes it', () => {
    expect(REKOGNITION_CALLS_IN_FLIGHT).toBe(planCapacity(parseWorkload(), { month: 0 }).options.rekognitionTps);
  });

  it('are read from context: a scale and a peak factor, or nothing', () => {
    expect(parseCapacityContext({})).toEqual({});
    expect(parseCapacityContext({ scale: '', peakFactor: '' })).toEqual({});
    expect(parseCapacityContext({ scale: 'month36', peakFactor: '3' })).toEqual({ scale: { month: 36 }, peakFactor: 3 });
    expect(parseCapacityContext({ scale: '250000', peakFactor: 2.5 })).toEqual({ scale: { dau: 250_000 }, peakFactor: 2.5 });
    expect(parseCapacityContext({ tagger: 'rekognition' })).toEqual({ tagger: 'rekognition' });
    expect(parseCapacityContext({ tagger: 'on-device', scale: 'month0' })).toEqual({ tagger: 'on-device', scale: { month: 0 } });
  });

  it('stop synthesis on a value the plan cannot read, naming the setting', () => {
    expect(() => parseCapacityContext({ scale: 'month-36' })).toThrow(InvalidContextError);
    expect(() => parseCapacityContext({ peakFactor: 'high' })).toThrow(/-c peakFactor=high: must be a number from 1 to 100/);
    expect(() => parseCapacityContext({ peakFactor: '0.5' })).toThrow(/peakFactor/);
    expect(() => createApp({ outdir: tempDir(), context: { scale: 'year3' } }, testAssets())).toThrow(/-c scale=year3: must be month0 to month120/);
    expect(() => parseCapacityContext({ tagger: 'clip' })).toThrow(InvalidContextError);
    expect(() => createApp({ outdir: tempDir(), context: { tagger: 'Rekognition' } }, testAssets())).toThrow(/-c tagger=Rekognition: must be on-device or rekognition/);
  });
});

describe('the API\u2019s default execute-api endpoint', () => {
  const { stack, template } = synthesize({});

  it('stays enabled, because it is the distribution\u2019s origin for /api/*', () => {
    const apiId = stack.getLogicalId(stack.api.httpApi.node.defaultChild as CfnApi);
    const api = template.findResources('AWS::ApiGatewayV2::Api')[apiId];
    expect(api?.Properties.DisableExecuteApiEndpoint).not.toBe(true);
    const distribution = template.findResources('AWS::CloudFront::Distribution')[stack.getLogicalId(stack.delivery.distribution.node.defaultChild as CfnDistribution)];
    const origins = distribution?.Properties.DistributionConfig.Origins as { DomainName: unknown }[];
    const apiOrigin = origins.find((origin) => JSON.stringify(origin.DomainName).includes(`"${apiId}"`));
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain('.execute-api.');
  });
});
