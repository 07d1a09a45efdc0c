import { exifDateToIso, exifTagsToFacts } from './exif.js';

describe('exifDateToIso', () => {
  it('keeps the camera wall-clock time and its offset when the file gives one', () => {
    expect(exifDateToIso('2023:05:06 07:08:09', '+02:00')).toBe('2023-05-06T07:08:09+02:00');
    expect(exifDateToIso('2023:05:06 07:08:09', '-0530')).toBe('2023-05-06T07:08:09-05:30');
  });

  it('writes a zone-less time as UTC', () => {
    expect(exifDateToIso('2023:05:06 07:08:09')).toBe('2023-05-06T07:08:09Z');
  });

  it.each(['0000:00:00 00:00:00', '2023:02:31 10:00:00', '2023:05:06 25:00:00', 'yesterday', '    :  :     :  :  '])(
    'drops the impossible date %j',
    (value) => {
      expect(exifDateToIso(value)).toBeUndefined();
    },
  );

  it('ignores a malformed offset', () => {
    expect(exifDateToIso('2023:05:06 07:08:09', 'CEST')).toBe('2023-05-06T07:08:09Z');
  });
});

describe('exifTagsToFacts', () => {
  it('maps capture time, camera, lens and exposure; GPS apart', () => {
    expect(
      exifTagsToFacts({
        Make: 'Canon\u0000\u0000',
        Model: ' EOS R5 ',
        LensModel: 'RF24-70mm F2.8 L IS USM',
        DateTimeOriginal: '2023:05:06 07:08:09',
        OffsetTimeOriginal: '+02:00',
        ExposureTime: 0.004,
        FNumber: 2.8,
        ISO: 200,
        FocalLength: 50,
        latitude: 48.8584,
        longitude: 2.2945,
        GPSAltitude: 35,
        GPSAltitudeRef: Uint8Array.of(0),
      }),
    ).toEqual({
      capturedAt: '2023-05-06T07:08:09+02:00',
      camera: { make: 'Canon', model: 'EOS R5', lens: 'RF24-70mm F2.8 L IS USM' },
      exposure: { iso: 200, fNumber: 2.8, exposureTime: 0.004, focalLength: 50 },
      gps: { latitude: 48.8584, longitude: 2.2945, altitude: 35 },
    });
  });

  it('puts an altitude below sea level below zero', () => {
    expect(exifTagsToFacts({ latitude: 31.5, longitude: 35.5, GPSAltitude: 430, GPSAltitudeRef: Uint8Array.of(1) }).gps).toEqual({
      latitude: 31.5,
      longitude: 35.5,
      altitude: -430,
    });
  });

  it('falls back to the digitised date', () => {
    expect(exifTagsToFacts({ CreateDate: '2020:01:02 03:04:05' }).capturedAt).toBe('2020-01-02T03:04:05Z');
  });

  it('leaves out empty, zero and out-of-range values', () => {
    expect(exifTagsToFacts({ Make: '  ', Model: '', FNumber: 0, ISO: [0], ExposureTime: -1, latitude: 123, longitude: 0 })).toEqual({});
  });

  it('cuts long strings to what the domain stores', () => {
    expect(exifTagsToFacts({ Model: 'x'.repeat(500) }).camera?.model).toHaveLength(128);
  });
});
