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
export { templateCommand, MAX_TEMPLATE_FILE_BYTES } from "./template-command.ts";
export { addTemplate, listTemplates, type TemplateJobDependencies } from "./template-jobs.ts";
export {
  boxesInPixels,
  defaultBoxesOf,
  parseTemplateLayout,
  MAX_TEMPLATE_BOXES,
  MAX_TEMPLATE_DESCRIPTION,
  TEMPLATE_LAYOUT_WORDS,
  type FractionBox,
  type TemplateLayoutChoice,
} from "./template-layout.ts";
