export {
  QUADRANTS,
  animatedGif,
  displayedAt,
  gifBomb,
  orientedJpeg,
  photoJpeg,
  photoPixels,
  pngBomb,
  seededRandom,
  solid,
  withExiftool,
  type Rgb,
} from './images.js';
export { closeTo, containsText, endsCleanly, pixelAt } from './outputs.js';
export { withSvgLoader } from './svg.js';
