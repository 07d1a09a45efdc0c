import { swipeDirection, swipeStartsOn } from './swipe';

const at = (x: number, y: number, ms = 0) => ({ x, y, at: ms });

describe('swipeDirection', () => {
  it('takes a quick sideways swipe to the left as next and to the right as previous', () => {
    expect(swipeDirection(at(300, 400), at(80, 410, 200))).toBe('next');
    expect(swipeDirection(at(80, 400), at(300, 380, 200))).toBe('prev');
  });

  it('ignores short moves, mostly vertical drags and slow drags', () => {
    expect(swipeDirection(at(300, 400), at(260, 400, 100))).toBeNull();
    expect(swipeDirection(at(300, 600), at(200, 300, 200))).toBeNull();
    expect(swipeDirection(at(300, 400), at(80, 400, 1200))).toBeNull();
  });
});

describe('swipeStartsOn', () => {
  function inStage(html: string): Element {
    document.body.innerHTML = `<div class="stage">${html}</div><aside class="info"><p id="outside">x</p></aside>`;
    return document.querySelector('#target') as Element;
  }

  it('starts on the picture, not beside it, on a zoomed picture or on media controls', () => {
    expect(swipeStartsOn(inStage('<div class="viewer-frame"><img id="target"></div>'))).toBe(true);
    expect(swipeStartsOn(document.querySelector('#outside'))).toBe(false);
    expect(swipeStartsOn(inStage('<div class="viewer-frame is-zoomed"><img id="target"></div>'))).toBe(false);
    expect(swipeStartsOn(inStage('<video id="target"></video>'))).toBe(false);
    expect(swipeStartsOn(null)).toBe(false);
  });
});
