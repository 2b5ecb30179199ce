import { describe, expect, it } from 'vitest';
import { endpointHost, endpointsInConfig, endpointsSetByCommand } from './storage-endpoints.js';

const set = (line: string) => endpointsSetByCommand(line, line.split(/\s+/));

describe('endpoints a session sets for the AWS client', () => {
  it('are read from the environment, set and taken back', () => {
    expect(set('export AWS_REGION=us-east-1 AWS_ENDPOINT_URL_S3=https://m.example:9000')).toEqual([
      { scope: 'env-s3', url: 'https://m.example:9000' },
    ]);
    expect(set('export AWS_ENDPOINT_URL="http://localhost:4566"')).toEqual([
      { scope: 'env', url: 'http://localhost:4566' },
    ]);
    expect(set('unset AWS_ENDPOINT_URL')).toEqual([{ scope: 'env', url: '' }]);
    expect(set('echo AWS_ENDPOINT_URL')).toEqual([]);
  });

  it('are read from aws configure set, per profile', () => {
    expect(set('aws configure set endpoint_url https://x.example')).toEqual([
      { scope: 'config:default', url: 'https://x.example' },
    ]);
    expect(set('aws configure set s3.endpoint_url https://x.example --profile p')).toEqual([
      { scope: 'config:p', url: 'https://x.example' },
    ]);
  });

  it("are read from a config file's sections", () => {
    expect(
      endpointsInConfig(
        '[default]\nregion = eu-west-1\n[profile ci]\ns3 =\n  endpoint_url = https://c.example\n',
      ),
    ).toEqual([{ scope: 'config:ci', url: 'https://c.example' }]);
    expect(endpointHost('https://u@Minio.Example:9000/x')).toBe('minio.example');
  });
});
