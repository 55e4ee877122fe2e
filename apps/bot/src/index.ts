export { startBot, createBotDispatch, type BotOptions } from "./bot.ts";
export { repositoryServicesOf, type RepositoryServices } from "./command-services.ts";
export { gateServiceOf } from "./gate-service.ts";
