// When every attempt of a `chat.reply` job failed: the member hears back once, briefly, instead of
// waiting for an answer that will not come. Folded messages had no answer of their own coming.
import { translator } from "../messages/index.ts";
import type { DeliverOnce } from "../usecases/deliver.ts";
import type { ConversationReply } from "./payload.ts";

export async function reportFailedConversation(
  payload: ConversationReply,
  deps: { deliver: DeliverOnce },
): Promise<void> {
  if (!payload.answer) return;
  const t = translator(payload.language);
  await deps.deliver(
    payload.target,
    { text: t("conversation.failed"), answers: payload.key },
    `${payload.key}:failed`,
  );
}
