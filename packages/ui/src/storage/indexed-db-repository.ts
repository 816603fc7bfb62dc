import { type Conversation, type ConversationSummary } from "../chat/chat-types";
import { type ConversationRepository } from "./conversation-repository";

const CONVERSATIONS = "conversations";
// The sidebar reads only these small records, never every stored message.
const SUMMARIES = "summaries";
const VERSION = 1;

/**
 * Conversations in the browser's IndexedDB (one database per origin, so two servers on different
 * ports keep separate lists). Records are plain structured-clone data; a conversation and its
 * summary are written in one transaction.
 */
export class IndexedDbRepository implements ConversationRepository {
  readonly kind = "browser";
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    private readonly name = "ragbits-ui",
    private readonly factory: IDBFactory = indexedDB,
  ) {}

  async list(): Promise<ConversationSummary[]> {
    const all = await this.run<ConversationSummary[]>([SUMMARIES], "readonly", (tx) => tx.objectStore(SUMMARIES).getAll());
    return all.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async get(id: string): Promise<Conversation | null> {
    return (await this.run<Conversation | undefined>([CONVERSATIONS], "readonly", (tx) => tx.objectStore(CONVERSATIONS).get(id))) ?? null;
  }

  async save(conversation: Conversation): Promise<void> {
    await this.run([CONVERSATIONS, SUMMARIES], "readwrite", (tx) => {
      tx.objectStore(SUMMARIES).put(toSummary(conversation));
      return tx.objectStore(CONVERSATIONS).put(conversation);
    });
  }

  async delete(id: string): Promise<void> {
    await this.run([CONVERSATIONS, SUMMARIES], "readwrite", (tx) => {
      tx.objectStore(SUMMARIES).delete(id);
      return tx.objectStore(CONVERSATIONS).delete(id);
    });
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const store of [CONVERSATIONS, SUMMARIES]) {
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store, { keyPath: "id" });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("Could not open IndexedDB"));
      request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
    });
    return this.db;
  }

  /** Runs one transaction; resolves with the result of the request `body` returns, once committed. */
  private async run<T>(stores: string[], mode: IDBTransactionMode, body: (tx: IDBTransaction) => IDBRequest): Promise<T> {
    const db = await this.open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(stores, mode);
      const request = body(tx);
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = () => reject(tx.error ?? request.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
  }
}

function toSummary(conversation: Conversation): ConversationSummary {
  return { id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt };
}
