import { describe, expect, it } from 'vitest';
import { insecureServerProblem } from './server-url-check.js';

describe('insecureServerProblem', () => {
  it.each([
    'https://ward.example.com',
    'https://10.0.0.5:4318',
    'http://127.0.0.1:4318',
    'http://127.1.2.3:4318',
    'http://localhost:4318',
    'http://[::1]:4318',
  ])('%s may be used', (url) => {
    expect(insecureServerProblem(url)).toBeNull();
  });

  it.each([
    ['http://10.0.0.5:4318', /plain http to 10\.0\.0\.5:4318/],
    ['http://ward.example.com', /plain http to ward\.example\.com/],
    ['http://127.0.0.1.evil.example', /plain http/],
    ['http://localhost.evil.example:80', /plain http/],
    ['http://[::ffff:10.0.0.1]', /plain http/],
    ['http://0.0.0.0:4318', /plain http/],
    ['http://ward.localhost:4318', /plain http/],
    ['ftp://127.0.0.1', /must be https/],
    ['not a url', /is not a URL/],
  ])('%s is refused', (url, why) => {
    expect(insecureServerProblem(url)).toMatch(why);
  });
});
