/** Every member kind, and how meta.json's entry for it is checked and loaded. */
import { join } from 'node:path';
import type { Member, MemberEntry } from './member.ts';
import { NgramMember } from './ngram/member.ts';
import { SequenceMember } from './sequence-member.ts';
import { BATCHING_MODES } from '../settings.ts';

export async function loadMember(modelDir: string, entry: MemberEntry): Promise<Member> {
  const dir = join(modelDir, entry.path);
  switch (entry.kind) {
    case 'lstm':
    case 'bilstm':
      return SequenceMember.load(dir, { maxLen: entry.max_len, batching: entry.batching }, entry.kind);
    case 'ngram':
      return NgramMember.load(dir);
  }
}

/** What is wrong with a meta.json member entry, or null when it is one this version loads. */
export function entryProblem(e: unknown): string | null {
  const o = (e ?? {}) as Record<string, unknown>;
  if (typeof o.path !== 'string' || o.path.startsWith('/') || o.path.split(/[\\/]/).includes('..')) return 'path must be a directory inside the model directory';
  if (o.kind === 'ngram') return null;
  if (o.kind !== 'lstm' && o.kind !== 'bilstm') return `unknown kind ${JSON.stringify(o.kind)}`;
  if (!Number.isInteger(o.max_len) || (o.max_len as number) < 1 || !(BATCHING_MODES as readonly unknown[]).includes(o.batching)) return 'max_len or batching is missing or invalid';
  return null;
}
