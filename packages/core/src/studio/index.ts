// The meme studio: /meme, /caption, /imagine and /template, their jobs and use cases.
export * from "./jobs.ts";
export * from "./meme-result.ts";
export { memeCommand, rerollArgs, MEME_COMMAND } from "./meme-command.ts";
export { captionCommand, captionLayoutOf, MAX_PICTURE_BYTES } from "./caption-command.ts";
export {
  createMeme,
  templatesFor,
  type CreateMemeDependencies,
  type MemeDraft,
  type MemeDraftRequest,
  type MemeDraftWriter,
} from "./meme.ts";
export { captionPicture, type CaptionPictureDependencies } from "./caption.ts";
export * from "./picture-reply.ts";
export * from "./templates.ts";
