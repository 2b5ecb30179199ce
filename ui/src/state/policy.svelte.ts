import type { Api } from '../lib/api.js';
import type { GateCheck, PolicyView } from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** The policies view: the effective policy with its sources, and a box that asks the gate about a command. */
export class PolicyState {
  view = new Resource<PolicyView>();
  check = new Resource<GateCheck>();
  command = $state('');
  cwd = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: Api) {}

  async load(q: URLSearchParams): Promise<void> {
    const cwd = q.get('cwd') ?? '';
    const cmd = q.get('cmd') ?? '';
    if (cmd && cmd !== this.command) {
      this.command = cmd;
      void this.evaluate();
    }
    if (cwd === this.cwd && this.view.data) return;
    this.cwd = cwd;
    await this.view.run(() => this.api.get<PolicyView>('/policy', { cwd }));
  }

  /** Asks the gate about the typed command, a moment after the last keystroke. */
  typed(command: string): void {
    this.command = command;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.evaluate(), 250);
  }

  async evaluate(): Promise<void> {
    const command = this.command;
    if (!command.trim()) {
      this.check.data = undefined;
      return;
    }
    await this.check.run(() =>
      this.api.post<GateCheck>('/gate/check', { command, ...(this.cwd ? { cwd: this.cwd } : {}) }),
    );
  }
}
