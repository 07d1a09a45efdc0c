import { PriceTableError } from './errors.js';
import { getMeter } from './prices.js';
import { flat, tieredCost, type Tier } from './tiers.js';

// Round bands so the arithmetic is easy to follow: $1 a unit to 100, $0.50 to 300, $0.25 beyond.
const BANDS: readonly Tier[] = [
  { upTo: 100, price: 1 },
  { upTo: 300, price: 0.5 },
  { upTo: null, price: 0.25 },
];

const meterCost = (id: string, quantity: number, freeTier: boolean) => {
  const m = getMeter(id);
  return tieredCost(quantity, m.tiers, m.per, freeTier ? (m.free?.amount ?? 0) : 0).cost;
};

describe('tieredCost', () => {
  it('prices a flat rate per unit block', () => {
    // 3,000,000 requests × $0.20 / 1,000,000 = $0.60
    expect(tieredCost(3_000_000, flat(0.2), 1e6).cost).toBeCloseTo(0.6, 10);
  });

  it('prices zero usage at zero', () => {
    expect(tieredCost(0, BANDS).cost).toBe(0);
    expect(tieredCost(0, BANDS).charges).toEqual([]);
  });

  it.each([
    // just below, at and above the first boundary (100)
    [99, 99], // 99 × 1
    [100, 100], // 100 × 1
    [101, 100.5], // 100 × 1 + 1 × 0.5
    // just below, at and above the second boundary (300)
    [299, 199.5], // 100 + 199 × 0.5
    [300, 200], // 100 + 200 × 0.5
    [301, 200.25], // 100 + 100 + 1 × 0.25
    [1000, 375], // 100 + 100 + 700 × 0.25
  ])('charges %d units across the bands as %d', (quantity, expected) => {
    expect(tieredCost(quantity, BANDS).cost).toBeCloseTo(expected, 10);
  });

  it('takes the free allowance out of the first, dearest units', () => {
    // 400 units, 150 free: band 1 fully free; band 2 150..300 = 150 × 0.5 = 75; band 3 100 × 0.25 = 25 → 100
    const result = tieredCost(400, BANDS, 1, 150);
    expect(result.cost).toBeCloseTo(100, 10);
    expect(result.free).toBe(150);
    expect(result.charges.map((c) => c.quantity)).toEqual([150, 100]);
    // without it: 100 + 100 + 25 = 225
    expect(tieredCost(400, BANDS).cost).toBeCloseTo(225, 10);
  });

  it('charges nothing when usage is within the free allowance', () => {
    const result = tieredCost(80, BANDS, 1, 150);
    expect(result.cost).toBe(0);
    expect(result.free).toBe(80);
  });

  it('reports each band it charged', () => {
    expect(tieredCost(301, BANDS).charges).toEqual([
      { from: 0, to: 100, quantity: 100, price: 1, cost: 100 },
      { from: 100, to: 300, quantity: 200, price: 0.5, cost: 100 },
      { from: 300, to: Number.POSITIVE_INFINITY, quantity: 1, price: 0.25, cost: 0.25 },
    ]);
  });

  it('rejects malformed tables and quantities', () => {
    expect(() => tieredCost(-1, BANDS)).toThrow(PriceTableError);
    expect(() => tieredCost(Number.NaN, BANDS)).toThrow(PriceTableError);
    expect(() => tieredCost(1, [])).toThrow(PriceTableError);
    expect(() => tieredCost(1, [{ upTo: 10, price: 1 }])).toThrow(/open-ended/);
    expect(() => tieredCost(1, [{ upTo: null, price: 1 }, { upTo: null, price: 2 }])).toThrow(/open-ended/);
    expect(() => tieredCost(1, [{ upTo: 10, price: 1 }, { upTo: 5, price: 1 }, { upTo: null, price: 1 }])).toThrow(/rise/);
    expect(() => tieredCost(1, [{ upTo: null, price: -1 }])).toThrow(/negative/);
    expect(() => tieredCost(1, BANDS, 0)).toThrow(PriceTableError);
  });
});

describe('real price tables', () => {
  it('SQS: first 1M requests free, then $0.40 per million', () => {
    // free tier on: (3,000,000 − 1,000,000) × 0.40 / 1M = $0.80; off: 3 × 0.40 = $1.20
    expect(meterCost('sqs.standard.requests', 3_000_000, true)).toBeCloseTo(0.8, 10);
    expect(meterCost('sqs.standard.requests', 3_000_000, false)).toBeCloseTo(1.2, 10);
    expect(meterCost('sqs.standard.requests', 999_999, true)).toBe(0);
    // at the 100B boundary: 100,000 × $0.40 = $40,000; one million more at $0.30
    expect(meterCost('sqs.standard.requests', 100e9, false)).toBeCloseTo(40_000, 6);
    expect(meterCost('sqs.standard.requests', 100e9 + 1e6, false)).toBeCloseTo(40_000.3, 6);
  });

  it('Lambda x86 duration crosses the 6B GB-s boundary, with and without the free tier', () => {
    // below: 5,999,999,999 × 0.0000166667 = 99,999.1999...
    expect(meterCost('lambda.duration.x86', 6e9 - 1, false)).toBeCloseTo(6e9 * 0.0000166667 - 0.0000166667, 4);
    // at: 6e9 × 0.0000166667 = 100,000.2
    expect(meterCost('lambda.duration.x86', 6e9, false)).toBeCloseTo(100_000.2, 4);
    // above: 100,000.2 + 4e9 × 0.000015 (60,000) = 160,000.2
    expect(meterCost('lambda.duration.x86', 10e9, false)).toBeCloseTo(160_000.2, 4);
    // free 400,000 GB-s come off the first band: 160,000.2 − 400,000 × 0.0000166667 (6.66668) = 159,993.53332
    expect(meterCost('lambda.duration.x86', 10e9, true)).toBeCloseTo(159_993.53332, 4);
  });

  it('Lambda arm64 is cheaper per GB-s and has wider bands', () => {
    // 1,000,000 GB-s × 0.0000133334 = 13.3334; free tier on: 600,000 × 0.0000133334 = 8.00004
    expect(meterCost('lambda.duration.arm64', 1e6, false)).toBeCloseTo(13.3334, 8);
    expect(meterCost('lambda.duration.arm64', 1e6, true)).toBeCloseTo(8.00004, 8);
    // 7.5e9 × 0.0000133334 = 100,000.5 then 1e9 × 0.0000120001 = 12,000.1 → 112,000.6
    expect(meterCost('lambda.duration.arm64', 8.5e9, false)).toBeCloseTo(112_000.6, 4);
  });

  it('CloudFront transfer: 1 TB free, $0.085 to 10 TB, $0.080 beyond', () => {
    expect(meterCost('cloudfront.transfer', 1024, true)).toBe(0);
    // 1024 GB off: 1024 × 0.085 = 87.04
    expect(meterCost('cloudfront.transfer', 1024, false)).toBeCloseTo(87.04, 8);
    // 11 TB = 11,264 GB off: 10,240 × 0.085 (870.40) + 1,024 × 0.080 (81.92) = 952.32
    expect(meterCost('cloudfront.transfer', 11_264, false)).toBeCloseTo(952.32, 8);
    // on: 952.32 − 87.04 = 865.28
    expect(meterCost('cloudfront.transfer', 11_264, true)).toBeCloseTo(865.28, 8);
  });

  it('Rekognition image group 2 volume tiers', () => {
    // at 1M: 1,000,000 × 0.001 = $1,000; one more image at $0.0008
    expect(meterCost('rekognition.image.group2', 1e6, false)).toBeCloseTo(1000, 8);
    expect(meterCost('rekognition.image.group2', 1e6 + 1, false)).toBeCloseTo(1000.0008, 8);
    // 7,296,000: 1,000 + 6,296,000 × 0.0008 (5,036.80) = 6,036.80
    expect(meterCost('rekognition.image.group2', 7_296_000, false)).toBeCloseTo(6036.8, 6);
    // 150M: 1,000 + 9M × 0.0008 (7,200) + 90M × 0.0006 (54,000) + 50M × 0.00025 (12,500) = 74,700
    expect(meterCost('rekognition.image.group2', 150e6, false)).toBeCloseTo(74_700, 4);
  });

  it('Cognito Lite MAU tiers with the 10,000 MAU free tier', () => {
    // on: (25,000 − 10,000) × 0.0055 = 82.50; off: 25,000 × 0.0055 = 137.50
    expect(meterCost('cognito.lite', 25_000, true)).toBeCloseTo(82.5, 8);
    expect(meterCost('cognito.lite', 25_000, false)).toBeCloseTo(137.5, 8);
    // at 100,000 (on): 90,000 × 0.0055 = 495; 100,001: + 0.0046
    expect(meterCost('cognito.lite', 100_000, true)).toBeCloseTo(495, 8);
    expect(meterCost('cognito.lite', 100_001, true)).toBeCloseTo(495.0046, 8);
  });

  it('S3 Standard storage drops to $0.022 above 50 TB', () => {
    // 51,200 GB × 0.023 = 1,177.60; +1,000 GB × 0.022 = 22 → 1,199.60
    expect(meterCost('s3.standard.storage', 51_200, false)).toBeCloseTo(1177.6, 8);
    expect(meterCost('s3.standard.storage', 52_200, false)).toBeCloseTo(1199.6, 8);
  });

  it('REST API requests cost 3.5x HTTP API requests in the first band', () => {
    // 12,160,000 × 3.50 / 1M = 42.56; × 1.00 / 1M = 12.16
    expect(meterCost('apigateway.rest', 12_160_000, false)).toBeCloseTo(42.56, 8);
    expect(meterCost('apigateway.http', 12_160_000, false)).toBeCloseTo(12.16, 8);
    // HTTP above 300M: 300 × 1.00 + 100 × 0.90 = 390
    expect(meterCost('apigateway.http', 400e6, false)).toBeCloseTo(390, 8);
  });
});
