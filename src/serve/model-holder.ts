/**
 * The model a server answers with, and its replacement without a dropped request: a reload loads the
 * directory's model beside the one serving, checks it (meta.json's sizes and sha256, one answer), and
 * only then switches; requests already running finish on the model they started with, which is then
 * disposed. A model that fails to load is refused and the old one keeps serving. Reloads run one at a
 * time; `train` swapping a new model into the directory starts one when `watch` is on.
 */
import { watch, type FSWatcher } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { SpeedLayer } from '../engine/speed-layer.ts';
import { type BatchOptions, modelId, ServedModel } from './served-model.ts';

export type ReloadResult =
  | { outcome: 'switched'; from: string; to: string }
  | { outcome: 'unchanged'; id: string }
  | { outcome: 'refused'; id: string; error: string };

export interface HolderOptions extends BatchOptions {
  speed: SpeedLayer | null;
  /** One line about each reload (to the access log). */
  log?(event: Record<string, unknown>): void;
}

export class ModelHolder {
  private reloading: Promise<ReloadResult> | null = null;
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;

  private constructor(
    readonly dir: string,
    private served: ServedModel,
    private readonly opts: HolderOptions,
  ) {}

  static async open(dir: string, opts: HolderOptions): Promise<ModelHolder> {
    return new ModelHolder(dir, await ServedModel.load(dir, opts.speed, opts), opts);
  }

  get current(): ServedModel {
    return this.served;
  }

  /** Loads the directory's model again and switches to it if it is new and works. */
  reload(): Promise<ReloadResult> {
    // One at a time: a reload asked for during another waits for it, then looks again.
    const next = (this.reloading ?? Promise.resolve(null)).then(() => this.reloadNow());
    this.reloading = next.finally(() => {
      if (this.reloading === next) this.reloading = null;
    });
    return next;
  }

  private async reloadNow(): Promise<ReloadResult> {
    const old = this.served;
    try {
      if ((await modelId(this.dir)) === old.id) return { outcome: 'unchanged', id: old.id };
      const fresh = await ServedModel.load(this.dir, this.opts.speed, this.opts);
      this.served = fresh;
      old.retire();
      this.opts.log?.({ event: 'reload', outcome: 'switched', from: old.id, to: fresh.id });
      return { outcome: 'switched', from: old.id, to: fresh.id };
    } catch (err) {
      const error = (err as Error).message.split('\n')[0];
      this.opts.log?.({ event: 'reload', outcome: 'refused', id: old.id, error });
      return { outcome: 'refused', id: old.id, error };
    }
  }

  /**
   * Reloads when the directory is replaced (train swaps a new one in by renames) or its meta.json
   * changes; quiet for `settleMs` first, so a swap's two renames make one reload.
   */
  async watch(settleMs = 300): Promise<void> {
    const real = await realpath(this.dir).catch(() => this.dir);
    const name = basename(real);
    const poke = () => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        void this.reload();
      }, settleMs);
      this.debounce.unref();
    };
    this.watcher = watch(dirname(real), (_event, file) => {
      if (file === null || file === name || file.startsWith(`.${name}`) || file.startsWith(`${name}.`)) poke();
    });
    this.watcher.unref();
  }

  /** Stops watching and disposes the model once its requests are done. */
  close(): void {
    this.watcher?.close();
    if (this.debounce) clearTimeout(this.debounce);
    this.served.retire();
  }
}
