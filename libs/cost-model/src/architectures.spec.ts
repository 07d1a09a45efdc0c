import { BASELINE, MEDIAFLOW, parseArchitecture } from './architectures.js';
import { LAMBDA_FFMPEG } from './lambda-ffmpeg.js';
import { costByService, priceMonth, priceWorkload, monthState, type Bill } from './pricing.js';
import { InvalidAssumptionsError } from './errors.js';
import { deriveWorkload, parseWorkload } from './workload.js';

const w = parseWorkload();
const STANDARD_THEN_IA = parseArchitecture({ ...MEDIAFLOW, originalsStorage: 'standard-then-ia' });
const line = (bill: Bill, meterId: string) => {
  const found = bill.lines.find((l) => l.meterId === meterId);
  if (!found) throw new Error(`no line for ${meterId}`);
  return found;
};

describe('priceWorkload at 10k DAU (month 0, free tier off)', () => {
  const baseline = priceWorkload(BASELINE, w);
  const mediaflow = priceWorkload(MEDIAFLOW, w);

  it('totals the lines', () => {
    for (const bill of [baseline, mediaflow]) {
      expect(bill.total).toBeCloseTo(bill.lines.reduce((s, l) => s + l.cost, 0), 8);
    }
  });

  it('prices API Gateway: REST vs HTTP', () => {
    // 12,160,000 × $3.50/M = $42.56; × $1.00/M = $12.16
    expect(line(baseline, 'apigateway.rest').cost).toBeCloseTo(42.56, 8);
    expect(line(mediaflow, 'apigateway.http').cost).toBeCloseTo(12.16, 8);
  });

  it('prices MediaConvert by tier', () => {
    // Professional: 405,333.33 HD min × 0.024 (9,728) + 304,000 SD min × 0.012 (3,648) = 13,376
    expect(costByService(baseline).get('mediaconvert')).toBeCloseTo(13_376, 6);
    // Basic: 405,333.33 × 0.015 (6,080) + 304,000 × 0.0075 (2,280) = 8,360, for a stage that sends every video to MediaConvert.
    const allJobs = priceWorkload(parseArchitecture({ ...MEDIAFLOW, videoTranscoder: 'mediaconvert' }), w);
    expect(costByService(allJobs).get('mediaconvert')).toBeCloseTo(8_360, 6);
    // Mediaflow's default transcodes the workload's 20 s videos in the video function.
    expect(costByService(mediaflow).has('mediaconvert')).toBe(false);
  });

  it('prices the always-on OpenSearch cluster, only in the baseline', () => {
    // 3 × 730 h × 0.167 (365.73) + 3 × 730 h × 0.128 (280.32) + 3 × 100 GB × 0.122 (36.60) = 682.65
    expect(costByService(baseline).get('opensearch')).toBeCloseTo(682.65, 6);
    expect(costByService(mediaflow).has('opensearch')).toBe(false);
  });

  it('prices ElastiCache Serverless at its 1 GB minimum, only in the baseline', () => {
    // 1 GB × 730 h × 0.125 (91.25) + 12,160,000 × 2 ECPU × 0.0034/M (0.082688) = 91.332688
    expect(costByService(baseline).get('elasticache')).toBeCloseTo(91.332688, 6);
    expect(costByService(mediaflow).has('elasticache')).toBe(false);
  });

  // Mediaflow tags on-device in Lambda by default now (the measured model); it called Rekognition as the baseline does before.
  it('prices Rekognition in the baseline (labels, moderation) and in Mediaflow with -c tagger=rekognition (faces and text too)', () => {
    // 3,648,000 frames × 2 = 7,296,000 calls: 1,000 + 6,296,000 × 0.0008 = 6,036.80
    expect(line(baseline, 'rekognition.image.group2').usage.value).toBe(7_296_000);
    expect(costByService(baseline).get('rekognition')).toBeCloseTo(6036.8, 6);
    expect(costByService(mediaflow).has('rekognition')).toBe(false);
    const withRekognition = priceWorkload(parseArchitecture({ ...MEDIAFLOW, tagger: 'rekognition' }), w);
    // 3,648,000 frames × 3 (DetectFaces too) + 1,824,000 pictures × 0.15 read (DetectText) = 11,217,600
    // calls: 1,000 + 9,000,000 × 0.0008 + 1,217,600 × 0.0006 = 8,930.56
    expect(line(withRekognition, 'rekognition.image.group2').usage.value).toBeCloseTo(11_217_600, 6);
    expect(line(withRekognition, 'rekognition.image.group2').usage.formula).toMatch(/faces\] \+ textReads \[DetectText\]/);
    expect(costByService(withRekognition).get('rekognition')).toBeCloseTo(8930.56, 6);
  });

  it('prices the on-device tagger as Lambda time: one model pass per frame at the measured ms and memory', () => {
    expect(MEDIAFLOW).toMatchObject({ tagger: 'lambda-model', modelMsPerImage: 290, modelMiB: 1769, textReadMs: 1050 });
    const withRekognition = priceWorkload(parseArchitecture({ ...MEDIAFLOW, tagger: 'rekognition' }), w);
    // 3,648,000 frames (1,824,000 pictures + 608,000 videos × 3); the model looks at each frame once,
    // 0.29 s at 1,769 MiB, instead of the Rekognition caller's taggingGbSeconds. The text step: every
    // picture 0.1 s, and 273,600 reads of 1.05 s on-device against 0.6 s waiting on DetectText, at
    // 1,769 MiB on-device, 1,024 MiB with Rekognition.
    const model = (3_648_000 * 0.29 * 1769) / 1024;
    const rekognitionCaller = deriveWorkload(w).taggingGbSeconds.value;
    const textOnDevice = ((1_824_000 * 0.1 + 273_600 * 1.05) * 1769) / 1024;
    const textRekognition = ((1_824_000 * 0.1 + 273_600 * 0.6) * 1024) / 1024;
    const difference = line(mediaflow, 'lambda.duration.arm64').usage.value - line(withRekognition, 'lambda.duration.arm64').usage.value;
    expect(difference).toBeCloseTo(model + textOnDevice - rekognitionCaller - textRekognition, 3);
    expect(line(mediaflow, 'lambda.duration.arm64').usage.formula).toMatch(/on-device tagger.*textReads × 1050 ms \[on-device read\]/);
    expect(line(withRekognition, 'lambda.duration.arm64').usage.formula).toMatch(/textCallMs \[DetectText\]/);
  });

  it('prices the text step in Mediaflow only: an invocation, a queued message and a rendition read per picture, a save per read', () => {
    const without = priceWorkload(parseArchitecture({ ...MEDIAFLOW, readText: false }), w);
    const more = (id: string): number => line(mediaflow, id).usage.value - line(without, id).usage.value;
    expect(more('lambda.requests')).toBeCloseTo(1_824_000, 6);
    expect(more('sqs.standard.requests')).toBeCloseTo(1_824_000 * MEDIAFLOW.sqsRequestsPerMessage, 6);
    expect(more('s3.standard.get')).toBeCloseTo(1_824_000, 6);
    // 273,600 reads × 34 write units (a sign's words, measured on the adapter)
    expect(more('dynamodb.write')).toBeCloseTo(273_600 * 34, 6);
    expect(BASELINE.readText).toBe(false);
    expect(BASELINE.faces).toBe(false);
  });

  it('prices Cognito Essentials vs Lite, free tier on and off', () => {
    // off: 25,000 × 0.015 = 375; 25,000 × 0.0055 = 137.50
    expect(line(baseline, 'cognito.essentials').cost).toBeCloseTo(375, 8);
    expect(line(mediaflow, 'cognito.lite').cost).toBeCloseTo(137.5, 8);
    // on: 15,000 × 0.015 = 225; 15,000 × 0.0055 = 82.50
    expect(line(priceWorkload(BASELINE, w, { freeTier: true }), 'cognito.essentials').cost).toBeCloseTo(225, 8);
    expect(line(priceWorkload(MEDIAFLOW, w, { freeTier: true }), 'cognito.lite').cost).toBeCloseTo(82.5, 8);
  });

  it('writes more DynamoDB units when tags and the search index live in the table', () => {
    // baseline: 2,432,000 × 5 writes × 2 WRU = 24,320,000 WRU × 0.625/M = 15.20
    expect(line(baseline, 'dynamodb.write').cost).toBeCloseTo(15.2, 8);
    // mediaflow: 2,432,000 × 137 measured WRU per item + 273,600 text reads × 34 = 342,486,400 WRU × 0.625/M = 214.054
    expect(line(mediaflow, 'dynamodb.write').cost).toBeCloseTo(214.054, 8);
    // its table keeps 2 + 10 × 0.3 + 0.2 + 20 postings × 0.25 = 10.2 KiB per item (half a month's in month 0)
    expect(line(mediaflow, 'dynamodb.storage').usage.value).toBeCloseTo((2_432_000 * 10.2) / 1024 / 1024 / 2, 4);
  });

  it('bills half the month of uploads in Standard in month 0', () => {
    // (originals 27,993.515 + renditions 15,515.00) ÷ 2 GB-month, all under 50 TB at 0.023
    const originals = 28_665_359.375 / 1024;
    const renditions = (1_824_000 * 1.2 + 608_000 * (23_625_000 / 1_048_576)) / 1024;
    expect(line(baseline, 's3.standard.storage').usage.value).toBeCloseTo((originals + renditions) / 2, 4);
    expect(line(baseline, 's3.standard.storage').cost).toBeCloseTo(((originals + renditions) / 2) * 0.023, 4);
    // with the 30-day Standard-IA rule nothing is old enough yet: no IA storage, no transitions
    const ia = priceWorkload(STANDARD_THEN_IA, w);
    expect(line(ia, 's3.ia.storage').usage.value).toBe(0);
    expect(line(ia, 's3.lifecycle.to-ia').cost).toBe(0);
    // Mediaflow's originals leave Standard the day after upload: all but (1 − (29 ÷ 30)²) of this month's half
    expect(line(mediaflow, 's3.standard.storage').usage.value).toBeCloseTo(renditions / 2 + (originals / 2) * (1 - (29 / 30) ** 2), 4);
    expect(line(mediaflow, 's3.gir.storage').usage.value).toBeCloseTo((originals / 2) * (29 / 30) ** 2, 4);
  });

  it('moves older originals to Standard-IA once there is history', () => {
    const steady = priceWorkload(STANDARD_THEN_IA, parseWorkload({ historyMonths: 2 }));
    const originals = 28_665_359.375 / 1024;
    // IA: half of last month's + all of the month before = 1.5 × 27,993.515 GB-month × 0.0125
    expect(line(steady, 's3.ia.storage').cost).toBeCloseTo(1.5 * originals * 0.0125, 4);
    // last month's 2,432,000 originals transition: × $0.01 / 1,000 = 24.32
    expect(line(steady, 's3.lifecycle.to-ia').cost).toBeCloseTo(24.32, 8);
    // 1% of the 1.5 months' originals in IA are downloaded: $0.01 per GB retrieved
    expect(line(steady, 's3.ia.retrieval').cost).toBeCloseTo(0.01 * 1.5 * originals * 0.01, 6);
  });

  it('keeps Mediaflow\'s originals in Glacier Instant Retrieval and bills their downloads', () => {
    const steady = priceWorkload(MEDIAFLOW, parseWorkload({ historyMonths: 2 }));
    const originals = 28_665_359.375 / 1024;
    // the share past day 1: this month's half × (29 ÷ 30)², last month's × (1 − (1 ÷ 30)² ÷ 2), the month before in full
    const pastDayOne = 0.5 * (29 / 30) ** 2 + (1 - (1 / 30) ** 2 / 2) + 1;
    expect(line(steady, 's3.gir.storage').cost).toBeCloseTo(pastDayOne * originals * 0.004, 4);
    // 29/30 of this month's 2,432,000 uploads and 1/30 of last month's reach day 1: × $0.02 / 1,000
    expect(line(steady, 's3.lifecycle.to-gir').cost).toBeCloseTo(48.64, 6);
    // downloads: 1% of the two older months, nearly all in Glacier IR, at $0.03 per GB, leaving through S3
    const downloaded = 0.01 * ((1 - (1 / 30) ** 2 / 2) + 1) * originals;
    expect(line(steady, 's3.gir.retrieval').cost).toBeCloseTo(downloaded * 0.03, 6);
    expect(line(steady, 'transfer.internet').usage.value).toBeCloseTo(0.01 * 2 * originals, 6);
    expect(costByService(priceWorkload(MEDIAFLOW, w)).has('data-transfer')).toBe(false);
  });

  it('applies the free tier: cheaper with it than without', () => {
    expect(priceWorkload(MEDIAFLOW, w, { freeTier: true }).total).toBeLessThan(mediaflow.total);
    // Lambda requests: (invocations − 1M) × 0.20/M, i.e. $0.20 less
    const on = line(priceWorkload(MEDIAFLOW, w, { freeTier: true }), 'lambda.requests').cost;
    expect(line(mediaflow, 'lambda.requests').cost - on).toBeCloseTo(0.2, 8);
  });

  it('makes Mediaflow cheaper overall at 10k DAU', () => {
    expect(mediaflow.total).toBeLessThan(baseline.total);
  });

  it('shows a formula on every line', () => {
    for (const l of [...baseline.lines, ...mediaflow.lines]) expect(l.usage.formula.length).toBeGreaterThan(3);
  });
});

describe('what-if choices', () => {
  it('replaces MediaConvert with the measured Lambda ffmpeg time, up to the longest video the function takes', () => {
    const mediaConvert = parseArchitecture({ ...MEDIAFLOW, videoTranscoder: 'mediaconvert' });
    const bill = priceWorkload(MEDIAFLOW, w);
    expect(costByService(bill).has('mediaconvert')).toBe(false);
    // extra GB-s: 202,666.67 video min × 60 s × 1.264 s per second × 3,538 MB ÷ 1024 = 53,105,380
    const extra = line(bill, 'lambda.duration.arm64').usage.value - line(priceWorkload(mediaConvert, w), 'lambda.duration.arm64').usage.value;
    expect(extra).toBeCloseTo((202_666.666_666_666_7 * 60 * LAMBDA_FFMPEG.secondsPerVideoSecond * LAMBDA_FFMPEG.memoryMb) / 1024, 0);
    expect(extra).toBeCloseTo(53_105_380, -1);
    // Videos longer than the function takes are MediaConvert's, as in the stack.
    const long = parseWorkload({ videoSeconds: LAMBDA_FFMPEG.maxPlacedSeconds + 1 });
    expect(costByService(priceWorkload(MEDIAFLOW, long)).get('mediaconvert')).toBeCloseTo(costByService(priceWorkload(mediaConvert, long)).get('mediaconvert') ?? 0, 6);
  });

  it('prices Rekognition Video per minute when chosen', () => {
    const video = parseArchitecture({ ...BASELINE, videoTagging: 'rekognition-video' });
    // 202,666.67 min × 2 features × $0.10 = 40,533.33
    expect(line(priceWorkload(video, w), 'rekognition.video.stored').cost).toBeCloseTo(40_533.333, 2);
  });

  it('rejects a malformed architecture', () => {
    expect(() => parseArchitecture({ ...MEDIAFLOW, api: 'soap' })).toThrow(InvalidAssumptionsError);
  });
});

describe('priceMonth', () => {
  it('needs at least one month of history', () => {
    expect(() => priceMonth(MEDIAFLOW, [])).toThrow(InvalidAssumptionsError);
  });

  it('accumulates storage over the history it is given', () => {
    const one = priceMonth(BASELINE, [monthState(w)]);
    const two = priceMonth(BASELINE, [monthState(w), monthState(w)]);
    // 0.5 a → 1.5 a: three times the GB-months
    expect(line(two, 's3.standard.storage').usage.value).toBeCloseTo(3 * line(one, 's3.standard.storage').usage.value, 6);
  });
});
