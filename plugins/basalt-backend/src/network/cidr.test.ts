import { isCidr } from './cidr';

describe('isCidr', () => {
  it.each([
    '127.0.0.1/32',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '::1/128',
    'fd00::/8',
    '2001:db8::/32',
  ])('accepts %s', cidr => expect(isCidr(cidr)).toBe(true));

  it.each([
    '127.0.0.1',
    '10.0.0.1/8',
    '10.0.0.0/33',
    '300.0.0.0/8',
    'fd00::1/8',
    '::ffff:10.0.0.0/104',
    'localhost/32',
    '10.0.0.0/8 trust',
  ])('refuses %s', cidr => expect(isCidr(cidr)).toBe(false));
});
