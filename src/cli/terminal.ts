/**
 * What the terminal can take. Colour follows chalk (TTY, FORCE_COLOR), but NO_COLOR (no-color.org)
 * and TERM=dumb turn it off, which chalk 5 does not check; progress bars redraw with cursor codes,
 * so only an interactive terminal that is not `dumb` gets them, others plain lines.
 */
import chalk from 'chalk';

const dumb = () => process.env.TERM === 'dumb';

/** Turns colour off where the environment asks; called once, before anything is printed. */
export function applyColourPreference(): void {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  if (noColor || dumb()) chalk.level = 0;
}

/** A terminal that can redraw a progress bar in place. */
export function canRedraw(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !dumb();
}
