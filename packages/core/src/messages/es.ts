import type { Messages } from "./en.ts";
import type { LanguagePack } from "./index.ts";

const messages: Messages = {
  "command.start.description": "Saludar y ver lo que sé hacer",
  "command.help.description": "Ver los comandos que puedes usar",
  "command.meme.description": "Hacer un meme (imagen) sobre un tema",
  "command.config.description": "Ver o cambiar los ajustes del bot en esta comunidad",
  "command.usage.description": "Ver el uso de modelos y el presupuesto de tokens de esta comunidad (admins)",
  "arg.meme.topic": "De qué trata el meme",
  "command.caption.description": "Pon textos de meme en tu propia imagen: /caption arriba | abajo",
  "arg.caption.text": "Los textos: arriba | abajo",
  "arg.caption.picture": "La imagen a la que poner texto",
  "command.imagine.description":
    "Escribir un prompt de imagen para una idea (y dibujarla si hay un servidor de imágenes)",
  "arg.imagine.idea": "Qué debe mostrar la imagen",
  "arg.config.key": "Nombre del ajuste, p. ej. language",
  "arg.config.value": "Nuevo valor (solo admins)",
  "command.persona.description": "Ver o dar forma a la personalidad del bot en esta comunidad",
  "arg.persona.action": "show, set, import o reset",
  "arg.persona.rest": "show: un campo; set: <campo> <valor>; import: la personalidad en JSON",
  "arg.persona.file": "Un archivo .json con la personalidad a importar (solo admins)",
  "command.template.description":
    "Ver las plantillas de memes de esta comunidad; los admins añaden y quitan las suyas",
  "arg.template.action": "list, add o remove",
  "arg.template.rest": "add: <nombre> [classic | caption-bar | cajas] [descripción]; remove: <nombre>",
  "arg.template.picture": "La imagen de la plantilla, para /template add (solo admins)",
  "command.track.description":
    "Ver los tokens que se siguen en el chat de esta comunidad; los admins los cambian",
  "arg.track.action": "list, add, remove o purge",
  "arg.track.rest": "add: <símbolo> [mint] [alias…]; remove: <símbolo>",
  "command.sentiment.description":
    "Cómo se siente la charla de un token seguido: puntuación, tendencia, citas y gráfico",
  "arg.sentiment.token": "Un token seguido, p. ej. $BONK (todos los seguidos si no lo indicas)",
  "arg.sentiment.window": "1h, 6h, 24h o 7d (24h si no lo indicas)",
  "command.alert.description":
    "Avisos cuando el ánimo o el volumen de la charla de un token cambian; los admins los crean",
  "arg.alert.action": "sentiment, volume, list o remove",
  "arg.alert.token": "Un token seguido, p. ej. $BONK, o all (remove: el número del aviso)",
  "arg.alert.change": "sentiment: drop o rise y puntos, p. ej. drop 20; volume: veces, p. ej. 3x",
  "arg.alert.window": "1h, 6h, 24h o 7d",

  "start.greeting":
    "¡gm {name}! Soy el bot de memes de la comunidad. Prueba /meme <tema> para un meme nuevo, o /help para ver todo lo que sé hacer.",
  "help.header": "Comandos que puedes usar aquí:",
  "help.line": "/{usage} — {description}",
  "help.adminNote": "Eres admin aquí: /config <clave> <valor> cambia un ajuste.",

  "meme.offlineReason.not_configured": "no hay ningún modelo configurado",
  "meme.offlineReason.unavailable": "el modelo no respondió",
  "meme.offlineReason.invalid_response": "la respuesta del modelo no servía",
  "meme.offlineReason.over_budget": "esta comunidad ya gastó el presupuesto de modelo de hoy",
  "meme.offlineCaption":
    "{caption}\n(meme sin conexión: {reason}; elegido y escrito por el motor integrado, no por el modelo de IA)",
  "meme.again.button": "🔁 Otro",
  "meme.again.notFound": "No encuentro ese meme para repetirlo aquí. Prueba /meme <tema>.",
  "meme.again.nothingYet": "Aún no has hecho ningún meme aquí: prueba antes /meme <tema>.",
  "caption.error.empty": "Escribe los textos tras el comando: /caption texto de arriba | texto de abajo",
  "caption.error.tooLong": "Cada texto puede tener como máximo {max} caracteres.",
  "caption.error.noPicture": "Envía /caption con una imagen adjunta, o como respuesta a una imagen.",
  "caption.error.noFiles": "/caption necesita una imagen, y aquí no se pueden enviar imágenes.",
  "picture.problem.not_image": "Ese archivo no es una imagen que pueda leer (JPEG, PNG, WebP o GIF).",
  "picture.problem.corrupt": "Esa imagen parece dañada: no he podido leerla.",
  "picture.problem.too_large": "Esa imagen es demasiado grande (el límite es {limit}).",
  "picture.problem.text_too_long": "El texto de «{box}» es demasiado largo: como máximo {limit} caracteres.",
  "picture.problem.box_outside": "La caja de texto «{box}» se sale de la imagen.",
  "picture.problem.template_invalid": "Esa plantilla ya no se puede usar; prueba otra.",

  "imagine.prompts":
    "Prompt de imagen para: {idea}\n\nPrompt:\n{prompt}\n\nPrompt negativo:\n{negativePrompt}",
  "imagine.pasteHint":
    "(Aquí no hay un servidor de imágenes: pega estos prompts en Stable Diffusion, Flux o cualquier generador de imágenes.)",
  "imagine.caption": "{idea}\n\nPrompt: {prompt}",
  "imagine.pictureFailed":
    "(No se pudo crear la imagen: {reason}. Aquí tienes los prompts para pegarlos tú.)",
  "imagine.failure.unavailable": "el servidor de imágenes no responde o está ocupado",
  "imagine.failure.timeout": "el servidor de imágenes tardó demasiado",
  "imagine.failure.refused": "el servidor de imágenes rechazó este prompt",
  "imagine.failure.bad_response": "la respuesta del servidor de imágenes no era una imagen válida",
  "imagine.offlineLabel":
    "(motor sin conexión: {reason}; este prompt sale de plantillas integradas, no lo escribió el modelo de IA)",
  "imagine.blocked.idea":
    "No puedo dibujar eso: la idea usa una palabra que esta comunidad no permite en prompts de imagen. ¡Prueba otra idea!",
  "imagine.blocked.prompt":
    "No pude escribir un prompt para eso sin palabras que esta comunidad no permite en prompts de imagen, así que esta vez no hay imagen. ¡Prueba otra idea!",

  "conversation.offline.1":
    "Aquí {name}, con el motor sin conexión ({reason}), así que ahora no tengo una respuesta de verdad. ¡Vuelve a intentarlo en un rato!",
  "conversation.offline.2":
    "Habla el motor sin conexión ({reason}): {name} no puede pensar con claridad ahora mismo. Pregunta más tarde.",
  "conversation.offline.3":
    "(motor sin conexión: {reason}) {name} salió a tocar pasto; vuelve pronto con respuestas de verdad.",
  "conversation.offlineReason.not_configured": "no hay ningún modelo configurado para conversar",
  "conversation.offlineReason.unavailable": "el modelo no respondió",
  "conversation.offlineReason.invalid_response": "la respuesta del modelo no se podía publicar",
  "conversation.offlineReason.over_budget": "esta comunidad ya gastó su presupuesto diario de modelo",
  "conversation.failed":
    "Perdón, no pude responder a eso: algo falló de nuestro lado. Vuelve a intentarlo en un minuto.",
  "conversation.authorLimited":
    "Me has enviado muchos mensajes en los últimos minutos, así que pausaré nuestra charla un rato. Los comandos siguen funcionando.",

  "config.header": "Ajustes de esta comunidad:",
  "config.line": "{key} = {value}  ({allowed})",
  "config.footer": "Los admins cambian uno con /config <clave> <valor>.",
  "config.updated": "{key} ahora es {value}.",
  "config.unchanged": "{key} ya es {value}.",

  "usage.header": "Uso de modelos en esta comunidad, por tarea y modelo:",
  "usage.period.day": "Últimas 24 horas:",
  "usage.period.month": "Últimos 30 días:",
  "usage.row":
    "• {task} · {model} — llamadas: {calls}, tokens de entrada/salida: {tokensIn}/{tokensOut}, respondidas sin conexión: {offline}, {latency}",
  "usage.latency": "tiempo medio de respuesta: {ms} ms",
  "usage.noLatency": "ninguna respuesta del modelo",
  "usage.more": "…y {count} más",
  "usage.noCallsInPeriod": "Ninguna llamada a modelos.",
  "usage.noCalls":
    "Todavía no hay llamadas a modelos en esta comunidad: aparecerán aquí cuando /meme y otras tareas de IA se usen.",
  "usage.budget": "Presupuesto diario de tokens: {spent} de {budget} tokens gastados hoy (UTC), {percent}.",
  "usage.budgetSpent":
    "Presupuesto diario de tokens: {spent} de {budget} tokens gastados hoy (UTC): agotado, así que las tareas de IA responden sin conexión hasta la medianoche UTC.",
  "usage.noBudget":
    "Presupuesto diario de tokens: ninguno (los admins lo fijan con /config token_budget <tokens>). Tokens gastados hoy (UTC): {spent}.",

  "persona.header": "La personalidad del bot en esta comunidad:",
  "persona.headerDefault": "La personalidad del bot en esta comunidad (la predeterminada):",
  "persona.line": "{label}: {value}",
  "persona.label.name": "Nombre",
  "persona.label.bio": "Biografía",
  "persona.label.style": "Forma de hablar",
  "persona.label.topics": "Temas",
  "persona.label.examples": "Conversaciones de ejemplo",
  "persona.label.avoid": "Palabras que evitar",
  "persona.none": "(ninguno)",
  "persona.example": "• {user} → {bot}",
  "persona.more": "…y {count} más: /persona show {field}",
  "persona.shortened":
    "(acortado: {count} más sin mostrar; aquí un mensaje admite como máximo {limit} caracteres)",
  "persona.footer":
    "Los admins la cambian con /persona set <campo> <valor>, /persona import <json> o /persona reset.",
  "persona.help":
    "Cómo usar /persona:\n/persona — ver la personalidad\n/persona show <campo> — ver un campo completo\n/persona set <campo> <valor> — cambiar un campo (admins)\n/persona import <json> — reemplazar la personalidad entera, o adjuntar un archivo .json (admins)\n/persona reset — volver a la predeterminada (admins)\nCampos: {fields}.",
  "persona.updated": "Personalidad actualizada: {field} cambió.",
  "persona.unchanged": "{field} ya dice eso: no cambió nada.",
  "persona.imported": "Personalidad importada: ahora soy {name}.",
  "persona.wasReset": "La personalidad volvió a la predeterminada.",
  "persona.hint.name": "Ejemplo: /persona set name Pepe el Degen",
  "persona.hint.text": "Ejemplo: /persona set {field} <texto>. «-» lo borra.",
  "persona.hint.list":
    "Separa los elementos con comas, p. ej. /persona set {field} memes, gm, gatos. «-» vacía la lista.",
  "persona.hint.examples":
    "Escribe cada conversación como «texto del usuario => texto del bot», varias separadas por «;», p. ej. /persona set examples gm => gm ser; ¿cuándo luna? => pronto™. «-» las borra.",
  "persona.type.text": "texto",
  "persona.type.list": 'una lista de textos, como ["memes", "gm"]',
  "persona.type.examples": 'una lista de conversaciones, como [{"user": "gm", "bot": "gm ser"}]',
  "persona.type.example": 'una conversación, como {"user": "gm", "bot": "gm ser"}',
  "persona.type.object": "un objeto JSON",
  "persona.unsafe.link": "un enlace",
  "persona.unsafe.domain": "un nombre de dominio",
  "persona.unsafe.mention": "una mención",
  "persona.unsafe.handle": "un @usuario",
  "persona.unsafe.address": "una dirección de monedero",
  "persona.error.unknownAction": "No conozco «{action}».\n{help}",
  "persona.error.unknownField": "No existe el campo «{field}». Campos: {fields}.",
  "persona.error.missingValue": "Falta el valor de {field}. {hint}",
  "persona.error.badExample":
    "La conversación {number} debe tener la forma «texto del usuario => texto del bot».",
  "persona.error.several": "No se puede guardar esa personalidad:\n{problems}",
  "persona.error.empty": "{field} no puede estar vacío.",
  "persona.error.missing": "Falta {field}.",
  "persona.error.tooLong": "{field} es demasiado largo: como máximo {max} caracteres.",
  "persona.error.tooMany": "{field} tiene demasiados elementos: como máximo {max}.",
  "persona.error.wrongType": "{field} debe ser {expected}.",
  "persona.error.invalidText": "{field} debe ser texto normal.",
  "persona.error.unsafe":
    "{field} no puede contener {kind}: el bot nunca publica enlaces, dominios, @usuarios, menciones ni direcciones de monedero.",
  "persona.error.unknownJsonField": "«{field}» no es un campo de la personalidad. Campos: {fields}.",
  "persona.error.unknownExampleField":
    "{field} no está permitido: una conversación solo tiene «user» y «bot».",
  "persona.error.notObject":
    'La personalidad debe ser un objeto JSON, como {"name": "Pepe", "topics": ["memes"]}.',
  "persona.error.json":
    "Eso no es JSON válido (línea {line}, columna {column}). Revisa las comillas, las comas y los corchetes.",
  "persona.error.jsonUnreadable": "Eso no es JSON válido. Revisa las comillas, las comas y los corchetes.",
  "persona.error.importEmpty":
    "Pon la personalidad en JSON después de /persona import, o adjunta un archivo .json al comando.",
  "persona.error.importEmptyConsole":
    "Pon la personalidad en JSON después de /persona import (la consola no puede adjuntar archivos).",
  "persona.error.fileTooLarge":
    "Ese archivo es demasiado grande: un archivo de personalidad puede tener como máximo {max} KB.",
  "persona.error.fileUnavailable": "No pude descargar ese archivo. Inténtalo de nuevo.",
  "persona.error.fileNotText": "Ese archivo no es texto JSON (UTF-8).",

  "template.help":
    "Cómo usar /template:\n/template list — ver todas las plantillas (una imagen con todas)\n/template add <nombre> [diseño] [descripción] — añadir la imagen que adjuntas o a la que respondes (admins)\n/template remove <nombre> — quitar una plantilla de esta comunidad (admins)\nDiseños: classic (texto arriba y abajo, el predeterminado), caption-bar (un texto sobre la imagen) o tus propias cajas en porcentaje de la imagen como id:x,y,ancho,alto, p. ej. top:0,0,100,20 bottom:0,80,100,20.\nNombres: minúsculas, dígitos y guiones, 32 como mucho.",
  "template.added":
    "Plantilla «{name}» añadida ({width}×{height}, {layout}). Esta comunidad tiene ahora {count} propias.",
  "template.removed": "Plantilla «{name}» quitada.",
  "template.list.header": "{total} plantillas: {starters} de serie y {own} propias de esta comunidad.",
  "template.list.starters": "De serie (dibujos con gráficos de Twemoji, CC-BY 4.0): {names}",
  "template.list.own": "De esta comunidad: {names}",
  "template.list.noneOwn":
    "Esta comunidad aún no tiene plantillas propias: los admins añaden una con /template add <nombre> y una imagen.",
  "template.list.sheetFailed": "(Esta vez no pude dibujar la imagen con todas.)",
  "template.list.sheetTitle": "Plantillas de memes ({count})",
  "template.list.sheetStarters": "De serie ({count})",
  "template.list.sheetOwn": "Propias de esta comunidad ({count})",
  "template.error.unknownAction": "No conozco «{action}».\n{help}",
  "template.error.badName":
    "«{name}» no sirve como nombre de plantilla: usa minúsculas, dígitos y guiones (32 como mucho), empezando por una letra o un dígito.",
  "template.error.noPicture":
    "Adjunta la imagen de la plantilla al comando, o responde a una imagen con /template add {name}.",
  "template.error.noPictureConsole":
    "La consola no puede adjuntar imágenes: añade plantillas desde Telegram o Discord.",
  "template.error.badBox":
    "«{box}» no es una caja: escribe id:x,y,ancho,alto en porcentaje de la imagen, p. ej. top:0,0,100,20.",
  "template.error.duplicateBox": "Dos cajas se llaman «{box}»: cada caja necesita su propio nombre.",
  "template.error.tooManyBoxes": "Demasiadas cajas: {max} como mucho.",
  "template.error.descriptionTooLong": "La descripción es demasiado larga: {max} caracteres como mucho.",
  "template.error.notFound":
    "Esta comunidad no tiene ninguna plantilla llamada «{name}» (las de serie no se pueden quitar). /template list las muestra todas.",
  "template.error.unavailable": "Aquí no se pueden cambiar las plantillas.",
  "template.error.starter": "«{name}» es una de las plantillas de serie: elige otro nombre.",
  "template.error.exists":
    "Esta comunidad ya tiene una plantilla llamada «{name}»: quítala primero o elige otro nombre.",
  "template.error.tooMany":
    "Esta comunidad tiene {limit} plantillas, el máximo que puede guardar: quita una primero.",
  "template.error.tooLarge":
    "Esa imagen no cabe: las plantillas de esta comunidad pueden ocupar {limit} MB en total y ya se usan {used} MB. Quita una o envía una imagen más pequeña.",
  "template.error.fileUnavailable": "No pude descargar esa imagen. Envíala de nuevo, por favor.",
  "track.help":
    "Cómo usar /track:\n/track list — los tokens que sigue esta comunidad\n/track add <símbolo> [mint] [alias…] — seguir un token, o cambiarlo (admins)\n/track remove <símbolo> — dejar de seguirlo (admins)\n/track purge — borrar todo el chat guardado de esta comunidad (admins)\nLos alias son palabras separadas por espacios, o frases separadas por comas: /track add BONK bonk, bonk inu.\nEl chat solo se lee mientras /config sentiment está activado.",
  "track.added": "Ahora sigo ${symbol}.",
  "track.updated": "${symbol} actualizado.",
  "track.removed": "Ya no sigo ${symbol}.",
  "track.purged": "Borré {count} mensajes guardados del chat de esta comunidad.",
  "track.list.header": "Tokens que se siguen aquí ({count}):",
  "track.list.item": "• ${symbol}",
  "track.list.mint": "mint {mint}",
  "track.list.aliases": "alias: {aliases}",
  "track.list.empty":
    "Esta comunidad aún no sigue ningún token. Los admins añaden uno con /track add <símbolo> [mint] [alias…].",
  "track.list.trackingOff":
    "El seguimiento del chat está desactivado aquí: los admins lo activan con /config sentiment on.",
  "track.error.unknownAction": "No conozco «{action}».\n{help}",
  "track.error.badSymbol":
    "«{symbol}» no es un símbolo de token: de 2 a 10 letras o dígitos, empezando por una letra (p. ej. BONK).",
  "track.error.badAlias": "«{alias}» no puede ser un alias: de 2 a 32 caracteres, con al menos una letra.",
  "track.error.tooManyAliases": "Demasiados alias: como máximo {max}.",
  "track.error.notFound": "Esta comunidad no sigue ${symbol}.",
  "track.error.tooMany": "Esta comunidad sigue {limit} tokens, el máximo: quita uno primero.",
  "track.error.unavailable": "El seguimiento de tokens no está disponible aquí.",
  "command.digest.description":
    "Un resumen diario del sentimiento con su gráfico, a la hora que elijan los admins",
  "arg.digest.action": "on u off (cuándo llega el próximo resumen si no lo indicas)",
  "arg.digest.hour": "on: la hora local a la que llega, 0-23",
  "arg.digest.zone": "on: una zona horaria, p. ej. Europe/Madrid (UTC si no la indicas)",
  "digest.help":
    "Cómo usar /digest:\n/digest — cuándo llega el resumen diario del sentimiento\n/digest on <hora 0-23> [zona horaria] — publicar aquí cada día, desde esa hora, el sentimiento y el gráfico de las últimas 24 horas, p. ej. /digest on 9 Europe/Madrid (admins; UTC si no se indica zona)\n/digest off — detenerlo (admins)",
  "digest.none":
    "Aquí no hay resumen diario del sentimiento. Los admins lo activan con /digest on <hora 0-23> [zona horaria], p. ej. /digest on 9 Europe/Madrid.",
  "digest.status.on":
    "Resumen diario del sentimiento: cada día a las {time} ({zone}), publicado donde se usó /digest on.",
  "digest.status.off":
    "El resumen diario del sentimiento está desactivado (era a las {time}, {zone}). Los admins lo reactivan con /digest on <hora> [zona horaria].",
  "digest.switchedOn":
    "Resumen diario del sentimiento activado: cada día a las {time} ({zone}), publicado aquí.",
  "digest.switchedOff": "Resumen diario del sentimiento desactivado.",
  "digest.alreadyOff": "Aquí no hay ningún resumen diario del sentimiento activado.",
  "digest.nextLine": "Próximo: {next}.",
  "digest.next": "{day} a las {time} (dentro de {wait})",
  "digest.next.soon": "en unos minutos",
  "digest.day.today": "hoy",
  "digest.day.tomorrow": "mañana",
  "digest.in.minutes": "{minutes} min",
  "digest.in.hours": "{hours} h {minutes} min",
  "digest.post.header": "Resumen diario del sentimiento, {date}",
  "digest.post.quiet":
    "Resumen diario del sentimiento, {date}: un día tranquilo, con menos de {min} mensajes puntuados en las últimas 24h.",
  "digest.error.unknownAction": "No conozco «{action}».\n{help}",
  "digest.error.badHour":
    "«{hour}» no es una hora: indica una hora en punto de 0 a 23, p. ej. /digest on 9 Europe/Madrid.",
  "digest.error.badZone":
    "«{zone}» no es una zona horaria que conozca: usa un nombre como Europe/Madrid, America/Mexico_City o UTC.",
  "digest.error.private":
    "Los resúmenes son para chats de grupo, donde se lee la charla: usa /digest on en el grupo.",
  "digest.error.noChannel":
    "No sé qué canal es este, así que no tendría dónde publicar. Usa /digest on en un canal del servidor.",
  "digest.error.unavailable": "Los resúmenes diarios no están disponibles aquí.",
  "sentiment.subject.token": "${symbol}",
  "sentiment.subject.all": "los tokens de esta comunidad",
  "sentiment.report.header": "Sentimiento de {subject}, últimas {window}: {score} ({mood})",
  "sentiment.mood.bullish": "alcista",
  "sentiment.mood.bearish": "bajista",
  "sentiment.mood.neutral": "neutral",
  "sentiment.report.change": "Cambio respecto a las {window} anteriores: {change}",
  "sentiment.report.noChange": "Muy poca charla en las {window} anteriores para comparar.",
  "sentiment.report.shares": "Alcista {bullish}% · bajista {bearish}% · neutral {neutral}% de los mensajes",
  "sentiment.report.counts": "{messages} mensajes de {authors} personas (cada persona cuenta como una voz)",
  "sentiment.report.quotes.bullish": "Voces alcistas:",
  "sentiment.report.quotes.bearish": "Voces bajistas:",
  "sentiment.report.quote": "• «{quote}»",
  "sentiment.report.chartFailed": "(Esta vez no pude dibujar el gráfico.)",
  "sentiment.chart.title": "Sentimiento de {subject}, últimas {window}",
  "sentiment.chart.sentiment": "Sentimiento (−100 a 100)",
  "sentiment.chart.messages": "Mensajes",
  "sentiment.notEnough":
    "Aún no hay suficiente charla sobre {subject} en las últimas {window} (menos de {min} mensajes puntuados). Los admins activan el seguimiento con /config sentiment on; /track list muestra los tokens seguidos.",
  "sentiment.error.badWindow": "«{window}» no es un periodo: usa 1h, 6h, 24h o 7d (24h si no lo indicas).",
  "sentiment.error.badToken":
    "«{token}» no es ni un símbolo de token ni un periodo. Prueba /sentiment $BONK 24h.",
  "sentiment.error.twice": "Indica como mucho un token y un periodo, p. ej. /sentiment $BONK 24h.",
  "sentiment.error.unknownToken":
    "Esta comunidad no sigue ${symbol}. Seguidos aquí: {tracked}. /track list los muestra.",
  "sentiment.error.noTokens":
    "Esta comunidad no sigue ${symbol}: aún no sigue ningún token. Los admins añaden uno con /track add <símbolo>; /track list los muestra.",
  "sentiment.error.unavailable": "Los informes de sentimiento no están disponibles aquí.",
  "alert.help":
    "Cómo usar /alert:\n/alert list — los avisos de esta comunidad\n/alert sentiment <$TOKEN|all> <drop|rise> <puntos> <periodo> — cuando el ánimo se mueve esos puntos (1–200) respecto al periodo anterior, p. ej. /alert sentiment $BONK drop 20 6h (admins)\n/alert volume <$TOKEN|all> <veces> <periodo> — cuando hay esas veces (1,5–100) los mensajes del periodo anterior, p. ej. /alert volume $BONK 3x 1h (admins)\n/alert remove <número> — borrar un aviso (admins)\nPeriodos: 1h, 6h, 24h, 7d. Publico aquí una vez cada vez que un aviso se cruza, y de nuevo solo cuando ha vuelto a la normalidad.",
  "alert.added": "Aviso #{id} creado: {alert}. Publicaré aquí una vez cada vez que se cruce.",
  "alert.exists": "Ese aviso ya existe: #{id}.",
  "alert.removed": "Aviso #{id} borrado.",
  "alert.rule.sentiment.drop":
    "el sentimiento de {subject} baja {points} puntos o más en {window}, respecto a las {window} anteriores",
  "alert.rule.sentiment.rise":
    "el sentimiento de {subject} sube {points} puntos o más en {window}, respecto a las {window} anteriores",
  "alert.rule.volume":
    "los mensajes sobre {subject} llegan a {times}× los de las {window} anteriores, en {window}",
  "alert.list.header": "Avisos aquí ({count} de {max}):",
  "alert.list.item": "#{id} — {alert}",
  "alert.list.fired": "saltó {count}×",
  "alert.list.crossed": "cruzado ahora, esperando a que se normalice",
  "alert.list.untracked": "${symbol} ya no se sigue (/track add {symbol})",
  "alert.list.empty":
    "Aún no hay avisos aquí. Los admins crean uno, p. ej. /alert sentiment $BONK drop 20 6h o /alert volume all 3x 1h.",
  "alert.post.sentiment.drop":
    "🔻 Aviso #{id}: el sentimiento de {subject} bajó {amount} puntos en las últimas {window}: {score} ahora, {previous} en las {window} anteriores. (Creado para una bajada de {points} o más.)",
  "alert.post.sentiment.rise":
    "🔺 Aviso #{id}: el sentimiento de {subject} subió {amount} puntos en las últimas {window}: {score} ahora, {previous} en las {window} anteriores. (Creado para una subida de {points} o más.)",
  "alert.post.volume":
    "📈 Aviso #{id}: {messages} mensajes sobre {subject} en las últimas {window}, {ratio}× los {previous} de las {window} anteriores. (Creado para {times}× o más.)",
  "alert.post.volume.fromQuiet":
    "📈 Aviso #{id}: {messages} mensajes sobre {subject} en las últimas {window}, tras solo {previous} en las {window} anteriores. (Creado para {times}× o más.)",
  "alert.post.more": "{command} muestra el panorama completo.",
  "alert.error.unknownAction": "No conozco «{action}».\n{help}",
  "alert.error.sentimentHow":
    "Di qué vigilar: /alert sentiment <$TOKEN|all> <drop|rise> <puntos> <periodo>, p. ej. /alert sentiment $BONK drop 20 6h.",
  "alert.error.volumeHow":
    "Di qué vigilar: /alert volume <$TOKEN|all> <veces> <periodo>, p. ej. /alert volume $BONK 3x 1h.",
  "alert.error.removeHow":
    "¿Qué aviso? /alert remove <número>, p. ej. /alert remove 12; /alert list muestra los números.",
  "alert.error.badToken": "«{token}» no es un token: indica un token seguido como $BONK, o all.",
  "alert.error.badDirection":
    "«{direction}» no es una dirección: usa drop o rise, p. ej. /alert sentiment $BONK drop 20 6h.",
  "alert.error.badPoints":
    "«{points}» no es un número de puntos: usa un número entero de {min} a {max}, p. ej. drop 20.",
  "alert.error.badTimes": "«{times}» no es un múltiplo: usa un número de {min} a {max}, p. ej. 3 o 3x.",
  "alert.error.badWindow": "«{window}» no es un periodo: usa 1h, 6h, 24h o 7d.",
  "alert.error.badId": "«{id}» no es un número de aviso: /alert list los muestra, p. ej. /alert remove 12.",
  "alert.error.notFound": "No hay ningún aviso #{id} aquí: /alert list muestra los avisos de esta comunidad.",
  "alert.error.tooMany":
    "Esta comunidad tiene {limit} avisos, el máximo: borra uno primero con /alert remove <número>.",
  "alert.error.unknownToken":
    "Esta comunidad no sigue ${symbol}. Seguidos aquí: {tracked}. Crea el aviso sobre uno de ellos, o sobre all.",
  "alert.error.noTokens":
    "Esta comunidad no sigue ${symbol}: aún no sigue ningún token. Los admins añaden uno con /track add <símbolo>, o crea el aviso sobre all.",
  "alert.error.groupsOnly":
    "Los avisos vigilan la charla de un grupo: créalos en el grupo, no en un chat privado.",
  "alert.error.noChannel":
    "No sé qué canal es este, así que no tendría dónde publicar. Usa /alert en un canal del servidor.",
  "alert.error.unavailable": "Los avisos no están disponibles aquí.",
  "template.problem.not_image": "Ese archivo no es una imagen: envía una imagen JPEG, PNG o WebP.",
  "template.problem.corrupt":
    "Esa imagen está dañada y no se puede leer: envíala de nuevo o prueba con otra.",
  "template.problem.too_large": "Esa imagen es demasiado grande: {limit} como mucho.",
  "template.problem.file_too_large":
    "Ese archivo es demasiado grande: una imagen de plantilla puede ocupar {max} MB como mucho.",
  "template.problem.box_outside": "La caja «{box}» se sale de la imagen: deja cada caja entre 0 y 100 %.",
  "template.problem.invalid": "Con esas cajas no se puede hacer una plantilla: {detail}.",

  "command.wallet.description": "Vincula tus wallets de Solana firmando un mensaje; lístalas o desvincúlalas",
  "arg.wallet.action": "link, verify, list, unlink o help",
  "arg.wallet.rest": "link: [dirección]; verify: <dirección> <firma> [nonce]; unlink: <dirección>",
  "wallet.help":
    "Cómo usar /wallet:\n/wallet link — una página donde tu wallet (Phantom, Solflare, Backpack…) inicia sesión\n/wallet link <dirección> — un mensaje para firmar con tu propia herramienta\n/wallet verify <dirección> <firma> — pega la firma en base58 de ese mensaje\n/wallet list — tus wallets en esta comunidad\n/wallet unlink <dirección> — quita una\nFirmar prueba que tienes la wallet: sin transacción ni comisión. Nunca des a nadie tu frase semilla ni tu clave privada; yo nunca las pido.",
  "wallet.link.page":
    "Abre este enlace en los próximos {minutes} minutos y aprueba el inicio de sesión en tu wallet (Phantom, Solflare, Backpack…):\n{link}\nSirve una vez y solo para ti: no lo compartas.\n¿Sin wallet en el navegador? Envía /wallet link <dirección> para recibir un mensaje que firmar con tu propia herramienta.",
  "wallet.link.noPage":
    "Envía /wallet link <dirección> con la dirección de tu wallet: te daré un mensaje para firmar con ella y luego /wallet verify la vincula.",
  "wallet.link.notHere":
    "No publico enlaces de inicio de sesión en un grupo: cualquiera podría abrirlos. Envía /wallet link <dirección>: el mensaje que firmar se puede mostrar, solo tu wallet puede firmarlo y solo tú puedes usarlo.",
  "wallet.link.message":
    'Firma este mensaje con la wallet {address}, tal cual, en los próximos {minutes} minutos:\n\n{message}\n\nLuego envía /wallet verify {address} <firma> con la firma en base58.\nCLI de Solana: guarda el mensaje como message.txt y ejecuta solana sign-offchain-message "$(cat message.txt)" -k <tu archivo de claves>.\nNunca des a nadie tu frase semilla ni tu clave privada: yo nunca las pido.',
  "wallet.linked": "{address} quedó vinculada a ti en esta comunidad. /wallet list muestra tus wallets.",
  "wallet.alreadyLinked": "{address} ya está vinculada a ti aquí.",
  "wallet.listed": "Tus wallets aquí:",
  "wallet.list.header": "Tus wallets en esta comunidad ({count}):",
  "wallet.list.item": "• {address} (vinculada el {date})",
  "wallet.list.empty": "No has vinculado ninguna wallet aquí. /wallet link vincula una.",
  "wallet.unlinked": "{address} desvinculada.",
  "wallet.error.notLinked": "{address} no está vinculada a ti aquí. /wallet list muestra las tuyas.",
  "wallet.error.badAddress": "“{address}” no es una dirección de Solana (base58, de 32 a 44 caracteres).",
  "wallet.error.badSignature": "“{signature}” no es una firma en base58 (64 bytes, unos 88 caracteres).",
  "wallet.error.unknownAction": "No conozco “{action}”.\n{help}",
  "wallet.error.secretKey":
    "Alto: eso es la CLAVE PRIVADA de una wallet, no una firma. No la he guardado, pero quien la haya visto puede llevarse sus fondos: muévelos ya a una wallet nueva. Para vincular una wallet, firma el mensaje (/wallet help).",
  "wallet.error.unavailable": "Vincular wallets no está disponible aquí.",
  "wallet.rejected.malformed":
    "No puedo leer eso: la dirección debe ir en base58 (32 bytes) y la firma en base58 (64 bytes), del mensaje tal como te lo di.",
  "wallet.rejected.no_request":
    "No tienes ninguna vinculación pendiente aquí: empieza con /wallet link <dirección>.",
  "wallet.rejected.wrong_user":
    "Esa solicitud es de otra persona. Empieza la tuya con /wallet link <dirección>.",
  "wallet.rejected.nonce_used":
    "Ese mensaje ya se usó: cada uno vincula una sola vez. Empieza de nuevo con /wallet link <dirección>.",
  "wallet.rejected.nonce_expired":
    "Ese mensaje caducó (cada uno dura {minutes} minutos). Empieza de nuevo con /wallet link <dirección>.",
  "wallet.rejected.wrong_address":
    "Esa solicitud se hizo para otra wallet. Firma con la wallet que indicaste, o empieza de nuevo con /wallet link <dirección>.",
  "wallet.rejected.wrong_domain": "Ese mensaje se hizo para otro sitio. Firma solo el mensaje que yo te doy.",
  "wallet.rejected.message_mismatch": "Ese no es el mensaje que te di: fírmalo tal cual, sin cambios.",
  "wallet.rejected.bad_signature":
    "Esa firma no corresponde a mi mensaje y a la wallet {address}. Firma el mensaje exacto con esa wallet (/wallet help).",
  "wallet.rejected.already_linked_elsewhere": "{address} está vinculada a otro miembro de esta comunidad.",
  "wallet.rejected.rate_limited": "Demasiados intentos fallidos. Vuelve a intentarlo en {minutes} minutos.",

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

  "command.gate.description":
    "Accesos por token: un rol o el grupo para quien tenga un token; los fijan los admins",
  "arg.gate.action": "add, list, remove, audit o invite",
  "arg.gate.rest": "add: <mint> <cantidad mínima> [rol]; remove: <número>",
  "command.verify.description":
    "Comprueba tus wallets vinculadas frente a los accesos por token de esta comunidad",
  "gate.help":
    "Accesos por token (admins):\n/gate add <mint> <cantidad mínima> <rol> — en Discord, quien tenga el token recibe el rol\n/gate add <mint> <cantidad mínima> — en Telegram, el propio grupo\n/gate list — los accesos de aquí\n/gate remove <número>\n/gate audit — las últimas concesiones, retiradas y comprobaciones fallidas\n/gate invite — en Telegram, el enlace de solicitud para entrar\nAjustes: /config gate.recheck_hours (cada cuántas horas se revisa a todos) y gate.grace_hours (horas de gracia antes de retirar el acceso)\nLos miembros vinculan wallets con /wallet link y luego usan /verify.",
  "gate.rule": "quien tenga al menos {amount} de {mint} obtiene {target}",
  "gate.target.group": "este grupo",
  "gate.program.spl-token": "SPL Token",
  "gate.program.token-2022": "Token-2022",
  "gate.added": "Acceso #{id} creado: {gate} ({program}, {decimals} decimales, leídos de la cadena).",
  "gate.added.inviteHint":
    "Ahora se entra con un enlace de solicitud: créalo con /gate invite y compártelo en lugar del enlace habitual del grupo.",
  "gate.removed": "Acceso #{id} eliminado. Los roles que dio se quedan hasta que alguien los quite.",
  "gate.list.header": "Accesos por token aquí ({count} de {max}):",
  "gate.list.item": "#{id} — {gate} — {program}, {decimals} decimales — mint {mint}",
  "gate.list.empty":
    "Aún no hay accesos por token. Los admins añaden uno con /gate add <mint> <cantidad mínima> <rol> (sin rol en Telegram).",
  "gate.access.missing_manage_roles":
    "⚠️ Aún no puedo dar ni quitar {role}: mi rol no tiene el permiso Gestionar roles. Ajustes del servidor → Roles → mi rol → activa Gestionar roles.",
  "gate.access.role_above_bot":
    "⚠️ Aún no puedo dar ni quitar {role}: está a la altura de mi rol más alto o por encima. Ajustes del servidor → Roles → arrastra mi rol por encima de {role}.",
  "gate.access.role_managed":
    "⚠️ {role} lo gestiona una integración y nadie puede darlo a mano: elimina este acceso y elige otro rol.",
  "gate.access.bot_not_admin":
    "⚠️ Aún no puedo dejar entrar ni sacar a nadie de este grupo: hazme administrador con permiso para invitar y expulsar usuarios.",
  "gate.audit.header": "Últimas decisiones de acceso, la más reciente primero ({count}):",
  "gate.audit.empty":
    "Aún no hay nada en el registro: las decisiones aparecen cuando los miembros usan /verify.",
  "gate.audit.item": "{at} — {member} — {action} — acceso {gate} ({mint}) — {reason}{held}",
  "gate.audit.held": "; tenía {amount}",
  "gate.audit.baseUnits": "{amount} unidades base",
  "gate.audit.removedGate": "(eliminado)",
  "gate.audit.action.granted": "concedido",
  "gate.audit.action.removed": "retirado",
  "gate.audit.action.restored": "concedido de nuevo",
  "gate.audit.action.kept": "mantenido",
  "gate.audit.action.check_failed": "comprobación fallida",
  "gate.audit.action.denied": "no concedido",
  "gate.audit.action.grace": "periodo de gracia",
  "gate.reason.enough": "tiene suficiente",
  "gate.reason.short": "tiene demasiado poco",
  "gate.reason.no_wallet": "sin wallet vinculada",
  "gate.reason.rpc_error": "no se pudo leer la cadena; nada cambió, se comprobará más tarde",
  "gate.reason.platform_unavailable":
    "la plataforma de chat no respondió; nada cambió, se comprobará más tarde",
  "gate.reason.not_in_community": "no está en el servidor o grupo",
  "gate.reason.missing_manage_roles": "me falta el permiso Gestionar roles",
  "gate.reason.role_above_bot": "el rol está a la altura de mi rol más alto o por encima",
  "gate.reason.role_managed": "el rol lo gestiona una integración",
  "gate.reason.unknown_role": "el rol ya no existe",
  "gate.reason.bot_not_admin": "no soy administrador del grupo con permiso para invitar y expulsar usuarios",
  "gate.reason.join_window_passed": "la solicitud para unirse no se verificó a tiempo",
  "gate.join.needed": "al menos {amount} de {mint}",
  "gate.join.or": " o ",
  "gate.join.dm.link":
    "👋 Para unirte a {group}, vincula una billetera de Solana que tenga {needed}. Abre {link} en los próximos {minutes} minutos e inicia sesión con tu billetera; te dejaré entrar en cuanto se verifique. Tu solicitud sigue abierta {windowMinutes} minutos. Nunca te pediré tu frase semilla ni tu clave privada.",
  "gate.join.dm.short":
    "👋 Tus billeteras vinculadas tienen {held}; {group} pide {needed}. Vincula una billetera con suficiente en {link} (válido {minutes} minutos) y te dejaré entrar; o vuelve a pedir unirte cuando tengas suficiente. Tu solicitud sigue abierta {windowMinutes} minutos.",
  "gate.join.dm.noPage":
    "👋 {group} está abierto a quienes tengan {needed}, pero su página de verificación aún no está configurada, así que no puedo comprobar tu billetera. Pregunta a los administradores del grupo.",
  "gate.error.unknownAction": "No conozco «{action}».\n{help}",
  "gate.error.addHow":
    "Usa /gate add <mint> <cantidad mínima>, p. ej. /gate add DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263 1000.",
  "gate.error.addHowRole":
    "Usa /gate add <mint> <cantidad mínima> <rol>, p. ej. /gate add DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263 1000 @Holders.",
  "gate.error.noRoleHere": "Aquí el acceso es el propio grupo: /gate add <mint> <cantidad mínima>, sin rol.",
  "gate.error.badMint":
    "«{mint}» no es una dirección de Solana: da la dirección del mint del token (base58, 32–44 caracteres).",
  "gate.error.mintNotFound":
    "No hay ninguna cuenta en {mint} en Solana: revisa la dirección del mint. No se guardó nada.",
  "gate.error.notAMint":
    "{mint} no es un mint de token (puede ser una wallet o una cuenta de token): da la dirección del mint. No se guardó nada.",
  "gate.error.rpcDown":
    "No pude conectar con la red de Solana, así que no se guardó nada. Inténtalo de nuevo en un minuto.",
  "gate.error.platformDown":
    "Discord no respondió al comprobar el rol, así que no se guardó nada. Inténtalo de nuevo en un minuto.",
  "gate.error.amount.invalid":
    "«{amount}» no es una cantidad: escribe cifras con un punto decimal como mucho, p. ej. 1000 o 0.5.",
  "gate.error.amount.negative": "El mínimo no puede ser negativo.",
  "gate.error.amount.grouped": "Escribe «{amount}» sin separadores, p. ej. 1000000 o 1.5.",
  "gate.error.amount.tooPrecise": "{mint} tiene {decimals} decimales: «{amount}» tiene más.",
  "gate.error.amount.tooLarge": "«{amount}» es más de lo que una wallet puede tener de este token.",
  "gate.error.amount.zero": "El mínimo debe ser mayor que cero.",
  "gate.error.badRole": "«{role}» no es un rol: menciónalo (@Holders) o da su id.",
  "gate.error.unknownRole": "Este servidor no tiene ningún rol con el id {role}.",
  "gate.error.tooMany":
    "Esta comunidad ya tiene {limit} accesos: elimina uno primero (/gate remove <número>).",
  "gate.error.exists": "Ese acceso ya existe: #{id}. Elimínalo primero para cambiar su cantidad.",
  "gate.error.badId": "«{id}» no es un número de acceso: /gate list los muestra, p. ej. /gate remove 3.",
  "gate.error.notFound": "Aquí no hay ningún acceso #{id}: /gate list muestra los de esta comunidad.",
  "gate.error.groupsOnly":
    "Los accesos por token son para grupos y servidores: créalos allí, no en un chat privado.",
  "gate.error.unavailable": "Los accesos por token no están disponibles aquí.",
  "gate.invite.link":
    "Enlace de solicitud para este grupo: {url}\nCompártelo en lugar del enlace habitual. Cuando alguien lo use, dejaré entrar al momento a quienes tengan el token ({gates}) y enviaré a los demás un enlace privado para verificar una billetera; las solicitudes no verificadas en {minutes} minutos se rechazan.",
  "gate.invite.name": "Poseedores del token",
  "gate.error.telegramDown":
    "Telegram no respondió, así que no se creó ningún enlace. Inténtalo de nuevo en un minuto.",
  "gate.error.inviteNoGate":
    "Este grupo aún no tiene acceso por token: añade uno con /gate add <mint> <cantidad mínima>.",
  "gate.error.inviteTelegramOnly":
    "/gate invite es para grupos de Telegram, donde se entra con un enlace; en Discord, quienes tengan el token reciben el rol con /verify.",
  "verify.error.groupsOnly": "Usa /verify en el grupo o servidor cuyos accesos quieres pasar.",
  "verify.none": "Esta comunidad no tiene accesos por token.",
  "verify.noWallet": "Aún no has vinculado ninguna wallet aquí: usa /wallet link y luego /verify otra vez.",
  "verify.wallets": "Tus wallets vinculadas aquí ({count}): {wallets}.",
  "verify.status.qualifies": "✅ Acceso #{id} ({target}): tienes {held}; hacen falta {needed}.",
  "verify.status.qualifiesAtLeast":
    "✅ Acceso #{id} ({target}): tienes al menos {held}; hacen falta {needed}.",
  "verify.status.short": "❌ Acceso #{id} ({target}): tienes {held}; hacen falta {needed}.",
  "verify.status.unknown":
    "⏳ Acceso #{id} ({target}): no pude leer la cadena ahora mismo; hacen falta {needed}.",
  "verify.effect.granted": "Rol concedido.",
  "verify.effect.removed": "Rol retirado.",
  "verify.effect.grace":
    "Conservas el acceso hasta {until}; vuelve a tener suficiente antes para mantenerlo.",
  "verify.effect.later": "La plataforma de chat no respondió; lo intentaré de nuevo en breve.",
  "verify.effect.adminFix":
    "No puedo cambiar este rol: un admin debe arreglar mis permisos (/gate audit explica cómo).",
  "verify.effect.notInCommunity": "No eres miembro de aquí.",
  "verify.retrying": "No se te quitó nada: lo comprobaré de nuevo en unos minutos.",

  "value.on": "activado",
  "value.off": "desactivado",
  "value.onWords": "sí, si, activar, activo, encendido",
  "value.offWords": "no, desactivar, inactivo, apagado",

  "setting.allowed.switch": "activado | desactivado",
  "setting.allowed.days": "{min}-{max} días",
  "setting.allowed.hours": "{min}-{max} horas",
  "setting.allowed.seconds": "{min}-{max} segundos",
  "setting.allowed.perMinute": "{min}-{max} comandos por minuto",
  "setting.allowed.languages": "{languages}",
  "setting.allowed.tokenBudget": "0 (sin límite) a {max} tokens de modelo por día",
  "setting.allowed.models": "{models}",
  "setting.allowed.layouts": "{layouts} (varios separados por comas, p. ej. classic,panels)",
  "setting.allowed.tags":
    "hasta {max} etiquetas de plantilla separadas por comas (p. ej. pump,hodl), o - para ninguna",
  "setting.allowed.watermark": "un texto de {max} caracteres como máximo, u off",
};

export default {
  code: "es",
  // Spain and Latin America: Discord offers both, and both get these texts.
  discordLocales: ["es-ES", "es-419"],
  telegramLanguageCode: "es",
  messages,
} satisfies LanguagePack;
