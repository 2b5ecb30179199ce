import { describe, expect, it } from 'vitest';
import { isPayloadFile } from './payload-files.js';

describe('payload file names', () => {
  const uuid = '0b7a2f5e-9c1d-4e8a-b6f3-2d4c5e6f7a8b';

  it('takes only a name this process makes: no path, no other file of the directory', () => {
    expect(isPayloadFile(`payload-${uuid}.rowbinary`)).toBe(true);
    for (const name of [
      `../payload-${uuid}.rowbinary`,
      `/etc/payload-${uuid}.rowbinary`,
      `sub/payload-${uuid}.rowbinary`,
      `payload-${uuid}.rowbinary/..`,
      `payload-${uuid}.rowbinary\n`,
      `params-${uuid}.json`,
      `payload-${uuid.toUpperCase()}.rowbinary`,
      'payload-.rowbinary',
      '',
    ])
      expect(isPayloadFile(name), JSON.stringify(name)).toBe(false);
  });
});
