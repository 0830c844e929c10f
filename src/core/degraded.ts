/**
 * Running slower than the runtime could, said out loud: when the automatic backend choice has to
 * fall back to noble (no `crypto.subtle`, as on an insecure origin) or Web Workers cannot start
 * (a Content Security Policy without `worker-src blob:`), chat-keykit still works, warns once per
 * cause (`console.warn`), and records the cause for `runtimeReport()` (`chat-keykit/backends`)
 * and the prepare results' `wrapping.fallback`. docs/browser.md §"When it runs slower" explains
 * each cause and its remedy.
 *
 * @module
 */

/** Why chat-keykit runs slower here than it could. */
export type Degradation = 'webcrypto-unavailable' | 'web-workers-blocked' | 'web-worker-failed';

/** One recorded cause, with what it means in words. */
export interface DegradationNotice {
  readonly reason: Degradation;
  readonly message: string;
}

const notices = new Map<Degradation, DegradationNotice>();

/** The message of each cause (no secrets: the causes are facts about the runtime). */
function messageOf(reason: Degradation, detail: string | undefined): string {
  switch (reason) {
    case 'webcrypto-unavailable': {
      const insecure = (globalThis as { isSecureContext?: boolean }).isSecureContext === false;
      return insecure
        ? 'crypto.subtle is not available because this page is not a secure context (http:// from a host other than localhost); ' +
            'using the pure-JavaScript noble backend, several times slower. Serve the page over https:// (or from localhost) to use WebCrypto.'
        : 'crypto.subtle is not available in this runtime; using the pure-JavaScript noble backend, several times slower.';
    }
    case 'web-workers-blocked':
      return (
        `Web Workers could not start${detail ? ` (${detail})` : ''}, most likely a Content Security Policy without worker-src blob:; ` +
        'large groups are wrapped on the calling thread. Allow worker-src blob: to use Web Workers.'
      );
    case 'web-worker-failed':
      return `a wrapping Web Worker failed${detail ? ` (${detail})` : ''}; this wrap was redone on the calling thread.`;
  }
}

/**
 * Records a cause and warns about it, once per cause per page (or process): the first occurrence
 * is logged with `console.warn`, later ones only keep the record.
 */
export function degrade(reason: Degradation, detail?: string): void {
  if (notices.has(reason)) return;
  const notice = Object.freeze({ reason, message: messageOf(reason, detail) });
  notices.set(reason, notice);
  const warn = (globalThis as { console?: { warn?: (...a: unknown[]) => void } }).console?.warn;
  if (typeof warn === 'function') warn(`chat-keykit: ${notice.message}`);
}

/** The causes recorded so far, in the order they occurred. */
export function degradations(): readonly DegradationNotice[] {
  return [...notices.values()];
}

/** Forgets the recorded causes, so that the next occurrence warns again (tests only). */
export function forgetDegradations(): void {
  notices.clear();
}
