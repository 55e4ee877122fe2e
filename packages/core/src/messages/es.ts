import type { Messages } from "./en.ts";
import type { LanguagePack } from "./index.ts";

const messages: Messages = {
  "command.start.description": "Saludar y ver lo que sé hacer",
  "command.help.description": "Ver los comandos que puedes usar",
  "command.meme.description": "Escribir un meme sobre un tema",
  "command.config.description": "Ver o cambiar los ajustes del bot en esta comunidad",
  "arg.meme.topic": "De qué trata el meme",
  "arg.config.key": "Nombre del ajuste, p. ej. language",
  "arg.config.value": "Nuevo valor (solo admins)",

  "start.greeting":
    "¡gm {name}! Soy el bot de memes de la comunidad. Prueba /meme <tema> para un meme nuevo, o /help para ver todo lo que sé hacer.",
  "help.header": "Comandos que puedes usar aquí:",
  "help.line": "/{usage} — {description}",
  "help.adminNote": "Eres admin aquí: /config <clave> <valor> cambia un ajuste.",

  "meme.result": "{top}\n{bottom}",
  "meme.offlineLabel":
    "(motor sin conexión: {reason}; estos textos vienen de plantillas integradas, no del modelo de IA)",
  "meme.offlineReason.not_configured": "no hay ningún modelo configurado",
  "meme.offlineReason.unavailable": "el modelo no respondió",
  "meme.offlineReason.invalid_response": "la respuesta del modelo no servía",

  "config.header": "Ajustes de esta comunidad:",
  "config.line": "{key} = {value}  ({allowed})",
  "config.footer": "Los admins cambian uno con /config <clave> <valor>.",
  "config.updated": "{key} ahora es {value}.",
  "config.unchanged": "{key} ya es {value}.",

  "job.failed": "Lo siento, /{command} falló de nuestro lado. Inténtalo de nuevo en un minuto.",

  "error.unknownCommand": "No conozco /{command}. Envía /help para ver lo que sé hacer.",
  "error.notACommand": "Respondo a comandos. Envía /help para verlos.",
  "error.unsupportedMessage": "No puedo leer ese tipo de mensaje. Envía un comando como /help.",
  "error.commandDisabled": "/{command} está desactivado en esta comunidad.",
  "error.usage": "{problem}\nUso: /{usage}",
  "error.missingArgument": "Falta <{arg}>.",
  "error.tooLong": "<{arg}> es demasiado largo: como máximo {max} caracteres.",
  "error.tooManyArguments": "Demasiados argumentos.",
  "error.invalidText": "<{arg}> debe ser texto normal.",
  "error.adminOnly": "Solo los admins de esta comunidad pueden hacer eso ({permission}).",
  "error.unknownSetting": "No existe el ajuste «{key}». Ajustes: {keys}.",
  "error.invalidSetting": "«{value}» no es un valor válido para {key}. Permitidos: {allowed}.",
  "error.settingLocked": "/{command} no se puede desactivar: es cómo los admins gestionan el bot.",
  "error.cooldown": "¡Con calma! Puedes usar /{command} otra vez en {seconds}s.",
  "error.rateLimited": "Esta comunidad envía comandos demasiado rápido. Inténtalo de nuevo en {seconds}s.",
  "error.userRateLimited": "Estás enviando comandos demasiado rápido. Inténtalo de nuevo en {seconds}s.",
  "error.internal": "Algo salió mal de nuestro lado. Inténtalo de nuevo.",

  "permission.telegram": "administradores del chat de Telegram",
  "permission.discord": "miembros con el permiso Gestionar servidor",
  "permission.console": "el admin local",

  "value.on": "activado",
  "value.off": "desactivado",
  "value.onWords": "sí, si, activar, activo, encendido",
  "value.offWords": "no, desactivar, inactivo, apagado",

  "setting.allowed.switch": "activado | desactivado",
  "setting.allowed.seconds": "{min}-{max} segundos",
  "setting.allowed.perMinute": "{min}-{max} comandos por minuto",
  "setting.allowed.languages": "{languages}",
  "setting.allowed.tokenBudget": "0 (sin límite) a {max} tokens de modelo por día",
  "setting.allowed.models": "{models}",
};

export default {
  code: "es",
  // Spain and Latin America: Discord offers both, and both get these texts.
  discordLocales: ["es-ES", "es-419"],
  telegramLanguageCode: "es",
  messages,
} satisfies LanguagePack;
