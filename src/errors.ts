/**
 * The errors the library throws for problems a user can fix. Each names what is wrong in the library's
 * own terms (a file and line, or a setting such as `validationSplit`); the CLI turns settings into its
 * flag names and every one of these into one line and exit code 2.
 */

/** Where a problem is: a file, and a 1-based line in it when there is one. */
export interface Where {
  file?: string;
  line?: number;
}

function prefix(where: Where = {}): string {
  return where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
}

/** A file the user gave (or its contents) is wrong. */
export class InputError extends Error {
  override name = 'InputError';
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, where: Where = {}) {
    super(prefix(where) + message);
    this.file = where.file;
    this.line = where.line;
  }
}

/** A setting's value cannot work here: `setting` is the library's name for it (`validationSplit`, `out`, `resume`). */
export class SettingError extends Error {
  override name = 'SettingError';
  readonly where: Where;
  /** The value given, when showing it helps (a number, a path). */
  readonly given?: string | number;
  /** `problem` may name other settings as `{name}`: the library's message spells them so, render() as asked. */
  constructor(
    readonly setting: string,
    readonly problem: string,
    opts: { where?: Where; given?: string | number } = {},
  ) {
    super(
      `${prefix(opts.where)}${setting}${opts.given === undefined ? '' : ` ${opts.given}`}: ${problem.replace(/\{(\w+)\}/g, '$1')}`,
    );
    this.where = opts.where ?? {};
    this.given = opts.given;
  }

  /** The same message with every setting spelt another way (the CLI's flags). */
  render(nameOf: (setting: string) => string): string {
    const problem = this.problem.replace(/\{(\w+)\}/g, (_, s: string) => nameOf(s));
    return `${prefix(this.where)}${nameOf(this.setting)}${this.given === undefined ? '' : ` ${this.given}`}: ${problem}`;
  }
}

export interface SettingMismatch {
  setting: string;
  given: unknown;
  checkpoint: unknown;
}

/** A resumed run was asked for settings other than its checkpoint's. */
export class ResumeMismatchError extends Error {
  override name = 'ResumeMismatchError';
  constructor(
    readonly mismatches: readonly SettingMismatch[],
    readonly checkpoint: string,
  ) {
    super(ResumeMismatchError.describe(mismatches, (s) => s, checkpoint));
  }

  static describe(
    mismatches: readonly SettingMismatch[],
    name: (setting: string) => string,
    checkpoint: string,
  ): string {
    const list = mismatches
      .map((m) => `${name(m.setting)} ${String(m.given)} (checkpoint: ${String(m.checkpoint)})`)
      .join(', ');
    return `${checkpoint}: ${name('resume')}: ${list}; a resumed run keeps the checkpoint's settings (leave these out)`;
  }
}

/** The engine asked for cannot run here; `detail` says why and how to get it. */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
  constructor(
    readonly engine: string,
    readonly detail: string,
  ) {
    super(`the ${engine} engine is not available: ${detail}`);
  }
}

/** Nothing trained is where a model (or its history) was looked for. */
export class NotTrainedError extends Error {
  override name = 'NotTrainedError';
  constructor(
    readonly what: 'model' | 'history',
    /** The model directory looked in. */
    readonly dir: string,
    /** The file that is missing (the history file). */
    readonly file?: string,
  ) {
    super(what === 'model' ? `no model in ${dir}/` : `${file}: no history here; train a model in ${dir} first`);
  }
}

/** Training stopped: the loss stopped being a number (Keras' TerminateOnNaN). */
export class DivergedError extends Error {
  override name = 'DivergedError';
  constructor(
    readonly epoch: number,
    /** What went non-finite, and where: "the loss became NaN at batch 3". */
    readonly symptom: string,
    /** Epochs done before it, kept in the checkpoint. */
    readonly completedEpochs: number,
  ) {
    super(`training diverged in epoch ${epoch}: ${symptom}`);
  }
}
