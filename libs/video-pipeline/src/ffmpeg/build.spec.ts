import { featuresOf, parseToolVersion } from './build.js';

const DEBIAN = `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers
built with gcc 12 (Debian 12.2.0-14+deb12u1)
libavutil      57. 28.100 / 57. 28.100
libavformat    59. 27.100 / 59. 27.100
`;
const BUNDLED_FFMPEG = `ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers
built with gcc 6.3.0 (Debian 6.3.0-18+deb9u1) 20170516
libavutil      56. 24.101 / 56. 24.101
libavformat    58. 20.100 / 58. 20.100
`;
const BUNDLED_FFPROBE = `ffprobe version N-66595-gc2b38619c0-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2007-2023 the FFmpeg developers
libavformat    60. 16.100 / 60. 16.100
`;

describe('parseToolVersion', () => {
  it('reads a distribution release', () => {
    expect(parseToolVersion(DEBIAN)).toEqual({ text: '5.1.9-0+deb12u1', release: [5, 1], year: 2026 });
    expect(parseToolVersion('ffprobe version 7.1.1-1ubuntu1 Copyright (c) 2007-2025')?.release).toEqual([7, 1]);
    expect(parseToolVersion('ffmpeg version n6.1.2 Copyright (c) 2000-2024')?.release).toEqual([6, 1]);
  });

  it('places a git snapshot by its libavformat', () => {
    expect(parseToolVersion(BUNDLED_FFMPEG)).toEqual({ text: 'N-47683-g0e8eb07980-static', release: [4, 1], year: 2018 });
    expect(parseToolVersion(BUNDLED_FFPROBE)?.release).toEqual([6, 1]);
    expect(parseToolVersion('ffmpeg version N-1-gabc Copyright (c) 2000-2017\nlibavformat    57. 83.100')?.release).toBeUndefined();
    expect(parseToolVersion('ffmpeg version git-2024-01-01 Copyright (c) 2000-2024')).toMatchObject({ release: undefined, year: 2024 });
  });

  it('refuses what is not a version banner', () => {
    expect(parseToolVersion('')).toBeUndefined();
    expect(parseToolVersion('Usage: something else')).toBeUndefined();
  });
});

describe('featuresOf', () => {
  it('turns on MPEG-TS, named HLS variants and plain crash reports from 5.1 on', () => {
    expect(featuresOf([5, 1])).toEqual({ mpegts: true, hlsNamedVariants: true, crashUnderMemoryBoundIsOutOfMemory: false });
    expect(featuresOf([8, 0])).toEqual(featuresOf([5, 1]));
    expect(featuresOf([5, 0])).toEqual({ mpegts: false, hlsNamedVariants: false, crashUnderMemoryBoundIsOutOfMemory: true });
    expect(featuresOf([4, 4])).toEqual(featuresOf([5, 0]));
    expect(featuresOf(undefined)).toEqual(featuresOf([5, 0]));
  });
});
