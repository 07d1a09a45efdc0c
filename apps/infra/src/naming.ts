/**
 * A name such as `video-complete` or `dead-letters` as a construct id part, `VideoComplete`: construct
 * ids become logical IDs, so every construct names its children this one way.
 *
 * @example
 * pascal('video-complete'); // 'VideoComplete'
 */
export function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
