/**
 * The bodies the server accepts, checked field by field: each problem is an HttpError whose message
 * names the field or the limit (the client sees it as `{"error": "..."}`).
 */

/** An answer other than 200, with the words the client gets. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface PredictRequest {
  texts: string[];
  /** The body gave one `text` (answered as one object), not `texts`. */
  single: boolean;
  explain: boolean;
  memory: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function texts(list: unknown, field: string, maxTexts: number): string[] {
  if (!Array.isArray(list)) throw new HttpError(400, `${field} must be a list of strings`);
  if (list.length === 0) throw new HttpError(400, `${field} is empty: give at least one text`);
  if (list.length > maxTexts)
    throw new HttpError(413, `${field} has ${list.length} texts, more than the limit of ${maxTexts} (maxTexts)`);
  list.forEach((t, i) => {
    if (typeof t !== 'string') throw new HttpError(400, `${field}[${i}] must be a string, not ${kind(t)}`);
    if (t.trim() === '') throw new HttpError(400, `${field}[${i}] is empty: give a phrase to classify`);
  });
  return list as string[];
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function flag(body: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = body[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new HttpError(400, `${name} must be true or false, not ${kind(v)}`);
  return v;
}

/** `POST /predict`: {"text": "..."} or {"texts": [...]}, with "explain" and "memory" optional. */
export function predictRequest(body: unknown, maxTexts: number): PredictRequest {
  if (!isObject(body)) throw new HttpError(400, 'the body must be a JSON object with "text" or "texts"');
  const unknown = Object.keys(body).filter((k) => !['text', 'texts', 'explain', 'memory'].includes(k));
  if (unknown.length)
    throw new HttpError(400, `unknown field ${JSON.stringify(unknown[0])}: expected text or texts, explain, memory`);
  if ((body.text === undefined) === (body.texts === undefined))
    throw new HttpError(400, 'give exactly one of "text" (a string) or "texts" (a list of strings)');
  const single = body.text !== undefined;
  const list = single ? texts([body.text], 'text', maxTexts) : texts(body.texts, 'texts', maxTexts);
  return { texts: list, single, explain: flag(body, 'explain', false), memory: flag(body, 'memory', true) };
}

/**
 * TensorFlow Serving's `{"instances": [...]}`: each instance a string, or an object with "text" (its
 * named-input form); "inputs" (the columnar form) is taken as the same list.
 */
export function instancesRequest(body: unknown, maxTexts: number): string[] {
  if (!isObject(body)) throw new HttpError(400, 'the body must be a JSON object with "instances"');
  const field = body.instances !== undefined ? 'instances' : body.inputs !== undefined ? 'inputs' : null;
  if (field === null) throw new HttpError(400, 'the body must have "instances" (a list of texts)');
  const raw = body[field];
  const list = Array.isArray(raw) ? raw.map((x) => (isObject(x) && 'text' in x ? x.text : x)) : raw;
  return texts(list, field, maxTexts);
}
