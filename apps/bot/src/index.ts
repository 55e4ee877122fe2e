export { startBot, createBotDispatch, type BotOptions } from "./bot.ts";
