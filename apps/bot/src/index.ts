export { startBot, createBotDispatch, type BotOptions } from "./bot.ts";
export { repositoryServicesOf, type RepositoryServices } from "./command-services.ts";
