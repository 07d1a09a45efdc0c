import { PriceTableError } from './errors.js';
import { PRICES_TAKEN, SERVICE_NAMES, getMeter, listMeters, type ServiceId } from './prices.js';
import { tieredCost } from './tiers.js';

describe('price table', () => {
  it('covers every service of the design', () => {
    const services = new Set(listMeters().map((m) => m.service));
    for (const id of Object.keys(SERVICE_NAMES) as ServiceId[]) expect(services.has(id)).toBe(true);
  });

  it('dates, sources and unit-prices every meter', () => {
    for (const m of listMeters()) {
      expect(m.taken).toBe(PRICES_TAKEN);
      expect(m.source.length).toBeGreaterThan(5);
      expect(m.unit.length).toBeGreaterThan(0);
      expect(m.per).toBeGreaterThan(0);
      // Validates the bands (ascending, last open-ended, non-negative).
      expect(() => tieredCost(1, m.tiers, m.per)).not.toThrow();
    }
  });

  it('has unique ids', () => {
    const ids = listMeters().map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('offers both Lambda architectures, all S3 classes, both API types and both MediaConvert tiers', () => {
    for (const id of [
      'lambda.duration.x86',
      'lambda.duration.arm64',
      's3.standard.storage',
      's3.ia.storage',
      's3.it.frequent',
      's3.gir.storage',
      's3.gir.retrieval',
      's3.lifecycle.to-gir',
      's3.lifecycle.to-it',
      'apigateway.http',
      'apigateway.rest',
      'mediaconvert.basic.uhd',
      'mediaconvert.professional.sd',
    ]) {
      expect(getMeter(id).id).toBe(id);
    }
  });

  it('throws on an unknown meter', () => {
    expect(() => getMeter('nope')).toThrow(PriceTableError);
  });
});
