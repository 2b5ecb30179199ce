/**
 * The desktop a session runs on: capturing the screen, camera or microphone (by the screenshot tools, or any
 * program reading a grab device such as ffmpeg's `-f x11grab|avfoundation|gdigrab` or `import -window root`),
 * and the machine's settings that route or guard it (a system-wide proxy or DNS, automatic updates switched off).
 */
import type { Handler } from '../call.js';
import { report } from '../context.js';

const captures: Handler = (c) =>
  report(c.ctx, 'collect.screen', `${c.name} ${c.args.join(' ')}`.slice(0, 80));

/** Input formats that read the screen, a camera or a microphone. */
const GRAB_FORMAT = /^(?:x11grab|kmsgrab|gdigrab|avfoundation|dshow|v4l2|video4linux2|alsa|pulse|dxgigrab)$/;

const grabs: Handler = (c) => {
  for (let i = 0; i < c.args.length - 1; i++)
    if (c.args[i] === '-f' && GRAB_FORMAT.test(c.args[i + 1] ?? '')) {
      report(c.ctx, 'collect.screen', `${c.name} -f ${c.args[i + 1]}`);
      return;
    }
};

export const DESKTOP_PROGRAMS: Record<string, Handler> = {
  screencapture: captures,
  scrot: captures,
  grim: captures,
  maim: captures,
  'gnome-screenshot': captures,
  spectacle: captures,
  xwd: captures,
  imagesnap: captures,
  import: (c) => {
    if (c.args.includes('-window')) captures(c);
  },
  ffmpeg: grabs,
  networksetup: (c) => {
    if (c.args.some((a) => /^-set(?:\w*proxy\w*|dnsservers|searchdomains)$/i.test(a)))
      report(c.ctx, 'net.proxy', `networksetup ${c.args.join(' ')}`.slice(0, 80));
  },
  softwareupdate: (c) => {
    if (/--schedule\s+off|--ignore\b/.test(c.args.join(' ')))
      report(c.ctx, 'evade.disable-security', 'softwareupdate turns automatic updates off');
  },
};
