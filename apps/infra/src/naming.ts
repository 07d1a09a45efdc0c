/**
 * A name such as `video-submit` or `dead-letters` as a construct id part, `VideoSubmit`: construct
 * ids become logical IDs, so every construct names its children this one way.
 *
 * @example
 * pascal('video-submit'); // 'VideoSubmit'
 */
export function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
