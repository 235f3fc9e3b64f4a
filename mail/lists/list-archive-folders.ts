// A list's archive (the INBOX of owner id list:ADDRESS) as an IMAP shared folder for its members:
// an account reads the archives of the lists its own address is an active member of, nothing
// else. Membership is looked up at every LIST and SELECT, so a member who leaves (or is
// disabled for bounces) stops seeing the archive at their next command that names it; a session
// that has it selected keeps reading until it selects something else.
//
// Each reader's subscription is theirs (the store records the archives a reader unsubscribed;
// the others list as subscribed, so that clients showing only subscribed folders show it).

import { normalizeAddress } from '../../core/address.js';
import { NotFoundError } from '../../core/errors.js';
import { FolderErrorCode, type SharedFolder, type SharedFolderResolver, type User } from '../store/contracts.js';
import { listOwnerId, type ListStore } from './list-types.js';

export class ListArchiveFolders implements SharedFolderResolver {
  constructor(private readonly store: Pick<ListStore, 'listsWithActiveMember' | 'archiveUnsubscribed' | 'setArchiveSubscribed'>) {}

  async listShared(user: User): Promise<SharedFolder[]> {
    const lists = await this.store.listsWithActiveMember(user.address);
    if (lists.length === 0) return [];
    const unsubscribed = new Set(await this.store.archiveUnsubscribed(user.id));
    return lists.map((list) => archiveFolder(list, !unsubscribed.has(list)));
  }

  async getShared(user: User, name: string): Promise<SharedFolder | null> {
    // Folder names are case-sensitive in IMAP, addresses are not: "Shared/Team@x" finds team@x.
    const list = normalizeAddress(name);
    if (!list) return null;
    const all = await this.listShared(user);
    return all.find((f) => f.name === list) ?? null;
  }

  async setSharedSubscribed(user: User, name: string, subscribed: boolean): Promise<void> {
    const folder = await this.getShared(user, name);
    if (!folder) throw new NotFoundError(FolderErrorCode.notFound, `no shared folder ${name}`);
    await this.store.setArchiveSubscribed(folder.name, user.id, subscribed);
  }
}

function archiveFolder(list: string, subscribed: boolean): SharedFolder {
  return { name: list, ownerId: listOwnerId(list), folder: 'INBOX', subscribed };
}
