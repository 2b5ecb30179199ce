/**
 * Code installed where it runs later, outside the sandbox and without the gate: an app package put on a
 * phone, tablet, watch or simulator (`adb install x.apk`, `adb sideload ota.zip`, `xcrun simctl install booted
 * X.app`, `ideviceinstaller -i x.ipa`, `bundletool install-apks --apks=x.apks`), and an extension or plugin
 * put into a tool (`code --install-extension x.vsix`, `gh extension install o/r`, `helm plugin install URL`).
 * Whoever wrote the package, the project or not, its code then runs on the device or in the tool.
 */
import type { Call } from './call.js';
import { report } from './context.js';

/** Subcommands that install what they are given. */
const INSTALL_VERB =
  /^(?:install|install-multiple|install-multi-package|install-apks|install-app|installapp|sideload|push-install)$/i;
/** App packages by extension (`.zip` only for a sideload: an OTA image). */
const APP_PACKAGE =
  /\.(?:apks?|aab|xapk|apkm|ipa|app|hap|tpk|wgt|vsix|xpi|crx|appx|msix|appxbundle|msixbundle|appimage|flatpakref|flatpak)\/?$/i;
/** Options that install an extension or plugin, named or from a file. */
const INSTALL_OPTION = /^--install-(?:extension|plugin|addon)s?(?:=|$)/;
/** Nouns of a tool's own add-ons (`gh extension install`, `vagrant plugin install`, `asdf plugin add`). */
const ADDON_NOUN = /^(?:extensions?|plugins?|add-?ons?|labextension|nbextension|krew)$/i;

/** Reports an app installed on a device, or an extension or plugin into a tool. */
export function installsElsewhere(c: Call): void {
  const shown = `${c.name} ${c.args.join(' ')}`.slice(0, 120);
  if (c.args.some((a) => INSTALL_OPTION.test(a))) {
    report(c.ctx, 'supply.install-elsewhere', shown);
    return;
  }
  const words = c.args.filter((a) => !a.startsWith('-'));
  const verbAt = words.slice(0, 4).findIndex((w) => INSTALL_VERB.test(w));
  const byName = /install(?:er)?$/i.test(c.name) && c.name !== 'install';
  if (verbAt < 0 && !byName) return;
  const values = c.args.map((a) => a.replace(/^--?[\w-]+=/, ''));
  const sideload = words[verbAt] === 'sideload';
  if (values.some((v) => APP_PACKAGE.test(v) || (sideload && /\.zip$/i.test(v))))
    report(c.ctx, 'supply.install-elsewhere', shown);
  else if (verbAt > 0 && ADDON_NOUN.test(words[verbAt - 1] ?? ''))
    report(c.ctx, 'supply.install-elsewhere', shown);
}
