import { BASELINE, MEDIAFLOW, parseArchitecture } from './architectures.js';
import { compareArchitectures, explainDifference } from './compare.js';
import { parseWorkload } from './workload.js';

describe('compareArchitectures', () => {
  const c = compareArchitectures(parseWorkload());

  it('rows add up to the totals and differences are mediaflow − baseline', () => {
    expect(c.rows.reduce((s, r) => s + r.baseline, 0)).toBeCloseTo(c.totals.baseline, 6);
    expect(c.rows.reduce((s, r) => s + r.mediaflow, 0)).toBeCloseTo(c.totals.mediaflow, 6);
    for (const r of c.rows) expect(r.difference).toBeCloseTo(r.mediaflow - r.baseline, 10);
    expect(c.totals.difference).toBeCloseTo(c.totals.mediaflow - c.totals.baseline, 6);
  });

  it('gives a reason on every line that differs', () => {
    for (const r of c.rows) if (Math.abs(r.difference) > 0.01) expect(r.reason).not.toBe('');
    expect(c.rows.find((r) => r.service === 'opensearch')?.reason).toMatch(/search index is in DynamoDB/);
  });

  // Mediaflow's default tagger is the on-device one (measured), so Rekognition is the baseline's alone.
  it('says why Rekognition differs, and why not when both call it the same', () => {
    expect(explainDifference('rekognition', BASELINE, MEDIAFLOW)).toMatch(/on-device model/);
    expect(explainDifference('lambda', BASELINE, MEDIAFLOW)).toMatch(/on-device tagger in Lambda; text step/);
    expect(explainDifference('sqs', BASELINE, MEDIAFLOW)).toMatch(/text queue message per picture/);
    const withRekognition = parseArchitecture({ ...MEDIAFLOW, tagger: 'rekognition' });
    expect(explainDifference('rekognition', BASELINE, withRekognition)).toBe('DetectFaces on every tagged frame; DetectText on the pictures the print gate lets through');
    expect(explainDifference('rekognition', BASELINE, parseArchitecture({ ...withRekognition, faces: false, readText: false }))).toMatch(/same calls/);
  });

  it('says nothing about a service when the choices are equal', () => {
    expect(explainDifference('mediaconvert', MEDIAFLOW, MEDIAFLOW)).toBe('');
  });
});
