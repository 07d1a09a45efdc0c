import { CorruptMediaError, LimitExceededError } from '@mediaflow/domain';
import { checkDecodedLength } from './render.js';

describe('checkDecodedLength', () => {
  it('accepts audio that decodes to about its announced length', () => {
    expect(() => checkDecodedLength(180, 180.02, 14_400)).not.toThrow();
    expect(() => checkDecodedLength(3.03, 3.21, 14_400)).not.toThrow();
    expect(() => checkDecodedLength(5, undefined, 14_400)).not.toThrow();
  });

  it('calls a file that ends well before its announced length truncated', () => {
    expect(() => checkDecodedLength(2.04, 4.05, 14_400)).toThrow(CorruptMediaError);
    expect(() => checkDecodedLength(2.04, 4.05, 14_400)).toThrow(/ends early: 2\.0 s could be decoded of the 4\.0 s/);
  });

  it('tolerates a short file missing under a second', () => {
    expect(() => checkDecodedLength(0.5, 1.2, 14_400)).not.toThrow();
  });

  it('refuses a file that decodes to nothing', () => {
    expect(() => checkDecodedLength(0, 3, 14_400)).toThrow(CorruptMediaError);
  });

  it('refuses a file that runs past the limit its header hid', () => {
    expect(() => checkDecodedLength(61, 10, 60)).toThrow(LimitExceededError);
    expect(() => checkDecodedLength(60, 60, 60)).not.toThrow();
  });
});
