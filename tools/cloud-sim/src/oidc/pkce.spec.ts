import { s256Challenge, verifierMatches } from './pkce.js';

describe('PKCE S256', () => {
  // RFC 7636 appendix B.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  it('computes the challenge of the RFC example', () => {
    expect(s256Challenge(verifier)).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('matches only the verifier of the challenge, and only well-formed verifiers', () => {
    const challenge = s256Challenge(verifier);
    expect(verifierMatches(verifier, challenge)).toBe(true);
    expect(verifierMatches(`${verifier.slice(0, -1)}Y`, challenge)).toBe(false);
    expect(verifierMatches('too-short', s256Challenge('too-short'))).toBe(false);
  });
});
