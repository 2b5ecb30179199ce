/**
 * The project's files sent somewhere else to stay: a new repository created with the workspace pushed to it
 * (`gh repo create x --source . --push`), a public gist, a sync or copy of local files into object storage
 * (`rclone copy . remote:b`, `s3cmd sync ./ s3://b/`, `mc mirror . alias/b`, `azcopy copy . URL`), and a
 * deployment (`netlify deploy --prod`): uploads, asked about like `scp` and `rsync` to another host. A git
 * remote the project already has (`git push`) is not asked about. A storage client's words are read as the
 * client reads them (storage-uploads.ts), so no option's value passes for a source or a destination.
 */
import type { Call } from './call.js';
import { report } from './context.js';
import { storageUpload } from './storage-uploads.js';

/** Containers and clusters: their copies stay on this machine or are judged by their own handler. */
const LOCAL_COPIES = /^(?:docker|podman|nerdctl|kubectl|oc|lxc|incus|multipass|vagrant|minikube|kind)$/;

/** Reports the workspace pushed to a new repository, uploaded to a public gist or copied into storage. */
export function publishesFiles(c: Call, storageClient: boolean): void {
  const shown = `${c.name} ${c.args.join(' ')}`.slice(0, 120);
  const words = c.args.filter((a) => !a.startsWith('-'));
  const has = (re: RegExp) => c.args.some((a) => re.test(a));
  // `gh repo create --push`: not `glab mr create --push`, which pushes a branch to the project's own remote.
  const first = words.slice(0, 3);
  if (
    first.includes('create') &&
    first.some((w) => /^(?:repo|repository|project)$/.test(w)) &&
    has(/^--push$/)
  )
    report(c.ctx, 'net.push-unknown-remote', `${shown} (a new repository)`);
  const gist = words.findIndex((w) => /^gists?$/.test(w));
  if (gist >= 0 && /^(?:create|new)$/.test(words[gist + 1] ?? '') && has(/^(?:--public|-p)$/))
    report(c.ctx, 'net.upload', `${shown} (a public gist)`);
  if (!storageClient || LOCAL_COPIES.test(c.name)) return;
  // Read as the client reads its options and operands: an option's value is neither source nor destination.
  const upload = storageUpload(c);
  if (upload) report(c.ctx, 'net.upload', `${shown} (${upload.source} to ${upload.destination})`);
  // A deployment uploads the project's files to the provider's hosts, like a copy into storage.
  if (words.slice(0, 2).some((w) => /^(?:deploy|publish)$/.test(w)))
    report(c.ctx, 'net.upload', `${shown} (a deployment)`);
}
