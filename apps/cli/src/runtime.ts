/** Node.js lines Mediaflow runs on, with the day each reaches (or reached) its end of life. */
export const SUPPORTED_NODE_LINES: Readonly<Record<number, string>> = Object.freeze({ 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30' });

/**
 * What to tell the person running `mediaflow` about their Node.js, if anything: a line past its end
 * of life still runs (while machines carry it) but is warned about; an unknown one is named.
 *
 * @example
 * nodeRuntimeWarning('v20.20.2', new Date('2026-12-06')); // 'Node.js 20 reached its end of life on 2026-04-30; ...'
 */
export function nodeRuntimeWarning(version: string, today: Date): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  const endOfLife = SUPPORTED_NODE_LINES[major];
  const advice = 'Node.js 24 is the supported line (see .nvmrc; it is also the Lambda runtime)';
  if (endOfLife === undefined) return major > 24 ? undefined : `Node.js ${version} is not supported; ${advice}`;
  if (today.toISOString().slice(0, 10) >= endOfLife) return `Node.js ${major} reached its end of life on ${endOfLife} and gets no security fixes; ${advice}`;
  return undefined;
}
