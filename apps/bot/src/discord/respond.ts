// Answering an interaction in whatever state it is in (fresh, or deferred publicly): a slash
// command's, or a pressed button's (whose answer is a new message, never an edit of the message
// that carried the button).
import type { OutgoingMessage } from "@memebot/core";
import { discordComponents } from "@memebot/delivery";
import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionReplyOptions,
} from "discord.js";

/** Discord refuses message content longer than this. */
export const MAX_CONTENT_LENGTH = 2000;

/** The interactions the adapter answers. */
export type AnswerableInteraction = ChatInputCommandInteraction | ButtonInteraction;

function clip(text: string): string {
  return text.length <= MAX_CONTENT_LENGTH ? text : `${text.slice(0, MAX_CONTENT_LENGTH - 1)}…`;
}

function payloadOf(message: OutgoingMessage) {
  const picture = message.picture;
  const components = discordComponents(message.buttons);
  return {
    content: clip(message.text),
    ...(components ? { components } : {}),
    ...(picture
      ? {
          files: [
            {
              attachment: Buffer.from(
                picture.bytes.buffer,
                picture.bytes.byteOffset,
                picture.bytes.byteLength,
              ),
              name: picture.fileName,
            },
          ],
        }
      : {}),
    // Text echoes what users typed (a meme topic, a setting value): it must never ping @everyone or a role.
    allowedMentions: { parse: [] },
  } satisfies InteractionReplyOptions;
}

export async function answerPublicly(interaction: AnswerableInteraction, message: OutgoingMessage) {
  if (interaction.deferred || interaction.replied) await interaction.editReply(payloadOf(message));
  else await interaction.reply(payloadOf(message));
}

/** Only the user who ran the command sees the answer. */
export async function answerPrivately(interaction: AnswerableInteraction, message: OutgoingMessage) {
  const payload = { ...payloadOf(message), flags: MessageFlags.Ephemeral as const };
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply(payload);
    return;
  }
  if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
    await interaction.editReply(payloadOf(message));
    return;
  }
  if (interaction.deferred && !interaction.replied) {
    // The first follow-up after a deferral would replace the public "thinking…" message and stay
    // public; removing that message first lets the follow-up be truly ephemeral.
    await interaction.deleteReply();
  }
  await interaction.followUp(payload);
}
