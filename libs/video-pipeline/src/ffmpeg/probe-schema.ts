import { z } from 'zod';

/*
 * The parts of `ffprobe -print_format json -show_format -show_streams` that Mediaflow reads.
 * ffprobe prints numbers inside strings for many fields (`"duration": "1.000000"`), and omits
 * fields it does not know, so everything is optional and unknown keys pass through untouched.
 */

const NumberLike = z.union([z.number(), z.string()]);

export const ProbeSideDataSchema = z.looseObject({
  side_data_type: z.string().optional(),
  rotation: NumberLike.optional(),
});

export const ProbeStreamSchema = z.looseObject({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  r_frame_rate: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  duration: NumberLike.optional(),
  bit_rate: NumberLike.optional(),
  nb_frames: NumberLike.optional(),
  sample_rate: NumberLike.optional(),
  channels: z.number().int().optional(),
  pix_fmt: z.string().optional(),
  disposition: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(ProbeSideDataSchema).optional(),
});
export type ProbeStream = z.infer<typeof ProbeStreamSchema>;

export const ProbeFormatSchema = z.looseObject({
  format_name: z.string(),
  duration: NumberLike.optional(),
  size: NumberLike.optional(),
  bit_rate: NumberLike.optional(),
  nb_streams: z.number().int().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});
export type ProbeFormat = z.infer<typeof ProbeFormatSchema>;

export const ProbeResultSchema = z.looseObject({
  streams: z.array(ProbeStreamSchema).default([]),
  format: ProbeFormatSchema,
});
/** ffprobe's view of a file, as parsed (the raw JSON, checked and typed). */
export type ProbeResult = z.infer<typeof ProbeResultSchema>;
