/** An input problem the user can fix: says which file (and line) and maps to exit code 2. */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  constructor(message: string, where: { file?: string; line?: number } = {}) {
    const prefix = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    super(prefix + message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
  }
}
