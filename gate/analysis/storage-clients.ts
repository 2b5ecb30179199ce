/**
 * Object-storage clients as data: for each, the subcommands that send local files to storage, the options that
 * take a value (from each tool's own documentation: `aws help`, `gsutil help options`, `rclone help flags`,
 * `mc cp --help`, `az storage blob upload -h`, `s3cmd --help`, `azcopy copy --help`, `b2 --help`), and how
 * the tool itself tells a local file from a remote one. An option left out of a table is read both ways
 * (option-readings.ts), so a tool's next option makes the check riskier, never blind.
 */
import { type OptionTable, optionTable } from './option-readings.js';
import { UNKNOWN } from './words.js';

/**
 * Where an operand is, as the tool reads it: a local file (or standard input, `-`), a place in storage, either
 * (decided by configuration the gate cannot see: an `mc` alias, a name known only at run time), or neither.
 */
export type Place = 'local' | 'remote' | 'either' | 'neither';

/** How a subcommand's words say what is sent where. */
export type Shape =
  /** Sources, then the destination (`cp SRC… DST`); `bothWays` copies each way (`rclone bisync A B`). */
  | { kind: 'copy'; bothWays?: boolean }
  /** Standard input sent to the destination operand (`rclone rcat remote:x`, `mc pipe alias/b/x`). */
  | { kind: 'stdin' }
  /** The local file is an option's value (`az storage blob upload --file F`, `aws s3api put-object --body F`). */
  | { kind: 'source-option'; options: readonly string[] }
  /** The local file is the operand at this index (`b2 upload-file BUCKET FILE NAME`). */
  | { kind: 'source-operand'; at: number };

export interface StorageCommand {
  /** The subcommand's words, each a regular expression matched whole. */
  path: readonly RegExp[];
  options: OptionTable;
  shape: Shape;
}

export interface StorageClient {
  /** The program's own options, accepted before the subcommand (and, unless `stopAtOperand`, anywhere). */
  global: OptionTable;
  /** Options end at the first operand (POSIX getopt, as gsutil parses). */
  stopAtOperand?: boolean;
  place: (word: string) => Place;
  commands: readonly StorageCommand[];
}

/** `'s3 cp|mv|sync'` → a path of whole-word patterns. */
const path = (words: string): RegExp[] => words.split(' ').map((w) => new RegExp(`^(?:${w})$`));

/** A word whose start is known only at run time may be anything. */
const unknownStart = (w: string) => w.startsWith(UNKNOWN);

/** A client that names storage by a URL scheme and everything else a local path. */
const bySchemes =
  (remote: RegExp): StorageClient['place'] =>
  (w) =>
    remote.test(w) ? 'remote' : unknownStart(w) || w === '' ? 'either' : 'local';

// aws (`aws help`, `aws s3 cp help`, `aws s3 sync help`)
const AWS_GLOBAL = optionTable(
  '--endpoint-url --output --query --profile --region --color --ca-bundle --cli-read-timeout --cli-connect-timeout --cli-binary-format',
  '--debug --no-verify-ssl --no-paginate --version --no-sign-request --no-cli-pager --cli-auto-prompt --no-cli-auto-prompt',
);
const AWS_S3_TRANSFER = optionTable(
  '--acl --sse --sse-c --sse-c-key --sse-kms-key-id --sse-c-copy-source --sse-c-copy-source-key --storage-class --grants --website-redirect --content-type --cache-control --content-disposition --content-encoding --content-language --expires --source-region --page-size --metadata --metadata-directive --expected-size --include --exclude --copy-props --checksum-mode --checksum-algorithm',
  '--dryrun --quiet --follow-symlinks --no-follow-symlinks --no-guess-mime-type --only-show-errors --no-progress --ignore-glacier-warnings --force-glacier-transfer --recursive --delete --exact-timestamps --size-only --no-overwrite',
);
const AWS_S3API_PUT = optionTable(
  '--bucket --key --body --acl --cache-control --content-disposition --content-encoding --content-language --content-length --content-md5 --content-type --checksum-algorithm --expires --metadata --server-side-encryption --storage-class --website-redirect-location --sse-customer-algorithm --sse-customer-key --ssekms-key-id --tagging --upload-id --part-number --expected-bucket-owner --request-payer --cli-input-json --cli-input-yaml',
  '--bucket-key-enabled --no-bucket-key-enabled',
);

// gsutil (`gsutil help options`, `gsutil help cp`, `gsutil help rsync`): getopt, options before operands.
const GSUTIL_GLOBAL = optionTable(
  '-h -i -o -u --header --option --trace-token --perf-trace-token',
  '-D -DD -d -m -q -v --debug --detailedDebug --multithreaded --quiet --version --help',
);
const GSUTIL_CP = optionTable('-a -j -L -s -z', '-A -c -D -e -I -J -M -n -p -P -r -R -U -v --stet');
const GSUTIL_RSYNC = optionTable('-a -j -x -y', '-c -C -d -e -i -J -n -p -P -r -R -u -U');
const CLOUD_SCHEME = /^(?!file:)[a-z][\w+.-]*:\/\//i;

// gcloud (`gcloud topic flags`, `gcloud storage cp --help`)
const GCLOUD_GLOBAL = optionTable(
  '--account --billing-project --configuration --flags-file --flatten --format --impersonate-service-account --project --trace-token --verbosity',
  '--log-http --quiet -q --user-output-enabled --no-user-output-enabled --help -h',
);
const GCLOUD_STORAGE_COPY = optionTable(
  '--predefined-acl -a --cache-control --content-disposition --content-encoding --content-language --content-type --custom-time --custom-metadata --storage-class -s --encryption-key --decryption-keys --gzip-in-flight -j --gzip-local -z --manifest-path -L --additional-headers --if-generation-match --if-metageneration-match --exclude -x',
  '--recursive -r -R --no-clobber -n --continue-on-error -c --daisy-chain -D --preserve-posix -P --preserve-acl -p --print-created-message -v --skip-unsupported -U --all-versions -A --ignore-symlinks --do-not-decompress --read-paths-from-stdin -I --gzip-in-flight-all -J --gzip-local-all -Z --delete-unmatched-destination-objects --checksums-only',
);

// rclone (`rclone help flags`): remotes are `name:path`, `:backend:path` or `name,opt=v:path`.
const RCLONE_GLOBAL = optionTable(
  '--config --transfers --checkers --bwlimit --bwlimit-file --log-file --log-level --log-format --stats --stats-log-level --stats-unit --include --exclude --filter --include-from --exclude-from --filter-from --files-from --files-from-raw --exclude-if-present --min-size --max-size --min-age --max-age --max-depth --backup-dir --suffix --compare-dest --copy-dest --retries --retries-sleep --low-level-retries --timeout --contimeout --buffer-size --user-agent --header --header-upload --header-download --password-command --order-by --max-transfer --max-duration --cutoff-mode --multi-thread-streams --multi-thread-cutoff --tpslimit --tpslimit-burst --bind --ca-cert --client-cert --client-key --cache-dir --temp-dir --track-renames-strategy --max-backlog --max-delete --max-delete-size --dump --metadata-set --metadata-include --metadata-exclude --disable --streaming-upload-cutoff --rc-addr',
  '-v -vv -q --quiet --verbose -P --progress -n --dry-run -i --interactive -c --checksum -u --update -L --copy-links -l --links -x --one-file-system -M --metadata -I --ignore-times --ignore-existing --ignore-size --ignore-checksum --size-only --no-traverse --no-check-dest --no-update-modtime --fast-list --create-empty-src-dirs --delete-after --delete-before --delete-during --delete-excluded --check-first --immutable --inplace --use-server-modtime --track-renames --human-readable --stats-one-line --use-json-log --ask-password --resync',
);
const RCLONE_REMOTE = /^(?::[\w-]+|[\w.+@][\w .+@-]*)(?:,[^:/]*)?:/;

// mc (`mc --help`, `mc cp --help`, `mc mirror --help`): `alias/bucket/key`, an alias being configured elsewhere.
const MC_GLOBAL = optionTable(
  '--config-dir -C --resolve --limit-upload --limit-download --custom-header -H',
  '--quiet -q --disable-pager --dp --no-color --json --debug --insecure --help -h',
);
const MC_COPY = optionTable(
  '--older-than --newer-than --storage-class --sc --attr --tags --encrypt-key --encrypt --enc-c --enc-s3 --enc-kms --rewind --version-id --vid --legal-hold --retention-mode --retention-duration --checksum --exclude --exclude-bucket --exclude-storage-class --max-workers --region --monitoring-address --parallel -P --part-size -s --concurrent',
  '--recursive -r --preserve -a --continue -c --md5 --disable-multipart --zip --overwrite --fake --dry-run --watch -w --remove --active-active --summary --skip-errors --retry --newer --if-not-exists',
);
const mcPlace = (w: string): Place => {
  if (unknownStart(w) || w === '') return 'either';
  if (/^https?:\/\//i.test(w)) return 'remote';
  // A path from here, from the root or from the home is a file; so is a name no alias can have (`.env`).
  if (/^(?:\.{1,2}(?:\/|$)|\/|~)/.test(w) || !/^[A-Za-z][\w-]*(?:\/|$)/.test(w)) return 'local';
  return 'either';
};

// az (`az --help`, `az storage blob upload -h`, `az storage blob upload-batch -h`, `az storage copy -h`)
const AZ_GLOBAL = optionTable(
  '--subscription --output -o --query',
  '--debug --verbose --only-show-errors --help -h',
);
const AZ_STORAGE = optionTable(
  '--account-name --account-key --connection-string --sas-token --auth-mode --container-name -c --name -n --file -f --data --content-type --content-encoding --content-language --content-disposition --content-cache-control --content-md5 --tier --type -t --blob-url --blob-endpoint --max-connections --timeout --source -s --destination -d --pattern --destination-path --share-name --path -p --lease-id --if-match --if-none-match --if-modified-since --if-unmodified-since --encryption-scope --socket-timeout --length --container --exclude-path --include-path --exclude-pattern --include-pattern',
  '--validate-content --no-progress --dryrun --recursive -r --put-md5',
);

// s3cmd (`s3cmd --help`): optparse, options anywhere.
const S3CMD = optionTable(
  '-c --config --access_key --secret_key --access_token --region --bucket-location --host --host-bucket --ca-certs --storage-class --mime-type -m --add-header --remove-header --encoding --add-encoding-exts --exclude --exclude-from --rexclude --rexclude-from --include --include-from --rinclude --rinclude-from --files-from --acl-grant --acl-revoke --server-side-encryption-kms-id --multipart-chunk-size-mb --limit-rate --cache-file --expiry-date --expiry-days --expiry-prefix --ws-index --ws-error --max-delete --add-destination --default-mime-type --limit --proxy-host --proxy-port --upload-id',
  '-r --recursive -f --force -P --acl-public --acl-private -n --dry-run -v --verbose -d --debug -H --human-readable-sizes --no-check-md5 --check-md5 -s --ssl --no-ssl -e --encrypt --skip-existing --delete-removed --no-delete-removed --delete-after --no-preserve -p --preserve --guess-mime-type --no-guess-mime-type --no-mime-magic --server-side-encryption --continue --continue-put --list-md5 -q --quiet --stats --progress --no-progress --rr --reduced-redundancy --follow-symlinks -F --signature-v2 --requester-pays',
);

// azcopy (`azcopy copy --help`, `azcopy sync --help`): cobra, so a boolean flag never takes the next word.
const AZCOPY = optionTable(
  '--log-level --output-type --output-level --cap-mbps --trusted-microsoft-suffixes --include-pattern --exclude-pattern --include-path --exclude-path --include-regex --exclude-regex --include-after --include-before --list-of-files --list-of-versions --block-size-mb --put-blob-size-mb --blob-type --block-blob-tier --page-blob-tier --metadata --content-type --content-encoding --content-disposition --content-language --cache-control --from-to --check-md5 --overwrite --delete-destination --blob-tags --cpk-by-name --include-attributes --exclude-attributes --exclude-blob-type --compare-hash --local-hash-storage-mode --hash-meta-dir --exclude-container --trailing-dot',
  '--recursive --put-md5 --dry-run --as-subdir --follow-symlinks --preserve-symlinks --preserve-smb-info --preserve-smb-permissions --preserve-permissions --preserve-last-modified-time --decompress --force-if-read-only --s2s-preserve-access-tier --s2s-preserve-properties --s2s-detect-source-changed --no-guess-mime-type --mirror-mode --cpk-by-value --backup --check-length --disable-auto-decoding --skip-version-check',
);

// b2 (`b2 upload-file --help`, `b2 sync --help`)
const B2 = optionTable(
  '--content-type --contentType --sha1 --cache-control --info --custom-upload-timestamp --min-part-size --minPartSize --threads --sync-threads --download-threads --upload-threads --compare-versions --compare-threshold --exclude-regex --include-regex --exclude-dir-regex --exclude-if-modified-after --keep-days --destination-server-side-encryption --destination-server-side-encryption-algorithm --legal-hold --file-retention-mode --retain-until --content-disposition --content-language --content-encoding --expires --write-buffer-size --max-download-streams-per-file --profile',
  '--no-progress --noProgress --quiet --dry-run --allow-empty-source --exclude-all-symlinks --skip-newer --replace-newer --delete --incremental-mode --skip-hash-verification',
);

const COPY: Shape = { kind: 'copy' };

/** The clients, by program name. */
export const STORAGE_CLIENTS: Readonly<Record<string, StorageClient>> = {
  aws: {
    global: AWS_GLOBAL,
    place: bySchemes(/^(?:s3:\/\/|arn:)/i),
    commands: [
      { path: path('s3 cp|mv|sync'), options: AWS_S3_TRANSFER, shape: COPY },
      {
        path: path('s3api put-object|upload-part'),
        options: AWS_S3API_PUT,
        shape: { kind: 'source-option', options: ['--body'] },
      },
    ],
  },
  gsutil: {
    global: GSUTIL_GLOBAL,
    stopAtOperand: true,
    place: bySchemes(CLOUD_SCHEME),
    commands: [
      { path: path('cp|mv'), options: GSUTIL_CP, shape: COPY },
      { path: path('rsync'), options: GSUTIL_RSYNC, shape: COPY },
    ],
  },
  gcloud: {
    global: GCLOUD_GLOBAL,
    place: bySchemes(CLOUD_SCHEME),
    commands: [
      { path: path('storage cp|mv|rsync'), options: GCLOUD_STORAGE_COPY, shape: COPY },
      { path: path('alpha|beta storage cp|mv|rsync'), options: GCLOUD_STORAGE_COPY, shape: COPY },
    ],
  },
  rclone: {
    global: RCLONE_GLOBAL,
    place: (w) =>
      unknownStart(w) || w === ''
        ? 'either'
        : /^(?:\.{0,2}\/|~)/.test(w) || !RCLONE_REMOTE.test(w)
          ? 'local'
          : 'remote',
    commands: [
      { path: path('copy|copyto|sync|move|moveto'), options: RCLONE_GLOBAL, shape: COPY },
      { path: path('bisync'), options: RCLONE_GLOBAL, shape: { kind: 'copy', bothWays: true } },
      { path: path('rcat'), options: RCLONE_GLOBAL, shape: { kind: 'stdin' } },
    ],
  },
  mc: {
    global: MC_GLOBAL,
    place: mcPlace,
    commands: [
      { path: path('cp|mv|mirror|put'), options: MC_COPY, shape: COPY },
      { path: path('pipe'), options: MC_COPY, shape: { kind: 'stdin' } },
    ],
  },
  az: {
    global: AZ_GLOBAL,
    place: bySchemes(/^https?:\/\//i),
    commands: [
      'storage blob upload|upload-batch|sync',
      'storage blob directory upload',
      'storage file upload|upload-batch',
      'storage fs file upload',
      'storage fs directory upload',
      'storage copy',
      'storage azcopy blob upload|sync',
    ].map((p) => ({
      path: path(p),
      options: AZ_STORAGE,
      shape: { kind: 'source-option', options: ['--file', '-f', '--data', '--source', '-s'] },
    })),
  },
  s3cmd: {
    global: S3CMD,
    place: bySchemes(/^s3:\/\//i),
    commands: [{ path: path('put|sync|cp|mv'), options: S3CMD, shape: COPY }],
  },
  azcopy: {
    global: AZCOPY,
    place: bySchemes(/^https?:\/\//i),
    commands: [{ path: path('copy|cp|sync'), options: AZCOPY, shape: COPY }],
  },
  b2: {
    global: B2,
    place: bySchemes(/^b2:\/\//i),
    commands: [
      { path: path('sync'), options: B2, shape: COPY },
      { path: path('upload-file|upload_file'), options: B2, shape: { kind: 'source-operand', at: 1 } },
      { path: path('file upload'), options: B2, shape: { kind: 'source-operand', at: 1 } },
    ],
  },
};
