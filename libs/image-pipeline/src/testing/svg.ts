import sharp from 'sharp';

const SVG_LOADER = ['VipsForeignLoadSvgBuffer'];
const PROBE = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');

/**
 * Runs `render` (a test drawing its picture from SVG) with sharp's SVG loader allowed. The loader
 * is blocked process-wide once a pipeline has configured sharp for hostile input
 * (`configureSharp`), which a stack or function started earlier in the same jest worker may have
 * done: it is let through for `render` only, and blocked again after it if it was blocked before.
 *
 * @example const jpeg = await withSvgLoader(() => sharp(Buffer.from(svg)).jpeg().toBuffer());
 */
export async function withSvgLoader<T>(render: () => Promise<T>): Promise<T> {
  const blocked = await sharp(PROBE)
    .raw()
    .toBuffer()
    .then(
      () => false,
      () => true,
    );
  if (blocked) sharp.unblock({ operation: SVG_LOADER });
  try {
    return await render();
  } finally {
    if (blocked) sharp.block({ operation: SVG_LOADER });
  }
}
