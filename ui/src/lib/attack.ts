const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/** The MITRE ATT&CK page of a technique id, or '' when the text is not one (it came from a runner). */
export function attackUrl(id: string): string {
  return TECHNIQUE.test(id) ? `https://attack.mitre.org/techniques/${id.replace('.', '/')}/` : '';
}
