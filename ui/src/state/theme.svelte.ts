const KEY = 'ward.theme';

/** Light or dark, remembered per browser; starts from the system's preference. */
export class Theme {
  mode = $state<'light' | 'dark'>('light');

  constructor(private readonly win: Window) {
    const saved = win.localStorage.getItem(KEY);
    this.mode =
      saved === 'dark' || saved === 'light'
        ? saved
        : win.matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light';
    this.#apply();
  }

  toggle() {
    this.mode = this.mode === 'dark' ? 'light' : 'dark';
    this.win.localStorage.setItem(KEY, this.mode);
    this.#apply();
  }

  #apply() {
    this.win.document.documentElement.dataset.theme = this.mode;
  }
}
