import { describe, expect, it } from 'vitest';
import { imitated, installedPackages } from './supply-typosquat.js';

describe('typosquat names', () => {
  it('finds the packages install commands name, skipping flags, files, URLs and other commands', () => {
    expect(installedPackages(['npm', 'install', '--save', 'axois@1.6.9', '@types/node'])).toEqual([
      { eco: 'npm', name: 'axois' },
      { eco: 'npm', name: '@types/node' },
    ]);
    expect(
      installedPackages([
        'cd',
        'x',
        'uv',
        'pip',
        'install',
        '-r',
        'requirements.txt',
        'Python_Dateutils[tz]>=2',
        './local',
      ]),
    ).toEqual([{ eco: 'pypi', name: 'python-dateutils' }]);
    expect(
      installedPackages(['pip', 'install', '-i', 'https://x/simple', 'reqeusts', 'npm', 'test']),
    ).toEqual([{ eco: 'pypi', name: 'reqeusts' }]);
    expect(installedPackages(['npm', 'run', 'build'])).toEqual([]);
  });

  it('flags one edit (insert, delete, change, swap) from a popular name, not the name itself or short names', () => {
    expect(imitated('npm', 'axois')).toBe('axios');
    expect(imitated('npm', 'lodahs')).toBe('lodash');
    expect(imitated('npm', 'expres')).toBe('express');
    expect(imitated('pypi', 'python-dateutils')).toBe('python-dateutil');
    expect(imitated('pypi', 'reqeusts')).toBe('requests');
    expect(imitated('npm', 'preact')).toBeNull();
    expect(imitated('npm', 'axios')).toBeNull();
    expect(imitated('npm', 'vue2')).toBeNull();
    expect(imitated('pypi', 'flask-login')).toBeNull();
    // psycopg 3 is its own widely used package, one edit from psycopg2.
    expect(imitated('pypi', 'psycopg')).toBeNull();
  });
});
