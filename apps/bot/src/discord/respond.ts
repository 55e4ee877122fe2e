// Answering an interaction in whatever state it is in (fresh, or deferred publicly).
import type { OutgoingMessage } from "@memebot/core";
import { MessageFlags, type ChatInputCommandInteraction, type InteractionReplyOptions } from "discord.js";

/** Discord refuses message content longer than this. */
export const MAX_CONTENT_LENGTH = 2000;

function clip(text: string): string {
  return text.length <= MAX_CONTENT_LENGTH ? text : `${text.slice(0, MAX_CONTENT_LENGTH - 1)}…`;
}

function payloadOf(message: OutgoingMessage) {
  return {
    content: clip(message.text),
    ...(message.imagePath ? { files: [message.imagePath] } : {}),
    // Text echoes what users typed (a meme topic, a setting value): it must never ping @everyone or a role.
    allowedMentions: { parse: [] },
  } satisfies InteractionReplyOptions;
}

export async function answerPublicly(interaction: ChatInputCommandInteraction, message: OutgoingMessage) {
  if (interaction.deferred || interaction.replied) await interaction.editReply(payloadOf(message));
  else await interaction.reply(payloadOf(message));
}

/** Only the user who ran the command sees the answer. */
export async function answerPrivately(interaction: ChatInputCommandInteraction, message: OutgoingMessage) {
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
