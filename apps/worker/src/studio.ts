// The meme studio's side of the worker: the renderer, the templates (starters drawn once, the
// community's own from PostgreSQL), the meme and image-prompt writers over the model gateway, the
// images client, the attachment fetcher and the "sending a photo…" indicator, composed once; and the
// handler of each studio job, each a thin call of its use case.
import type { Redis } from "ioredis";
import {
  createImagePromptWriter,
  createImagesClient,
  createMemeDraftWriter,
  type ModelGateway,
} from "@memebot/ai";
import type { Env } from "@memebot/config";
import {
  addTemplate,
  answerImagine,
  captionPicture,
  createImaginePromptCache,
  createMeme,
  createTemplateStore,
  listTemplates,
  type AnswerCache,
  type ImagineDependencies,
  type JobCatalog,
  type TemplateJobDependencies,
  type DeliverOnce,
  type PersonaStore,
  type PictureSending,
  type RunRecorder,
  type SettingsStore,
  type ShowChatAction,
} from "@memebot/core";
import type { Repositories } from "@memebot/db";
import { createAttachmentFetcher } from "@memebot/delivery";
import type { JobHandlers } from "@memebot/jobs";
import { createMemeRenderer, drawContactSheet, starterTemplates } from "@memebot/render";

export interface StudioOptions {
  env: Env;
  redis: Redis;
  /** The catalog the worker runs (its attempts tell /imagine when a retry is the last). */
  catalog: JobCatalog;
  gateway: Pick<ModelGateway, "json">;
  repositories: Repositories;
  settings: SettingsStore;
  personas: PersonaStore;
  answers: AnswerCache;
  deliver: DeliverOnce;
  runs: RunRecorder;
  showChatAction: ShowChatAction;
  logger: { warn(obj: object, msg: string): void };
  /** More origins a Discord attachment may come from (a test's fake Discord). */
  attachmentOrigins?: readonly string[];
}

type StudioJob = "meme.create" | "meme.caption" | "meme.imagine" | "template.add" | "template.list";

export function createStudioHandlers(options: StudioOptions): Pick<JobHandlers, StudioJob> {
  const { env, redis, catalog, settings, personas, answers, deliver, runs, logger } = options;
  const renderer = createMemeRenderer();
  const templates = createTemplateStore({
    repository: options.repositories.memeTemplates,
    starters: starterTemplates,
  });
  const attachments = createAttachmentFetcher({
    ...(env.TELEGRAM_BOT_TOKEN
      ? { telegram: { token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT } }
      : {}),
    ...(options.attachmentOrigins ? { discordOrigins: options.attachmentOrigins } : {}),
    logger,
  });
  const uploading: PictureSending = {
    async showUploading(target, work) {
      const stop = options.showChatAction(target, "upload_photo");
      try {
        return await work();
      } finally {
        stop();
      }
    },
  };
  const drafts = createMemeDraftWriter({ gateway: options.gateway, logger });
  // /imagine: prompts through the gateway; pictures only when an images endpoint is configured.
  const imagePrompts = createImagePromptWriter({ gateway: options.gateway, logger });
  const images = env.IMAGE_API_BASE_URL
    ? createImagesClient({
        baseURL: env.IMAGE_API_BASE_URL,
        ...(env.IMAGE_API_KEY ? { apiKey: env.IMAGE_API_KEY } : {}),
        model: env.IMAGE_MODEL,
        timeoutMs: env.IMAGE_TIMEOUT_MS,
        negativePrompt: env.IMAGE_NEGATIVE_PROMPT,
        size: env.IMAGE_SIZE as `${number}x${number}`,
      })
    : undefined;
  const imagine: ImagineDependencies = {
    writePrompt: (request) => imagePrompts.write(request),
    ...(images ? { generateImage: images.generate } : {}),
    settings,
    personas,
    prompts: createImaginePromptCache({ redis, prefix: env.QUEUE_PREFIX }),
    deliver,
    runs,
    ...uploading,
    logger,
  };
  // /template add and list: the same renderer checks pictures, the same store keeps them.
  const templateJobs: TemplateJobDependencies = {
    templates,
    renderer,
    drawContactSheet,
    attachments,
    deliver,
    runs,
    logger,
    ...uploading,
  };

  return {
    "meme.create": (payload, { signal }) =>
      createMeme(
        payload,
        {
          writeDraft: (request) => drafts.write(request),
          templates,
          renderer,
          settings,
          personas,
          answers,
          deliver,
          runs,
          ...uploading,
        },
        signal,
      ),
    "meme.caption": (payload) =>
      captionPicture(payload, { attachments, renderer, settings, deliver, runs, ...uploading }),
    "meme.imagine": (payload, { signal, attempt }) =>
      answerImagine(payload, imagine, { signal, attempt, attempts: catalog["meme.imagine"].attempts }),
    "template.add": (payload) => addTemplate(payload, templateJobs),
    "template.list": (payload) => listTemplates(payload, templateJobs),
  };
}
