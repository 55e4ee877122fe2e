export type {
  MemeLayout,
  PictureFormat,
  PictureProblem,
  RenderedPicture,
  TemplateSpec,
  TemplateWithPicture,
  TextBox,
} from "./types.ts";
export { MEME_LAYOUTS } from "./types.ts";
export {
  createMemeRenderer,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_MAX_TEXT_LENGTH,
  type CaptionRequest,
  type InspectResult,
  type MemeRenderer,
  type MemeRendererOptions,
  type RenderRequest,
  type RenderResult,
} from "./renderer.ts";
export { DEFAULT_PICTURE_LIMITS, type PictureLimits } from "./picture.ts";
export { registerFonts, shippedFontFiles, emojiFontFile, type FontFile } from "./fonts.ts";
export { classicCaptionBoxes } from "./layout.ts";
export {
  CONTACT_SHEET_WIDTH,
  drawContactSheet,
  type ContactSheet,
  type ContactSheetEntry,
  type ContactSheetLabels,
} from "./contact-sheet.ts";
export { starterTemplates, type StarterTemplate } from "./templates/index.ts";
export {
  drawSentimentChart,
  sentimentChartSpec,
  SENTIMENT_CHART_WIDTH,
  type SentimentChart,
  type SentimentChartLabels,
  type SentimentChartPoint,
} from "./sentiment-chart.ts";
