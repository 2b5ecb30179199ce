import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('path-shaped words that name no file: store keys and PostScript names', () => {
  behaviourCases([
    {
      rule: 'read.outside',
      yes: [
        'cat /config/app',
        'gs -sOutputFile=out.pdf /data2/in.pdf',
        'tool --input=/srv2/x',
        's3cmd put /opt2/notes.txt s3://bucket/',
        'adb push /srv2/notes.txt /sdcard/',
      ],
      no: [
        'etcdctl get /config/app',
        'etcdctl watch /jobs --prefix',
        'etcdctl put /feature/flag on',
        'consul kv get /app/db',
        'gs -sDEVICE=pdfwrite -dPDFSETTINGS=/ebook -o out.pdf in.pdf',
        'ps2pdf -dPDFSETTINGS=/prepress in.ps out.pdf',
        'adb push build/app.apk /sdcard/Download/',
        'adb pull /sdcard/DCIM/x.jpg ./shots/',
      ],
    },
    {
      rule: 'read.sensitive',
      yes: ['tool --root=/root', 'tool --x=/app'],
      no: ['etcdctl get /app/config -w json'],
    },
  ]);
});
