/**
 * Buckets a command names (`s3://b/k`, `gs://b`, `--bucket b`) and whether it copies data into one: a copy, sync or
 * move whose destination (its last place) is a bucket and that has a source before it (a local path, another
 * bucket, `-` for standard input), or an API call that puts an object (`aws s3api put-object --bucket b`).
 * Judged from the words alone, whatever the client: `aws s3`, `gsutil`, `gcloud storage`, `s3cmd`, `rclone` (a
 * remote's first folder: `drop:keys`), `mc` (an alias's bucket: `prod/assets`), `curl -T` (a URL's bucket).
 */
export interface BucketUse {
  /**
   * The bucket's name, lowercased (names are global within a provider); after the endpoint's host and a slash when
   * the command names another service (`--endpoint-url`).
   */
  bucket: string;
  /** Data is copied into it by this command. */
  into: boolean;
  /**
   * What is copied into it, as written (paths, `-`, other buckets' URLs, and any word an unknown option may take as
   * its value, read as a source): the first MAX_SOURCES, when `into`.
   */
  sources?: string[];
  /** It copies more sources than `sources` lists. */
  moreSources?: true;
}

/** A bucket's URL: the scheme of an object store and the bucket. */
const BUCKET_URL = /^(?:s3|s3a|s3n|gs|gcs|az|abfss?|wasbs?|r2|b2|oss|cos|minio):\/\/([^/\s?#]+)/i;
/** Verbs that copy their first places to their last. */
const COPY_VERB = /^(?:cp|copy|copyto|sync|rsync|mirror|put|upload|mv|move|moveto)$/i;
/** Verbs that copy standard input into the place they are given (`rclone rcat r:b/k`, `mc pipe a/b/k`). */
const STDIN_VERB = /^(?:rcat|pipe)$/i;
/** API calls that write an object into the bucket named by `--bucket`. */
const PUT_CALL = /^(?:put-object|upload-part|upload-part-copy|copy-object|create-multipart-upload)$/i;
/** Where data can be besides a bucket: a path (`.`, `~`, `dir/`, `/x`), or `-` (standard input or output). */
const PATH_LIKE = /^(?:-|\.{1,2}|~|.*\/.*)$/;
/** A filter pattern (`--exclude 'node_modules/*'`), not a place. */
const GLOB = /[*?[]/;
const MAX_USES = 16;
const MAX_SOURCES = 8;
/**
 * Options whose value is a filter, a header or a setting, never what is copied (`--exclude '.git/*'`,
 * `--content-type text/html`); the value of any other option before the destination may be a source.
 */
const VALUE_OPTION =
  /^(?:--(?:exclude|include|content-type|cache-control|content-disposition|content-encoding|content-language|acl|storage-class|sse|sse-kms-key-id|metadata|metadata-directive|expires|grants|website-redirect|profile|region|endpoint-url|page-size|source-region|checksum-algorithm|key|bucket)|-[xh])$/;

/** A copy into `bucket` of `sources`, the first MAX_SOURCES listed (and said to be more when there are). */
function copyInto(bucket: string, sources: readonly string[]): BucketUse {
  const use: BucketUse = { bucket, into: true, sources: sources.slice(0, MAX_SOURCES) };
  if (sources.length > MAX_SOURCES) use.moreSources = true;
  return use;
}

function bucketOf(word: string): string | undefined {
  return BUCKET_URL.exec(word)?.[1]?.toLowerCase();
}

/** rclone's remote and its first folder (`drop:keys/x`, `:s3,endpoint=…:b`): the remote's bucket. */
const RCLONE_PLACE = /^(:?[a-z0-9_][\w.,=-]*):([^/\s]+)/i;
/** mc's alias and its bucket (`prod/assets/x`); a path that starts with `.`, `/` or `~` is a local one. */
const MC_PLACE = /^([a-z0-9_][\w.-]*)\/([^/\s]+)/i;

/** A client's way of naming a place in storage, by its program: a URL's scheme, an rclone remote, an mc alias. */
function placeReader(program: string): (word: string) => string | undefined {
  if (program === 'rclone')
    return (w) => {
      if (w.includes('://')) return bucketOf(w);
      const m = RCLONE_PLACE.exec(w);
      return m ? `${m[1]}:${m[2]}`.toLowerCase() : undefined;
    };
  if (program === 'mc')
    return (w) => {
      const m = MC_PLACE.exec(w);
      return bucketOf(w) ?? (m ? `${m[1]}/${m[2]}`.toLowerCase() : undefined);
    };
  return bucketOf;
}

/** The value of an option (`--name v` or `--name=v`), if given. */
function optionValue(argv: readonly string[], names: RegExp): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.indexOf('=');
    if (names.test(eq < 0 ? a : a.slice(0, eq)))
      return (eq < 0 ? argv[i + 1] : a.slice(eq + 1))?.toLowerCase();
  }
  return undefined;
}

/** Another service than the provider's own (`--endpoint-url https://s3.other.example`): part of the bucket's name. */
function endpointOf(argv: readonly string[]): string {
  const url = optionValue(argv, /^--(?:endpoint-url|endpoint|host)$/);
  if (!url) return '';
  return `${url.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '')}/`;
}

/** The buckets of one simple command. */
function usesOf(argv: readonly string[]): BucketUse[] {
  const program = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  if (program === 'curl') return curlUses(argv);
  const bucketOf = placeReader(program);
  const out: BucketUse[] = [];
  const words = argv.slice(1);
  const operands = words.filter((w) => !w.startsWith('-'));
  // The service and verb come before any place, after the client's global options and their values
  // (`aws --profile p --region r s3 cp …`).
  const firstPlace = operands.findIndex((w) => bucketOf(w) !== undefined || PATH_LIKE.test(w));
  const head = operands.slice(0, firstPlace < 0 ? operands.length : firstPlace);
  const verb = head.findIndex((w) => COPY_VERB.test(w));
  let into: string | undefined;
  if (verb < 0 && head.some((w) => STDIN_VERB.test(w))) into = bucketOf(operands[head.length] ?? '');
  let sources: string[] = [];
  if (verb >= 0) {
    const after = words.slice(words.indexOf(operands[verb] as string) + 1);
    const operand = (w: string) => w === '-' || !w.startsWith('-');
    // A path after an option may be its value (`--content-type text/plain`), never the destination; a bucket's URL
    // is a place wherever it stands. The command copies into a bucket when its last place is one and some operand
    // (a source, `--recursive ./dir` too) comes before it.
    let dest = -1;
    after.forEach((w, i) => {
      const afterOption = i > 0 && /^--?[^-=][^=]*$/.test(after[i - 1] as string);
      if (!operand(w) || GLOB.test(w)) return;
      if (bucketOf(w) || (!afterOption && PATH_LIKE.test(w))) dest = i;
    });
    const bucket = dest >= 0 ? bucketOf(after[dest] as string) : undefined;
    if (bucket && after.slice(0, dest).some(operand)) {
      into = bucket;
      sources = after.slice(0, dest).filter((w, i) => operand(w) && !VALUE_OPTION.test(after[i - 1] ?? ''));
    }
  }
  const named = optionValue(argv, /^--bucket$/);
  if (named && head.some((w) => PUT_CALL.test(w)) && !into) {
    into = named;
    const body = optionValue(argv, /^--body$/);
    sources = body ? [body] : [];
  }
  const at = endpointOf(argv);
  if (into) out.push(copyInto(`${at}${into}`, sources));
  for (const w of [...words.map(bucketOf), named])
    if (w && !out.some((u) => u.bucket === `${at}${w}`)) out.push({ bucket: `${at}${w}`, into: false });
  return out;
}

/** A storage URL's bucket: S3's (virtual-hosted or path style) or GCS's; another host's place is `host/folder`. */
function urlPlace(url: string): string | undefined {
  const m = /^https?:\/\/(?:[^@/]*@)?([^/:?#]+)(?::\d+)?(?:\/([^/?#]*))?/i.exec(url);
  if (!m) return undefined;
  const host = (m[1] as string).toLowerCase();
  const first = (m[2] ?? '').toLowerCase();
  const hosted = /^(.+)\.(?:s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com|storage\.googleapis\.com)$/.exec(host);
  if (hosted) return hosted[1];
  if (/^(?:s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com|storage\.googleapis\.com)$/.test(host))
    return first || undefined;
  return `${host}/${first}`;
}

/**
 * The places a curl command names (each URL's bucket or `host/folder`), and those it may upload a file into
 * (`-T file URL`, `--upload-file file URL`, each of them when it names several): an HTTP PUT of a file is a copy
 * into storage, judged as one.
 */
function curlUses(argv: readonly string[]): BucketUse[] {
  const urls = argv.filter((w) => /^https?:\/\//i.test(w));
  const places = [...new Set(urls.map(urlPlace).filter((p): p is string => p !== undefined))];
  // What -T/--upload-file sends (`-T f`, `-sT f`, `--upload-file=f`): the copy's sources.
  const sources: string[] = [];
  argv.forEach((w, i) => {
    const eq = /^--upload-file=(.*)$/.exec(w);
    if (eq) sources.push(eq[1] as string);
    else if (/^(?:-[A-Za-z]*T|--upload-file)$/.test(w) && argv[i + 1] !== undefined)
      sources.push(argv[i + 1] as string);
  });
  // curl pairs each -T with a URL in order (the first file to the first URL); with globs and `--next` that is not
  // told from the words, so a command that uploads counts as a copy into every place it names.
  return places.map((bucket) => (sources.length > 0 ? copyInto(bucket, sources) : { bucket, into: false }));
}

/**
 * The buckets a command line names, each once (into when any of its commands copies data into it): at most MAX_USES
 * named, and past them still up to MAX_USES copied into (a copy put after sixteen other names is still judged).
 */
export function bucketUses(argvs: readonly (readonly string[])[]): BucketUse[] {
  const out = new Map<string, BucketUse>();
  let copies = 0;
  for (const argv of argvs)
    for (const u of usesOf(argv)) {
      const seen = out.get(u.bucket);
      if (!seen) {
        if (out.size >= MAX_USES && !(u.into && copies < MAX_USES)) continue;
        out.set(u.bucket, u);
        if (u.into) copies++;
      } else if (u.into) {
        if (!seen.into) {
          if (copies >= MAX_USES) continue;
          copies++;
        }
        const more = seen.moreSources || u.moreSources;
        const merged = copyInto(u.bucket, [...(seen.sources ?? []), ...(u.sources ?? [])]);
        out.set(u.bucket, more ? { ...merged, moreSources: true } : merged);
      }
    }
  return [...out.values()];
}
