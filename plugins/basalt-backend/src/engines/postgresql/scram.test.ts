import { scramSha256Verifier, scramVerifierMatches } from './scram';

describe('scramVerifierMatches', () => {
  const verifier = scramSha256Verifier('secret-one');

  it("recognises a verifier of the password, with the verifier's own salt", () => {
    expect(scramVerifierMatches(verifier, 'secret-one')).toBe(true);
    // Another verifier of the same password has another salt.
    expect(scramSha256Verifier('secret-one')).not.toBe(verifier);
  });

  it('tells a verifier of another password, or of no password, apart', () => {
    expect(scramVerifierMatches(verifier, 'secret-two')).toBe(false);
    expect(scramVerifierMatches(null, 'secret-one')).toBe(false);
    expect(
      scramVerifierMatches('md5a3556571e93b0d20722ba62be61e8c2d', 'x'),
    ).toBe(false);
  });

  it('honours the iteration count the server used', () => {
    const fewer = scramSha256Verifier('secret-one', Buffer.alloc(16, 7), 1000);
    expect(fewer).toMatch(/^SCRAM-SHA-256\$1000:/);
    expect(scramVerifierMatches(fewer, 'secret-one')).toBe(true);
  });
});
