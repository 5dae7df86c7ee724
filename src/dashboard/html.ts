/**
 * Server-side HTML with escaping by default: `html\`…${value}…\`` escapes every interpolated
 * value unless it is already Html (built by this tag, or by `raw` for constant markup). So a CPAS
 * name, a comment or a reason from the inbox can never inject markup into the dashboard.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string)

type Part = Html | string | number | boolean | null | undefined | readonly Part[]

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return ''
  if (part instanceof Html) return part.value
  if (Array.isArray(part)) return part.map(render).join('')
  return escapeHtml(String(part))
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? ''
  parts.forEach((p, i) => (out += render(p) + (strings[i + 1] ?? '')))
  return new Html(out)
}

/** Markup the code itself wrote (never data). */
export const raw = (markup: string): Html => new Html(markup)
