import type { ImageProcessor, ImageRenderResult } from '@mediaflow/domain';
import { Deadline } from './deadline.js';
import { inspectImage, type ImageDetails } from './inspect.js';
import { resolveLimits } from './limits.js';
import { planRenditions } from './plan.js';
import { defaultPolicy } from './policy.js';
import { renderImage } from './render.js';
import { configureSharp, type SharpSettings } from './sharp-setup.js';
import type { ImageLimits, RenditionPlan, RenditionPolicy } from './types.js';

export interface SharpImageProcessorOptions {
  /** Replaces fields of `defaultLimits`. */
  limits?: Partial<ImageLimits>;
  policy?: RenditionPolicy;
  /** Budget of one `inspect` call (default 10 s). */
  inspectTimeoutMs?: number;
  /** Budget of one `render` call, inspection included (default 60 s). */
  renderTimeoutMs?: number;
  /** Outputs encoded at once within one job (default 2). */
  encodeConcurrency?: number;
  /** sharp's process-wide settings; applied by the first processor created in the process. */
  sharp?: SharpSettings;
  /** The HEIC decoder's worker script (default: `heicWorkerPath()`, which finds the package's own). */
  heicWorkerPath?: string;
}

/** Everything one image job produces: what the image is, what was decided, what was made. */
export interface ProcessedImage extends ImageRenderResult {
  inspection: ImageDetails;
  plan: RenditionPlan;
}

/**
 * The image pipeline behind the domain's `ImageProcessor` port: sniff and limit, inspect, plan,
 * render, composed from the package's functions with one set of limits, policy and time budgets.
 *
 * @example
 * const images = new SharpImageProcessor({ limits: { maxPixels: 50_000_000 } });
 * const { facts, gps } = await images.inspect(bytes);   // drop gps unless the owner opted in
 * const { files, placeholder } = await images.render(bytes);
 */
export class SharpImageProcessor implements ImageProcessor {
  private readonly limits: ImageLimits;
  private readonly policy: RenditionPolicy;
  private readonly inspectTimeoutMs: number;
  private readonly renderTimeoutMs: number;
  private readonly encodeConcurrency: number;
  private readonly heicWorkerPath: string | undefined;

  constructor(options: SharpImageProcessorOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.policy = options.policy ?? defaultPolicy;
    this.inspectTimeoutMs = options.inspectTimeoutMs ?? 10_000;
    this.renderTimeoutMs = options.renderTimeoutMs ?? 60_000;
    this.encodeConcurrency = options.encodeConcurrency ?? 2;
    this.heicWorkerPath = options.heicWorkerPath;
    configureSharp(options.sharp);
  }

  inspect(input: Uint8Array): Promise<ImageDetails> {
    return inspectImage(input, { limits: this.limits, timeoutMs: this.inspectTimeoutMs });
  }

  async render(input: Uint8Array): Promise<ImageRenderResult> {
    const { files, placeholder } = await this.process(input);
    return { files, placeholder };
  }

  /** Inspects, plans and renders under one time budget, returning all three results. */
  async process(input: Uint8Array): Promise<ProcessedImage> {
    const deadline = new Deadline(this.renderTimeoutMs, 'image job');
    const inspection = await inspectImage(input, { limits: this.limits, deadline });
    const plan = planRenditions(inspection.facts, this.policy);
    const result = await renderImage(input, plan, {
      limits: this.limits,
      deadline,
      encodeConcurrency: this.encodeConcurrency,
      ...(this.heicWorkerPath === undefined ? {} : { heicWorkerPath: this.heicWorkerPath }),
    });
    return { ...result, inspection, plan };
  }
}
