/** What every report holds: its sections' ids, shared by the library and browser tests. */
export const SECTIONS = ['card', 'curves', 'confusion', 'classes', 'members', 'calibration', 'slices', 'mistakes'];

/** The confusion table's counts, from the page's source. */
export function confusionCounts(html: string): number[] {
  return [...html.matchAll(/<td class="n" data-true="\d+" data-predicted="\d+">([\d,]+)<\/td>/g)].map((m) =>
    Number(m[1].replace(/,/g, '')),
  );
}
