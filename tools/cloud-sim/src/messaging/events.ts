/**
 * EventBridge: events put on a bus go to the targets of every enabled rule whose pattern matches,
 * with the rule's retry policy and dead-letter queue; a scheduled rule (`ScheduleExpression`) sends
 * its targets a `Scheduled Event` at its rate, or when a test runs it. The service handler speaks
 * the AWS JSON 1.1 protocol (`x-amz-target: AWSEvents.PutEvents`).
 */
import { randomUUID } from 'node:crypto';
import type { EventRuleSpec } from '../specs.js';
import type { Authorization, AwsRequest, AwsResponse, ServiceHandler } from '../types.js';
import { jsonResponse, parseJsonBody, SERVICE_SENDER_IDS } from './aws-responses.js';
import { compileEventPattern, type EventMatcher } from './event-pattern.js';
import type { DeliveryOptions } from './sns.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const EVENTS_SERVICE = 'events.amazonaws.com';
/** EventBridge's defaults when a target has no RetryPolicy: 185 attempts over 24 hours. */
const DEFAULT_RETRY_ATTEMPTS = 185;
const DEFAULT_EVENT_AGE_SECONDS = 86_400;

/** One entry of PutEvents. `Detail` is a JSON object in text; `Time` defaults to now. */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: Date;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** The event a target receives. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface EventBusesOptions extends DeliveryOptions {
  rules: readonly EventRuleSpec[];
  /**
   * Multiplies the retry backoff (1 s, doubling, at most 5 min). 0.001 turns hours of retries into
   * seconds; the event-age limit is still measured on the unscaled clock.
   */
  retryBackoffScale?: number;
}

interface Rule {
  spec: EventRuleSpec;
  /** Absent for a scheduled rule: no event put on a bus reaches it. */
  matches?: EventMatcher;
}

const RATE_UNITS_MS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

/**
 * The period of a `rate(value unit)` schedule in ms, as EventBridge reads it (`rate(1 hour)`,
 * `rate(5 minutes)`; the singular unit only with 1); undefined for a `cron(...)` expression, whose
 * times the simulator does not compute.
 *
 * @throws Error for an expression EventBridge would refuse.
 */
export function schedulePeriodMs(expression: string): number | undefined {
  if (expression.startsWith('cron(')) return undefined;
  const match = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  const value = Number(match?.[1]);
  const unit = match?.[2] ?? '';
  if (match === null || value < 1 || (value === 1) !== !unit.endsWith('s')) throw new Error(`${expression} is not a schedule expression EventBridge takes`);
  return value * (RATE_UNITS_MS[unit] ?? 0);
}

type Target = EventRuleSpec['targets'][number];

interface Failure {
  code: string;
  message: string;
  /** A missing permission or target is not retried, as in EventBridge. */
  retryable: boolean;
}

function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return 'default';
  const marker = ':event-bus/';
  const at = nameOrArn.indexOf(marker);
  return at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
}

/** EventBridge's `time`: UTC to the second. */
function eventTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function backoffMs(retry: number): number {
  return Math.min(1000 * 2 ** Math.min(retry - 1, 20), 300_000);
}

function errorCodeOf(errorType: string): string {
  if (/NotFound/i.test(errorType)) return 'RESOURCE_NOT_FOUND';
  if (/TooManyRequests|Throttl/i.test(errorType)) return 'THROTTLING';
  return 'SDK_CLIENT_ERROR';
}

/** The stage's event buses and the delivery of their events to rule targets. */
export class EventBuses {
  private readonly rules: Rule[];
  private readonly stopping = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: EventBusesOptions) {
    this.rules = options.rules.map((spec) => (spec.pattern === undefined ? { spec } : { spec, matches: compileEventPattern(spec.pattern, `rule ${spec.name}`) }));
    for (const { spec } of this.rules) if (spec.schedule !== undefined) schedulePeriodMs(spec.schedule);
  }

  /**
   * Runs the enabled scheduled rules at their rate (on the real clock; timers that keep no process
   * alive). A `cron(...)` rule is only run by {@link runSchedule}.
   */
  startSchedules(): void {
    for (const { spec } of this.rules) {
      const period = spec.schedule === undefined || !spec.enabled ? undefined : schedulePeriodMs(spec.schedule);
      if (period === undefined) continue;
      const timer = setInterval(() => this.runSchedule(spec.name), period);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /**
   * What EventBridge does when a scheduled rule's time comes: a `Scheduled Event` (source
   * `aws.events`, the rule in `resources`) to each of its targets, as `events.amazonaws.com`, with
   * the target's retry policy and dead-letter queue. Named by the rule's name, ARN or logical id (or
   * the start of it). Returns the event's id.
   *
   * @throws Error when no scheduled rule has that name.
   */
  runSchedule(rule: string): string {
    const found = this.rules.find(({ spec }) => spec.schedule !== undefined && (spec.name === rule || spec.arn === rule || spec.logicalId.startsWith(rule)));
    if (found === undefined) throw new Error(`no scheduled rule ${rule}`);
    const now = this.options.clock.now();
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.account.accountId,
      time: eventTime(now),
      region: this.options.account.region,
      resources: [found.spec.arn],
      detail: {},
    };
    for (const target of found.spec.targets) void this.options.activity.track(this.deliver(found.spec, target, event, now));
    return event.id;
  }

  busArn(name: string): string {
    const { partition, region, accountId } = this.options.account;
    return `arn:${partition}:events:${region}:${accountId}:event-bus/${busNameOf(name)}`;
  }

  /**
   * Puts events on their buses (the MediaConvert stand-in uses it for `aws.mediaconvert` events, which
   * only AWS itself may send). Matching targets are delivered in the background, tracked by `Activity`.
   *
   * @example
   * buses.putEvents([{ Source: 'aws.mediaconvert', DetailType: 'MediaConvert Job State Change', Detail: JSON.stringify({ status: 'COMPLETE' }) }]);
   */
  putEvents(entries: readonly PutEventsEntry[]): PutEventsResult {
    const results: PutEventsResultEntry[] = entries.map((entry) => this.putOne(entry));
    return { FailedEntryCount: results.filter((entry) => 'ErrorCode' in entry).length, Entries: results };
  }

  /** Stops the schedules and abandons pending retries (logged as dropped), so a stopping stage does not wait hours of backoff. */
  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.stopping.abort();
  }

  private putOne(entry: PutEventsEntry): PutEventsResultEntry {
    if (!entry.Source || !entry.DetailType) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source and DetailType are required.' };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const bus = busNameOf(entry.EventBusName);
    const now = this.options.clock.now();
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.options.account.accountId,
      time: eventTime(entry.Time?.getTime() ?? now),
      region: this.options.account.region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    for (const rule of this.rules) {
      if (!rule.spec.enabled || busNameOf(rule.spec.eventBusName) !== bus || rule.matches === undefined) continue;
      if (!rule.matches(event as unknown as Record<string, unknown>)) continue;
      for (const target of rule.spec.targets) void this.options.activity.track(this.deliver(rule.spec, target, event, now));
    }
    return { EventId: event.id };
  }

  private async deliver(rule: EventRuleSpec, target: Target, event: EventEnvelope, arrivedAt: number): Promise<void> {
    const { clock } = this.options;
    const maxRetries = target.retryPolicy?.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    const maxAgeMs = (target.retryPolicy?.maximumEventAgeSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000;
    const scale = this.options.retryBackoffScale ?? 1;
    for (let retries = 0; ; retries += 1) {
      const failure = await this.attempt(rule, target, event);
      if (failure === undefined) return;
      const delay = backoffMs(retries + 1) * scale;
      let exhausted: string | undefined;
      if (failure.retryable && retries >= maxRetries) exhausted = 'MaximumRetryAttempts';
      else if (failure.retryable && clock.now() + delay - arrivedAt > maxAgeMs) exhausted = 'MaximumEventAgeInSeconds';
      if (!failure.retryable || exhausted !== undefined) {
        this.deadLetter(rule, target, event, failure, retries, exhausted);
        return;
      }
      await clock.sleep(delay, this.stopping.signal);
      if (this.stopping.signal.aborted) {
        this.options.log({ kind: 'dropped', source: 'events', message: `event ${event.id} for ${target.arn}: retries abandoned as the stage stops` });
        return;
      }
    }
  }

  private async attempt(rule: EventRuleSpec, target: Target, event: EventEnvelope): Promise<Failure | undefined> {
    const [, , service, , , resourceType, name] = target.arn.split(':');
    const action = service === 'lambda' ? 'lambda:InvokeFunction' : service === 'sqs' ? 'sqs:SendMessage' : undefined;
    if (action === undefined) return { code: 'UNSUPPORTED_TARGET', message: `${service} targets are not emulated`, retryable: false };
    if (!this.options.authorizeDelivery(EVENTS_SERVICE, rule.arn, action, target.arn)) {
      return { code: 'NO_PERMISSIONS', message: `${EVENTS_SERVICE} is not allowed ${action} on ${target.arn} for ${rule.arn}`, retryable: false };
    }
    if (service === 'sqs') {
      if (!this.options.queues.has(target.arn)) return { code: 'RESOURCE_NOT_FOUND', message: `no queue ${target.arn}`, retryable: false };
      this.options.queues.enqueue(target.arn, JSON.stringify(event), { senderId: SERVICE_SENDER_IDS[EVENTS_SERVICE] as string });
      return undefined;
    }
    const functionName = resourceType === 'function' && name ? name : target.arn;
    try {
      const result = await this.options.invoker.invoke(functionName, event, { type: 'Event' });
      if (!result.error) return undefined;
      return { code: errorCodeOf(result.error.errorType), message: `${result.error.errorType}: ${result.error.errorMessage}`, retryable: true };
    } catch (error) {
      return { code: 'SDK_CLIENT_ERROR', message: String(error), retryable: true };
    }
  }

  private deadLetter(rule: EventRuleSpec, target: Target, event: EventEnvelope, failure: Failure, retries: number, exhausted: string | undefined): void {
    const { log, queues, authorizeDelivery } = this.options;
    const detail = { eventId: event.id, ruleArn: rule.arn, targetArn: target.arn, errorCode: failure.code, errorMessage: failure.message, retryAttempts: retries };
    const dlq = target.deadLetterArn;
    if (dlq === undefined) {
      log({ kind: 'dropped', source: 'events', message: `event ${event.id} to ${target.arn} failed (${failure.code}) and the target has no dead-letter queue`, detail });
      return;
    }
    if (!queues.has(dlq) || !authorizeDelivery(EVENTS_SERVICE, rule.arn, 'sqs:SendMessage', dlq)) {
      log({ kind: 'dropped', source: 'events', message: `event ${event.id} could not be sent to the dead-letter queue ${dlq} (missing or its policy refuses ${EVENTS_SERVICE})`, detail });
      return;
    }
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    queues.enqueue(dlq, JSON.stringify(event), {
      senderId: SERVICE_SENDER_IDS[EVENTS_SERVICE] as string,
      messageAttributes: {
        ERROR_CODE: text(failure.code),
        ERROR_MESSAGE: text(failure.message),
        RULE_ARN: text(rule.arn),
        TARGET_ARN: text(target.arn),
        RETRY_ATTEMPTS: text(String(retries)),
        ...(exhausted === undefined ? {} : { EXHAUSTED_RETRY_CONDITION: text(exhausted) }),
      },
    });
    log({ kind: 'dead-letter', source: 'events', message: `event ${event.id} to ${target.arn} sent to ${dlq} after ${retries} retries (${failure.code})`, detail: { ...detail, deadLetterQueueArn: dlq } });
  }
}

function entriesOf(input: Record<string, unknown>): Array<Record<string, unknown>> {
  const entries = input['Entries'];
  return Array.isArray(entries) ? (entries.filter((entry) => typeof entry === 'object' && entry !== null) as Array<Record<string, unknown>>) : [];
}

function readTime(value: unknown): Date | undefined {
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value);
  return undefined;
}

function validation(message: string, status = 400): AwsResponse {
  return jsonResponse(CONTENT_TYPE, { __type: 'ValidationException', message }, status);
}

/** The `events` service handler: PutEvents. */
export function createEventsHandler(buses: EventBuses): ServiceHandler {
  function readInput(request: AwsRequest): Record<string, unknown> | undefined {
    return request.headers['x-amz-target'] === 'AWSEvents.PutEvents' ? parseJsonBody(request.body) : undefined;
  }

  return {
    authorizations(request: AwsRequest): Authorization[] {
      const input = readInput(request);
      if (!input) return [];
      const buses_ = new Set(entriesOf(input).map((entry) => buses.busArn(typeof entry['EventBusName'] === 'string' ? entry['EventBusName'] : 'default')));
      return [...buses_].map((resource) => ({ action: 'events:PutEvents', resource }));
    },

    async handle(request: AwsRequest): Promise<AwsResponse> {
      const input = readInput(request);
      if (!input) return jsonResponse(CONTENT_TYPE, { __type: 'UnknownOperationException', message: 'Only AWSEvents.PutEvents is emulated.' }, 400);
      const entries = entriesOf(input);
      if (entries.length === 0 || entries.length > 10) return validation('Entries must hold between 1 and 10 entries.');
      const results: PutEventsResultEntry[] = [];
      for (const entry of entries) {
        const source = typeof entry['Source'] === 'string' ? entry['Source'] : '';
        // Only AWS services put events with an `aws.` source.
        if (source.startsWith('aws.')) {
          results.push({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
          continue;
        }
        const time = readTime(entry['Time']);
        const resources = Array.isArray(entry['Resources']) ? entry['Resources'].filter((r): r is string => typeof r === 'string') : undefined;
        const [result] = buses.putEvents([
          {
            Source: source,
            DetailType: typeof entry['DetailType'] === 'string' ? entry['DetailType'] : '',
            Detail: typeof entry['Detail'] === 'string' ? entry['Detail'] : '',
            ...(typeof entry['EventBusName'] === 'string' ? { EventBusName: entry['EventBusName'] } : {}),
            ...(time ? { Time: time } : {}),
            ...(resources ? { Resources: resources } : {}),
          },
        ]).Entries;
        results.push(result as PutEventsResultEntry);
      }
      return jsonResponse(CONTENT_TYPE, { FailedEntryCount: results.filter((entry) => 'ErrorCode' in entry).length, Entries: results });
    },

    denied(_request: AwsRequest, message: string): AwsResponse {
      return jsonResponse(CONTENT_TYPE, { __type: 'AccessDeniedException', message }, 400);
    },
  };
}
