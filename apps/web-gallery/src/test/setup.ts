// jsdom lacks matchMedia; the theme code only needs it to exist.
const noop = (): void => undefined;
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({ matches: false, media: query, onchange: null, addEventListener: noop, removeEventListener: noop, addListener: noop, removeListener: noop, dispatchEvent: () => false }) as MediaQueryList;
}
