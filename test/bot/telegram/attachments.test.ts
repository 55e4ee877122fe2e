// Files on Telegram invocations: which message's file a command gets, and what a malformed
// update gives (nothing, never a throw).
import type { Update } from "telegraf/types";
import { describe, expect, it } from "vitest";
import { invocationFromUpdate } from "../../../apps/bot/src/telegram/invocation.ts";
import {
  documentMessageUpdate,
  photoMessageUpdate,
  textMessageUpdate,
} from "../../fakes/telegram/updates.ts";

const bot = { id: 42, username: "OurMemeBot" };
const alice = { id: 7, username: "alice", first_name: "Alice" };
const group = { id: -1009, type: "supergroup" as const, title: "Frog Pond" };
const dm = { id: 7, type: "private" as const };
const invocationOf = (update: Update) => invocationFromUpdate(update, bot, 1_000, async () => true);
const document = {
  file_id: "BQACdoc1",
  file_unique_id: "AgADdoc1",
  file_name: "persona.json",
  mime_type: "application/json",
  file_size: 321,
};

describe("telegram attachments", () => {
  it("GIVEN a document captioned with a command THEN the command carries the document", () => {
    const update = documentMessageUpdate({
      chat: group,
      from: alice,
      document,
      caption: "/persona@OurMemeBot import",
    });
    expect(invocationOf(update)).toMatchObject({
      name: "persona",
      args: { kind: "text", text: "import" },
      addressed: true,
      attachments: [
        {
          platform: "telegram",
          fileId: "BQACdoc1",
          name: "persona.json",
          size: 321,
          mimeType: "application/json",
        },
      ],
    });
  });

  it("GIVEN a photo captioned with a command THEN the command carries the photo's largest size", () => {
    const update = photoMessageUpdate({ chat: dm, from: alice, caption: "/meme frogs" });
    Object.assign(update.message, { caption_entities: [{ type: "bot_command", offset: 0, length: 5 }] });
    const largest = update.message.photo.at(-1);
    expect(invocationOf(update)).toMatchObject({
      name: "meme",
      attachments: [
        { platform: "telegram", fileId: largest?.file_id, size: largest?.file_size, mimeType: "image/jpeg" },
      ],
    });
  });

  it("GIVEN a command replying to a document THEN it carries the replied-to document", () => {
    const upload = documentMessageUpdate({ chat: group, from: alice, document });
    const command = textMessageUpdate({ chat: group, from: alice, text: "/persona import" });
    Object.assign(command.message, { reply_to_message: upload.message });
    expect(invocationOf(command)?.attachments).toEqual([
      {
        platform: "telegram",
        fileId: "BQACdoc1",
        name: "persona.json",
        size: 321,
        mimeType: "application/json",
      },
    ]);
  });

  it("GIVEN a caption without a command entity THEN it is no command and carries nothing", () => {
    const inPrivate = documentMessageUpdate({ chat: dm, from: alice, document, caption: "look at this" });
    expect(invocationOf(inPrivate)).toMatchObject({ name: null, nonCommand: "unsupported" });
    expect(invocationOf(inPrivate)).not.toHaveProperty("attachments");
    expect(invocationOf(documentMessageUpdate({ chat: group, from: alice, document }))).toBeUndefined();
  });

  it("GIVEN a command without any file THEN has no attachments", () => {
    expect(invocationOf(textMessageUpdate({ chat: dm, from: alice, text: "/persona" }))).not.toHaveProperty(
      "attachments",
    );
  });

  it("GIVEN malformed captions or files THEN skips or ignores them without throwing", () => {
    const badCaption = documentMessageUpdate({ chat: dm, from: alice, document, caption: "/persona import" });
    Object.assign(badCaption.message, { caption: 42 });
    expect(invocationOf(badCaption)).toBeUndefined();

    const badEntities = documentMessageUpdate({
      chat: dm,
      from: alice,
      document,
      caption: "/persona import",
    });
    Object.assign(badEntities.message, { caption_entities: "bot_command" });
    expect(invocationOf(badEntities)).toBeUndefined();

    const noFileId = documentMessageUpdate({ chat: dm, from: alice, document, caption: "/persona import" });
    Object.assign(noFileId.message, { document: { file_name: "x.json", file_size: -5 } });
    expect(invocationOf(noFileId)).toMatchObject({ name: "persona" });
    expect(invocationOf(noFileId)).not.toHaveProperty("attachments");

    const badReply = textMessageUpdate({ chat: dm, from: alice, text: "/persona import" });
    Object.assign(badReply.message, { reply_to_message: { photo: [null, 7] } });
    expect(invocationOf(badReply)).not.toHaveProperty("attachments");

    const badSize = documentMessageUpdate({ chat: dm, from: alice, document, caption: "/persona import" });
    Object.assign(badSize.message, { document: { ...document, file_size: "big" } });
    expect(invocationOf(badSize)?.attachments?.[0]).not.toHaveProperty("size");
  });
});
