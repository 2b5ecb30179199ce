import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('opening a listening server (listeners.ts)', () => {
  behaviourCases([
    {
      rule: 'net.listen',
      yes: [
        'python3 -m http.server',
        'python3 -m http.server 8000 --bind 127.0.0.1',
        'php -S localhost:8000',
        'php8.2 -S 127.0.0.1:8000 -t .',
        'ruby -run -e httpd . -p 8000',
        'busybox httpd -f -p 8080',
        'socat TCP-LISTEN:8080,fork,reuseaddr FILE:notes.txt',
        'nc -lk 8080',
        'git daemon --export-all --base-path=. --reuseaddr --port=9418',
        'git -C . instaweb --httpd=webrick --port=8000',
        'hg serve -p 8000',
        'rclone serve http .',
        'rsync --daemon --config=rsyncd.conf',
        'npx http-server -p 8080',
        'twistd -n web --path .',
        'ttyd bash',
      ],
      no: [
        'python3 -m pytest',
        'php -r "echo 1;"',
        'ruby -e "puts 1"',
        'git status',
        'git daemon --help',
        'socat - TCP:example.com:80',
        'nc -z localhost 8080',
        'rclone copy src remote:dst',
        'rsync -a src/ dst/',
        'http-server --help',
        'npm run dev',
      ],
    },
  ]);
});
