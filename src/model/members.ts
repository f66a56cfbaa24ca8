/** Every member kind, and how meta.json's entry for it is loaded (meta.ts checks the entry). */
import { join } from 'node:path';
import type { Member, MemberEntry } from './member.ts';
import { NgramMember } from './ngram/member.ts';
import { RecurrentMember } from './recurrent-member.ts';
import type { SpeedLayer } from '../engine/speed-layer.ts';

export async function loadMember(modelDir: string, entry: MemberEntry, speed: SpeedLayer | null): Promise<Member> {
  const dir = join(modelDir, entry.path);
  switch (entry.kind) {
    case 'lstm':
    case 'bilstm':
      return RecurrentMember.load(dir, { maxLen: entry.max_len, batching: entry.batching }, entry.kind, speed);
    case 'ngram':
      return NgramMember.load(dir);
  }
}
