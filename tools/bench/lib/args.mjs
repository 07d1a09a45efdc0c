/**
 * The value after `--name` on the bench's command line, or `fallback` when it is absent.
 *
 * @example
 * // node tools/bench/image/run.mjs --images 50
 * Number(option('images', '20')) // 50
 */
export function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}
