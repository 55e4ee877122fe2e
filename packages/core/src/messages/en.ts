// Every word the bot says, in English. Other languages copy this object's keys
// (the `Messages` type makes a missing key a compile error). `{name}` marks a parameter.
import type { LanguagePack } from "./index.ts";

const en = {
  "command.start.description": "Say hello and see what I can do",
  "command.help.description": "List the commands you can use",
  "command.meme.description": "Make a meme picture about a topic",
  "command.config.description": "Show or change this community's bot settings",
  "command.usage.description": "Show this community's model usage and token budget (admins)",
  "arg.meme.topic": "What the meme is about",
  "command.caption.description": "Put meme captions on your own picture: /caption top | bottom",
  "arg.caption.text": "The captions: top | bottom",
  "arg.caption.picture": "The picture to caption",
  "command.imagine.description":
    "Write an image prompt for an idea (and draw it when an image server is set up)",
  "arg.imagine.idea": "What the picture should show",
  "arg.config.key": "Setting name, e.g. language",
  "arg.config.value": "New value (admins only)",
  "command.persona.description": "Show or shape the bot's persona in this community",
  "arg.persona.action": "show, set, import or reset",
  "arg.persona.rest": "show: a field; set: <field> <value>; import: the persona as JSON",
  "arg.persona.file": "A persona .json file to import (admins only)",
  "command.template.description": "See this community's meme templates; admins add and remove their own",
  "arg.template.action": "list, add or remove",
  "arg.template.rest": "add: <name> [classic | caption-bar | boxes] [description]; remove: <name>",
  "arg.template.picture": "The template's picture, for /template add (admins only)",
  "command.track.description": "See the tokens this community's chatter is tracked for; admins change them",
  "arg.track.action": "list, add, remove or purge",
  "arg.track.rest": "add: <symbol> [mint] [aliases…]; remove: <symbol>",
  "command.sentiment.description": "How a tracked token's chatter feels: score, trend, quotes and a chart",
  "arg.sentiment.token": "A tracked token, e.g. $BONK (every tracked token if left out)",
  "arg.sentiment.window": "1h, 6h, 24h or 7d (24h if left out)",
  "command.alert.description": "Alerts when a token's chatter mood or volume swings; admins set them",
  "arg.alert.action": "sentiment, volume, list or remove",
  "arg.alert.token": "A tracked token, e.g. $BONK, or all (remove: the alert's number)",
  "arg.alert.change": "sentiment: drop or rise and points, e.g. drop 20; volume: times, e.g. 3x",
  "arg.alert.window": "1h, 6h, 24h or 7d",

  "start.greeting":
    "gm {name}! I'm the community's meme bot. Try /meme <topic> for a fresh meme, or /help for everything I can do.",
  "help.header": "Commands you can use here:",
  "help.line": "/{usage} — {description}",
  "help.adminNote": "You are an admin here: /config <key> <value> changes a setting.",

  "meme.offlineReason.not_configured": "no model endpoint is configured",
  "meme.offlineReason.unavailable": "the model endpoint did not answer",
  "meme.offlineReason.invalid_response": "the model's answer was unusable",
  "meme.offlineReason.over_budget": "this community has used up today's model budget",
  "meme.offlineCaption":
    "{caption}\n(offline meme: {reason}; picked and written by the built-in engine, not the AI model)",
  "meme.again.button": "🔁 Another one",
  "meme.again.notFound": "I can't find that meme to roll again here. Try /meme <topic>.",
  "meme.again.nothingYet": "You haven't made a meme here yet: try /meme <topic> first.",
  "caption.error.empty": "Write the captions after the command: /caption top text | bottom text",
  "caption.error.tooLong": "Each caption may be at most {max} characters.",
  "caption.error.noPicture": "Send /caption with a picture attached, or as a reply to a picture.",
  "caption.error.noFiles": "/caption needs a picture, and pictures can't be sent here.",
  "picture.problem.not_image": "That file isn't a picture I can read (JPEG, PNG, WebP or GIF).",
  "picture.problem.corrupt": "That picture seems to be damaged: I couldn't read it.",
  "picture.problem.too_large": "That picture is too large (the limit is {limit}).",
  "picture.problem.text_too_long": "The text for “{box}” is too long: at most {limit} characters.",
  "picture.problem.box_outside": "The text box “{box}” falls outside the picture.",
  "picture.problem.template_invalid": "That template can't be used any more; try another.",

  "imagine.prompts": "Image prompt for: {idea}\n\nPrompt:\n{prompt}\n\nNegative prompt:\n{negativePrompt}",
  "imagine.pasteHint":
    "(No image server is set up here: paste these into Stable Diffusion, Flux or any image generator.)",
  "imagine.caption": "{idea}\n\nPrompt: {prompt}",
  "imagine.pictureFailed":
    "(The picture could not be made: {reason}. Here are the prompts to paste instead.)",
  "imagine.failure.unavailable": "the image server is unreachable or busy",
  "imagine.failure.timeout": "the image server took too long",
  "imagine.failure.refused": "the image server refused this prompt",
  "imagine.failure.bad_response": "the image server's answer was not a usable picture",
  "imagine.offlineLabel":
    "(offline engine: {reason}; this prompt was built from templates, not written by the AI model)",
  "imagine.blocked.idea":
    "I can't draw that: the idea uses a word this community keeps out of image prompts. Try another idea!",
  "imagine.blocked.prompt":
    "I couldn't write a prompt for that without words this community keeps out of image prompts, so no picture this time. Try another idea!",

  "conversation.offline.1":
    "{name} here, on the offline engine ({reason}), so no real answer from me right now. Try me again in a bit!",
  "conversation.offline.2":
    "Offline engine speaking ({reason}): {name} can't think straight right now. Ask again later, ser.",
  "conversation.offline.3":
    "(offline engine: {reason}) {name} is out touching grass; back with proper answers soon.",
  "conversation.offlineReason.not_configured": "no model is set up for chatting",
  "conversation.offlineReason.unavailable": "the model did not answer",
  "conversation.offlineReason.invalid_response": "the model's answer could not be posted",
  "conversation.offlineReason.over_budget": "this community's daily model budget is spent",
  "conversation.failed":
    "Sorry, I couldn't answer that one: something failed on our side. Try me again in a minute.",
  "conversation.authorLimited":
    "You've sent me a lot of messages in the last few minutes, so I'll pause our chat for a bit. Commands still work.",

  "config.header": "Settings for this community:",
  "config.line": "{key} = {value}  ({allowed})",
  "config.footer": "Admins change one with /config <key> <value>.",
  "config.updated": "{key} is now {value}.",
  "config.unchanged": "{key} is already {value}.",

  "usage.header": "Model usage in this community, by task and model:",
  "usage.period.day": "Last 24 hours:",
  "usage.period.month": "Last 30 days:",
  "usage.row":
    "• {task} · {model} — calls: {calls}, tokens in/out: {tokensIn}/{tokensOut}, answered offline: {offline}, {latency}",
  "usage.latency": "average answer time: {ms} ms",
  "usage.noLatency": "no model answer",
  "usage.more": "…and {count} more",
  "usage.noCallsInPeriod": "No model calls.",
  "usage.noCalls":
    "No model calls yet in this community: they appear here once /meme and other AI tasks run.",
  "usage.budget": "Daily token budget: {spent} of {budget} tokens spent today (UTC), {percent}.",
  "usage.budgetSpent":
    "Daily token budget: {spent} of {budget} tokens spent today (UTC): used up, so AI tasks answer offline until midnight UTC.",
  "usage.noBudget":
    "Daily token budget: none (admins set one with /config token_budget <tokens>). Tokens spent today (UTC): {spent}.",

  "persona.header": "The bot's persona in this community:",
  "persona.headerDefault": "The bot's persona in this community (the default):",
  "persona.line": "{label}: {value}",
  "persona.label.name": "Name",
  "persona.label.bio": "Bio",
  "persona.label.style": "Speaking style",
  "persona.label.topics": "Topics",
  "persona.label.examples": "Example exchanges",
  "persona.label.avoid": "Words to avoid",
  "persona.none": "(none)",
  "persona.example": "• {user} → {bot}",
  "persona.more": "…and {count} more: /persona show {field}",
  "persona.shortened": "(shortened: {count} more not shown; a message here holds at most {limit} characters)",
  "persona.footer":
    "Admins change it with /persona set <field> <value>, /persona import <json> or /persona reset.",
  "persona.help":
    "How to use /persona:\n/persona — show the persona\n/persona show <field> — show one field in full\n/persona set <field> <value> — change one field (admins)\n/persona import <json> — replace the whole persona, or attach a .json file (admins)\n/persona reset — back to the default (admins)\nFields: {fields}.",
  "persona.updated": "Persona updated: {field} changed.",
  "persona.unchanged": "{field} already says that: nothing changed.",
  "persona.imported": "Persona imported: I am {name} now.",
  "persona.wasReset": "Persona reset to the default.",
  "persona.hint.name": "Example: /persona set name Pepe the Degen",
  "persona.hint.text": "Example: /persona set {field} <text>. “-” clears it.",
  "persona.hint.list":
    "Separate items with commas, e.g. /persona set {field} memes, gm, cats. “-” clears the list.",
  "persona.hint.examples":
    "Write each exchange as “user text => bot text”, several separated by “;”, e.g. /persona set examples gm => gm ser; wen moon? => soon™. “-” clears them.",
  "persona.type.text": "text",
  "persona.type.list": 'a list of texts, like ["memes", "gm"]',
  "persona.type.examples": 'a list of exchanges, like [{"user": "gm", "bot": "gm ser"}]',
  "persona.type.example": 'an exchange, like {"user": "gm", "bot": "gm ser"}',
  "persona.type.object": "a JSON object",
  "persona.unsafe.link": "a link",
  "persona.unsafe.domain": "a domain name",
  "persona.unsafe.mention": "a mention",
  "persona.unsafe.handle": "an @handle",
  "persona.unsafe.address": "a wallet address",
  "persona.error.unknownAction": "I don't know “{action}”.\n{help}",
  "persona.error.unknownField": "There is no persona field called “{field}”. Fields: {fields}.",
  "persona.error.missingValue": "Give a value for {field}. {hint}",
  "persona.error.badExample": "Exchange {number} must look like “user text => bot text”.",
  "persona.error.several": "That persona can't be saved:\n{problems}",
  "persona.error.empty": "{field} can't be empty.",
  "persona.error.missing": "{field} is missing.",
  "persona.error.tooLong": "{field} is too long: at most {max} characters.",
  "persona.error.tooMany": "{field} has too many items: at most {max}.",
  "persona.error.wrongType": "{field} must be {expected}.",
  "persona.error.invalidText": "{field} must be plain text.",
  "persona.error.unsafe":
    "{field} can't contain {kind}: the bot never posts links, domains, @handles, mentions or wallet addresses.",
  "persona.error.unknownJsonField": "“{field}” is not a persona field. Fields: {fields}.",
  "persona.error.unknownExampleField": "{field} is not allowed: an exchange has only “user” and “bot”.",
  "persona.error.notObject": 'The persona must be a JSON object, like {"name": "Pepe", "topics": ["memes"]}.',
  "persona.error.json":
    "That isn't valid JSON (line {line}, column {column}). Check the quotes, commas and brackets.",
  "persona.error.jsonUnreadable": "That isn't valid JSON. Check the quotes, commas and brackets.",
  "persona.error.importEmpty":
    "Put the persona as JSON after /persona import, or attach a .json file to the command.",
  "persona.error.importEmptyConsole":
    "Put the persona as JSON after /persona import (the console cannot attach files).",
  "persona.error.fileTooLarge": "That file is too large: a persona file may be at most {max} KB.",
  "persona.error.fileUnavailable": "I couldn't download that file. Please try again.",
  "persona.error.fileNotText": "That file isn't JSON text (UTF-8).",

  "template.help":
    "How to use /template:\n/template list — see every template (a picture of them all)\n/template add <name> [layout] [description] — add the picture you attach or reply to (admins)\n/template remove <name> — remove one of this community's templates (admins)\nLayouts: classic (top and bottom text, the default), caption-bar (one caption above the picture), or your own boxes in percent of the picture as id:x,y,width,height, e.g. top:0,0,100,20 bottom:0,80,100,20.\nNames: lower-case letters, digits and dashes, at most 32.",
  "template.added":
    "Template “{name}” added ({width}×{height}, {layout}). This community has {count} of its own now.",
  "template.removed": "Template “{name}” removed.",
  "template.list.header": "{total} templates: {starters} starters and {own} of this community's own.",
  "template.list.starters": "Starters (art with Twemoji graphics, CC-BY 4.0): {names}",
  "template.list.own": "This community's: {names}",
  "template.list.noneOwn":
    "This community has none of its own yet: admins add one with /template add <name> and a picture.",
  "template.list.sheetFailed": "(I couldn't draw the picture of them this time.)",
  "template.list.sheetTitle": "Meme templates ({count})",
  "template.list.sheetStarters": "Starters ({count})",
  "template.list.sheetOwn": "This community's own ({count})",
  "template.error.unknownAction": "I don't know “{action}”.\n{help}",
  "template.error.badName":
    "“{name}” can't be a template name: use lower-case letters, digits and dashes (at most 32), starting with a letter or digit.",
  "template.error.noPicture":
    "Attach the template's picture to the command, or reply to a picture with /template add {name}.",
  "template.error.noPictureConsole":
    "The console cannot attach pictures: add templates from Telegram or Discord.",
  "template.error.badBox":
    "“{box}” isn't a box: write id:x,y,width,height in percent of the picture, e.g. top:0,0,100,20.",
  "template.error.duplicateBox": "Two boxes are called “{box}”: each box needs its own name.",
  "template.error.tooManyBoxes": "Too many boxes: at most {max}.",
  "template.error.descriptionTooLong": "The description is too long: at most {max} characters.",
  "template.error.notFound":
    "This community has no template called “{name}” (starter templates can't be removed). /template list shows them all.",
  "template.error.unavailable": "Templates can't be changed here.",
  "template.error.starter": "“{name}” is one of the starter templates: pick another name.",
  "template.error.exists":
    "This community already has a template called “{name}”: remove it first, or pick another name.",
  "template.error.tooMany": "This community has {limit} templates, the most it can keep: remove one first.",
  "template.error.tooLarge":
    "That picture doesn't fit: this community's templates may take {limit} MB together and {used} MB are used. Remove one, or send a smaller picture.",
  "template.error.fileUnavailable": "I couldn't download that picture. Please send it again.",
  "track.help":
    "How to use /track:\n/track list — the tokens this community tracks\n/track add <symbol> [mint] [aliases…] — track a token, or change one (admins)\n/track remove <symbol> — stop tracking it (admins)\n/track purge — delete all of this community's stored chatter (admins)\nAliases are words separated by spaces, or phrases separated by commas: /track add BONK bonk, bonk inu.\nChatter is read only while /config sentiment is on.",
  "track.added": "Now tracking ${symbol}.",
  "track.updated": "Updated ${symbol}.",
  "track.removed": "Stopped tracking ${symbol}.",
  "track.purged": "Deleted {count} stored messages of this community's chatter.",
  "track.list.header": "Tokens tracked here ({count}):",
  "track.list.item": "• ${symbol}",
  "track.list.mint": "mint {mint}",
  "track.list.aliases": "aliases: {aliases}",
  "track.list.empty":
    "This community tracks no tokens yet. Admins add one with /track add <symbol> [mint] [aliases…].",
  "track.list.trackingOff": "Chatter tracking is off here: admins turn it on with /config sentiment on.",
  "track.error.unknownAction": "I don't know “{action}”.\n{help}",
  "track.error.badSymbol":
    "“{symbol}” isn't a token symbol: 2 to 10 letters or digits, starting with a letter (e.g. BONK).",
  "track.error.badAlias": "“{alias}” can't be an alias: 2 to 32 characters, with at least one letter.",
  "track.error.tooManyAliases": "Too many aliases: at most {max}.",
  "track.error.notFound": "This community doesn't track ${symbol}.",
  "track.error.tooMany": "This community tracks {limit} tokens, the most it can: remove one first.",
  "track.error.unavailable": "Token tracking isn't available here.",
  "command.digest.description": "A daily sentiment digest with its chart, at an hour admins choose",
  "arg.digest.action": "on or off (when the next digest comes if left out)",
  "arg.digest.hour": "on: the local hour it comes, 0-23",
  "arg.digest.zone": "on: a time zone, e.g. Europe/Berlin (UTC if left out)",
  "digest.help":
    "How to use /digest:\n/digest — when the daily sentiment digest comes\n/digest on <hour 0-23> [time zone] — post the last 24 hours' sentiment and chart here every day from that hour, e.g. /digest on 9 Europe/Berlin (admins; UTC if no zone is given)\n/digest off — stop it (admins)",
  "digest.none":
    "No daily sentiment digest here. Admins start one with /digest on <hour 0-23> [time zone], e.g. /digest on 9 Europe/Berlin.",
  "digest.status.on":
    "Daily sentiment digest: every day at {time} ({zone}), posted where /digest on was used.",
  "digest.status.off":
    "The daily sentiment digest is off (it was at {time}, {zone}). Admins switch it on again with /digest on <hour> [time zone].",
  "digest.switchedOn": "Daily sentiment digest on: every day at {time} ({zone}), posted here.",
  "digest.switchedOff": "Daily sentiment digest off.",
  "digest.alreadyOff": "There is no daily sentiment digest on here.",
  "digest.nextLine": "Next: {next}.",
  "digest.next": "{day} at {time} (in {wait})",
  "digest.next.soon": "within a few minutes",
  "digest.day.today": "today",
  "digest.day.tomorrow": "tomorrow",
  "digest.in.minutes": "{minutes} min",
  "digest.in.hours": "{hours} h {minutes} min",
  "digest.post.header": "Daily sentiment digest, {date}",
  "digest.post.quiet":
    "Daily sentiment digest, {date}: a quiet day, with fewer than {min} scored messages in the last 24h.",
  "digest.error.unknownAction": "I don't know “{action}”.\n{help}",
  "digest.error.badHour":
    "“{hour}” isn't an hour: give a whole hour from 0 to 23, e.g. /digest on 9 Europe/Berlin.",
  "digest.error.badZone":
    "“{zone}” isn't a time zone I know: use a name like Europe/Berlin, America/New_York or UTC.",
  "digest.error.private": "Digests are for group chats, where chatter is read: use /digest on in the group.",
  "digest.error.noChannel":
    "I can't tell which channel this is, so I'd have nowhere to post. Use /digest on in a server channel.",
  "digest.error.unavailable": "Daily digests aren't available here.",
  "sentiment.subject.token": "${symbol}",
  "sentiment.subject.all": "this community's tokens",
  "sentiment.report.header": "Sentiment of {subject}, last {window}: {score} ({mood})",
  "sentiment.mood.bullish": "bullish",
  "sentiment.mood.bearish": "bearish",
  "sentiment.mood.neutral": "neutral",
  "sentiment.report.change": "Change against the {window} before: {change}",
  "sentiment.report.noChange": "Too little chatter in the {window} before to compare.",
  "sentiment.report.shares": "Bullish {bullish}% · bearish {bearish}% · neutral {neutral}% of messages",
  "sentiment.report.counts": "{messages} messages from {authors} people (each person counts as one voice)",
  "sentiment.report.quotes.bullish": "Bullish voices:",
  "sentiment.report.quotes.bearish": "Bearish voices:",
  "sentiment.report.quote": "• “{quote}”",
  "sentiment.report.chartFailed": "(This time I couldn't draw the chart.)",
  "sentiment.chart.title": "Sentiment of {subject}, last {window}",
  "sentiment.chart.sentiment": "Sentiment (−100 to 100)",
  "sentiment.chart.messages": "Messages",
  "sentiment.notEnough":
    "Not enough chatter yet about {subject} in the last {window} (fewer than {min} scored messages). Admins turn chatter tracking on with /config sentiment on; /track list shows the tokens followed.",
  "sentiment.error.badWindow": "“{window}” isn't a window: use 1h, 6h, 24h or 7d (24h if left out).",
  "sentiment.error.badToken": "“{token}” is neither a token symbol nor a window. Try /sentiment $BONK 24h.",
  "sentiment.error.twice": "Give one token and one window at most, e.g. /sentiment $BONK 24h.",
  "sentiment.error.unknownToken":
    "This community doesn't track ${symbol}. Tracked here: {tracked}. /track list shows them.",
  "sentiment.error.noTokens":
    "This community doesn't track ${symbol}: it tracks no tokens yet. Admins add one with /track add <symbol>; /track list shows them.",
  "sentiment.error.unavailable": "Sentiment reports aren't available here.",
  "alert.help":
    "How to use /alert:\n/alert list — this community's alerts\n/alert sentiment <$TOKEN|all> <drop|rise> <points> <window> — when the mood moves that many points (1–200) against the window before, e.g. /alert sentiment $BONK drop 20 6h (admins)\n/alert volume <$TOKEN|all> <times> <window> — when there are that many times (1.5–100) the messages of the window before, e.g. /alert volume $BONK 3x 1h (admins)\n/alert remove <number> — delete an alert (admins)\nWindows: 1h, 6h, 24h, 7d. I post here once each time an alert crosses, and again only after it has cleared.",
  "alert.added": "Alert #{id} set: {alert}. I'll post here once each time it crosses.",
  "alert.exists": "That alert is already set: #{id}.",
  "alert.removed": "Alert #{id} removed.",
  "alert.rule.sentiment.drop":
    "sentiment of {subject} falls {points} points or more over {window}, against the {window} before",
  "alert.rule.sentiment.rise":
    "sentiment of {subject} rises {points} points or more over {window}, against the {window} before",
  "alert.rule.volume": "messages about {subject} reach {times}× those of the {window} before, over {window}",
  "alert.list.header": "Alerts here ({count} of {max}):",
  "alert.list.item": "#{id} — {alert}",
  "alert.list.fired": "fired {count}×",
  "alert.list.crossed": "crossed now, waiting for it to clear",
  "alert.list.untracked": "${symbol} isn't tracked any more (/track add {symbol})",
  "alert.list.empty":
    "No alerts here yet. Admins set one, e.g. /alert sentiment $BONK drop 20 6h or /alert volume all 3x 1h.",
  "alert.post.sentiment.drop":
    "🔻 Alert #{id}: sentiment of {subject} fell {amount} points over the last {window}: {score} now, {previous} in the {window} before. (Set for a fall of {points} or more.)",
  "alert.post.sentiment.rise":
    "🔺 Alert #{id}: sentiment of {subject} rose {amount} points over the last {window}: {score} now, {previous} in the {window} before. (Set for a rise of {points} or more.)",
  "alert.post.volume":
    "📈 Alert #{id}: {messages} messages about {subject} in the last {window}, {ratio}× the {previous} of the {window} before. (Set for {times}× or more.)",
  "alert.post.volume.fromQuiet":
    "📈 Alert #{id}: {messages} messages about {subject} in the last {window}, after only {previous} in the {window} before. (Set for {times}× or more.)",
  "alert.post.more": "{command} shows the whole picture.",
  "alert.error.unknownAction": "I don't know “{action}”.\n{help}",
  "alert.error.sentimentHow":
    "Say what to watch: /alert sentiment <$TOKEN|all> <drop|rise> <points> <window>, e.g. /alert sentiment $BONK drop 20 6h.",
  "alert.error.volumeHow":
    "Say what to watch: /alert volume <$TOKEN|all> <times> <window>, e.g. /alert volume $BONK 3x 1h.",
  "alert.error.removeHow":
    "Which alert? /alert remove <number>, e.g. /alert remove 12; /alert list shows the numbers.",
  "alert.error.badToken": "“{token}” isn't a token: give a tracked token such as $BONK, or all.",
  "alert.error.badDirection":
    "“{direction}” isn't a direction: use drop or rise, e.g. /alert sentiment $BONK drop 20 6h.",
  "alert.error.badPoints":
    "“{points}” isn't a number of points: use a whole number from {min} to {max}, e.g. drop 20.",
  "alert.error.badTimes": "“{times}” isn't a multiple: use a number from {min} to {max}, e.g. 3 or 3x.",
  "alert.error.badWindow": "“{window}” isn't a window: use 1h, 6h, 24h or 7d.",
  "alert.error.badId": "“{id}” isn't an alert number: /alert list shows them, e.g. /alert remove 12.",
  "alert.error.notFound": "There is no alert #{id} here: /alert list shows this community's alerts.",
  "alert.error.tooMany":
    "This community has {limit} alerts, the most it can: remove one first with /alert remove <number>.",
  "alert.error.unknownToken":
    "This community doesn't track ${symbol}. Tracked here: {tracked}. Set the alert on one of them, or on all.",
  "alert.error.noTokens":
    "This community doesn't track ${symbol}: it tracks no tokens yet. Admins add one with /track add <symbol>, or set the alert on all.",
  "alert.error.groupsOnly": "Alerts watch a group's chatter: set them in the group, not in a private chat.",
  "alert.error.noChannel":
    "I can't tell which channel this is, so I'd have nowhere to post. Use /alert in a server channel.",
  "alert.error.unavailable": "Alerts aren't available here.",
  "template.problem.not_image": "That file isn't a picture: send a JPEG, PNG or WebP image.",
  "template.problem.corrupt": "That picture is damaged and can't be read: send it again or try another.",
  "template.problem.too_large": "That picture is too large: at most {limit}.",
  "template.problem.file_too_large": "That file is too large: a template picture may be at most {max} MB.",
  "template.problem.box_outside":
    "The box “{box}” reaches outside the picture: keep every box within 0–100 %.",
  "template.problem.invalid": "Those boxes can't make a template: {detail}.",

  "command.wallet.description": "Link your Solana wallets by signing a message; list or unlink them",
  "arg.wallet.action": "link, verify, list, unlink or help",
  "arg.wallet.rest": "link: [address]; verify: <address> <signature> [nonce]; unlink: <address>",
  "wallet.help":
    "How to use /wallet:\n/wallet link — a page where your wallet (Phantom, Solflare, Backpack…) signs you in\n/wallet link <address> — a message to sign with your own tool\n/wallet verify <address> <signature> — paste the base58 signature of that message\n/wallet list — your wallets in this community\n/wallet unlink <address> — remove one\nSigning proves you hold the wallet: no transaction, no fee. Never give anyone your seed phrase or private key; I never ask for them.",
  "wallet.link.page":
    "Open this link within {minutes} minutes and approve the sign-in in your wallet (Phantom, Solflare, Backpack…):\n{link}\nIt works once and only for you: don't share it.\nNo browser wallet? Send /wallet link <address> for a message to sign with your own tool.",
  "wallet.link.noPage":
    "Send /wallet link <address> with your wallet's address: I'll give you a message to sign with it, then /wallet verify links it.",
  "wallet.link.notHere":
    "I won't post a sign-in link in a group: anyone could open it. Send /wallet link <address> instead: the message to sign is safe to show, only your wallet can sign it and only you can use it.",
  "wallet.link.message":
    'Sign this message with the wallet {address}, exactly as it is, within {minutes} minutes:\n\n{message}\n\nThen send /wallet verify {address} <signature> with the signature in base58.\nSolana CLI: save the message as message.txt and run solana sign-offchain-message "$(cat message.txt)" -k <your keypair file>.\nNever give anyone your seed phrase or private key: I never ask for them.',
  "wallet.linked": "Linked {address} to you in this community. /wallet list shows your wallets.",
  "wallet.alreadyLinked": "{address} is already linked to you here.",
  "wallet.listed": "Your wallets here:",
  "wallet.list.header": "Your wallets in this community ({count}):",
  "wallet.list.item": "• {address} (linked {date})",
  "wallet.list.empty": "You haven't linked a wallet here. /wallet link links one.",
  "wallet.unlinked": "Unlinked {address}.",
  "wallet.error.notLinked": "{address} isn't linked to you here. /wallet list shows yours.",
  "wallet.error.badAddress": "“{address}” isn't a Solana address (base58, 32 to 44 characters).",
  "wallet.error.badSignature": "“{signature}” isn't a base58 signature (64 bytes, about 88 characters).",
  "wallet.error.unknownAction": "I don't know “{action}”.\n{help}",
  "wallet.error.secretKey":
    "Stop: that is a wallet's PRIVATE KEY, not a signature. I didn't keep it, but anyone who saw it can take that wallet's funds: move them to a new wallet now. To link a wallet, sign the message instead (/wallet help).",
  "wallet.error.unavailable": "Wallet linking isn't available here.",
  "wallet.rejected.malformed":
    "I can't read that: the address must be base58 (32 bytes) and the signature base58 (64 bytes), of the message exactly as I gave it.",
  "wallet.rejected.no_request":
    "You have no wallet link to complete here: start with /wallet link <address>.",
  "wallet.rejected.wrong_user":
    "That link request is someone else's. Start your own with /wallet link <address>.",
  "wallet.rejected.nonce_used":
    "That message was used already: each one links once. Start again with /wallet link <address>.",
  "wallet.rejected.nonce_expired":
    "That message expired (each lasts {minutes} minutes). Start again with /wallet link <address>.",
  "wallet.rejected.wrong_address":
    "That request was made for another wallet. Sign with the wallet you named, or start again with /wallet link <address>.",
  "wallet.rejected.wrong_domain": "That message was made for another site. Sign only the message I give you.",
  "wallet.rejected.message_mismatch":
    "That isn't the message I gave you: sign it exactly as it is, unchanged.",
  "wallet.rejected.bad_signature":
    "That signature doesn't match my message and the wallet {address}. Sign the exact message with that wallet (/wallet help).",
  "wallet.rejected.already_linked_elsewhere": "{address} is linked to another member of this community.",
  "wallet.rejected.rate_limited": "Too many failed attempts. Try again in {minutes} minutes.",

  "job.failed": "Sorry, that /{command} failed on our side. Please try again in a minute.",

  "error.unknownCommand": "I don't know /{command}. Send /help to see what I can do.",
  "error.notACommand": "I answer commands. Send /help to see them.",
  "error.unsupportedMessage": "I can't read that kind of message. Send a command such as /help.",
  "error.commandDisabled": "/{command} is switched off in this community.",
  "error.usage": "{problem}\nUsage: /{usage}",
  "error.missingArgument": "Missing <{arg}>.",
  "error.tooLong": "<{arg}> is too long: at most {max} characters.",
  "error.tooManyArguments": "Too many arguments.",
  "error.invalidText": "<{arg}> must be plain text.",
  "error.adminOnly": "Only admins of this community can do that ({permission}).",
  "error.unknownSetting": "There is no setting called “{key}”. Settings: {keys}.",
  "error.invalidSetting": "“{value}” is not a valid value for {key}. Allowed: {allowed}.",
  "error.settingLocked": "/{command} can't be switched off: it is how admins manage the bot.",
  "error.cooldown": "Easy there! You can use /{command} again in {seconds}s.",
  "error.rateLimited": "This community is sending commands too fast. Try again in {seconds}s.",
  "error.userRateLimited": "You are sending commands too fast. Try again in {seconds}s.",
  "error.internal": "Something went wrong on our side. Please try again.",

  "permission.telegram": "Telegram chat administrators",
  "permission.discord": "members with the Manage Server permission",
  "permission.console": "the local admin",

  "command.gate.description": "Token gates: a role or the group for holders of a token; admins set them",
  "arg.gate.action": "add, list, remove, audit or invite",
  "arg.gate.rest": "add: <mint> <min amount> [role]; remove: <gate number>",
  "command.verify.description": "Check your linked wallets against this community's token gates",
  "gate.help":
    "Token gates (admins):\n/gate add <mint> <min amount> <role> — on Discord, holders get the role\n/gate add <mint> <min amount> — on Telegram, the group itself\n/gate list — the gates here\n/gate remove <number>\n/gate audit — the latest grants, removals and failed checks\n/gate invite — on Telegram, the join-request link to the group\nSettings: /config gate.recheck_hours (how often everyone is checked again) and gate.grace_hours (hours before a short holder loses access)\nMembers link wallets with /wallet link, then use /verify.",
  "gate.rule": "holders of at least {amount} of {mint} get {target}",
  "gate.target.group": "this group",
  "gate.program.spl-token": "SPL Token",
  "gate.program.token-2022": "Token-2022",
  "gate.added": "Gate #{id} set: {gate} ({program}, {decimals} decimals, read from the chain).",
  "gate.added.inviteHint":
    "Members now join through a join-request link: make one with /gate invite and share it instead of the group's usual link.",
  "gate.removed": "Gate #{id} removed. Roles it gave stay until someone takes them away.",
  "gate.list.header": "Token gates here ({count} of {max}):",
  "gate.list.item": "#{id} — {gate} — {program}, {decimals} decimals — mint {mint}",
  "gate.list.empty":
    "No token gates here yet. Admins add one with /gate add <mint> <min amount> <role> (no role on Telegram).",
  "gate.access.missing_manage_roles":
    "⚠️ I can't give or take {role} yet: my role lacks the Manage Roles permission. Server Settings → Roles → my role → turn on Manage Roles.",
  "gate.access.role_above_bot":
    "⚠️ I can't give or take {role} yet: it sits at or above my highest role. Server Settings → Roles → drag my role above {role}.",
  "gate.access.role_managed":
    "⚠️ {role} is managed by an integration, so nobody can give it by hand: remove this gate and pick another role.",
  "gate.access.bot_not_admin":
    "⚠️ I can't let members in or out of this group yet: make me an administrator with the rights to invite users and ban users.",
  "gate.audit.header": "Latest gate decisions, newest first ({count}):",
  "gate.audit.empty": "Nothing in the gate audit yet: decisions appear here once members use /verify.",
  "gate.audit.item": "{at} — {member} — {action} — gate {gate} ({mint}) — {reason}{held}",
  "gate.audit.held": "; held {amount}",
  "gate.audit.baseUnits": "{amount} base units",
  "gate.audit.removedGate": "(removed)",
  "gate.audit.action.granted": "granted",
  "gate.audit.action.removed": "removed",
  "gate.audit.action.restored": "granted again",
  "gate.audit.action.kept": "kept",
  "gate.audit.action.check_failed": "check failed",
  "gate.audit.action.denied": "not granted",
  "gate.audit.action.grace": "grace period",
  "gate.reason.enough": "holds enough",
  "gate.reason.short": "holds too little",
  "gate.reason.no_wallet": "no linked wallet",
  "gate.reason.rpc_error": "the chain could not be read; nothing changed, checked again later",
  "gate.reason.platform_unavailable":
    "the chat platform did not answer; nothing changed, checked again later",
  "gate.reason.not_in_community": "not in the server or group",
  "gate.reason.missing_manage_roles": "I lack the Manage Roles permission",
  "gate.reason.role_above_bot": "the role is at or above my highest role",
  "gate.reason.role_managed": "the role is managed by an integration",
  "gate.reason.unknown_role": "the role no longer exists",
  "gate.reason.bot_not_admin": "I am not an admin of the group with the rights to invite and ban users",
  "gate.reason.join_window_passed": "the join request was not verified in time",
  "gate.join.needed": "at least {amount} of {mint}",
  "gate.join.or": " or ",
  "gate.join.dm.link":
    "👋 To join {group}, link a Solana wallet that holds {needed}. Open {link} within {minutes} minutes and sign in with your wallet; I'll let you in as soon as it's verified. Your join request stays open for {windowMinutes} minutes. I will never ask for your seed phrase or private key.",
  "gate.join.dm.short":
    "👋 Your linked wallets hold {held}; {group} needs {needed}. Link a wallet that holds enough at {link} (valid {minutes} minutes) and I'll let you in; or ask to join again once you hold enough. Your join request stays open for {windowMinutes} minutes.",
  "gate.join.dm.noPage":
    "👋 {group} is open to holders of {needed}, but its verification page isn't set up yet, so I can't check your wallet. Please ask the group's admins.",
  "gate.error.unknownAction": "I don't know “{action}”.\n{help}",
  "gate.error.addHow":
    "Use /gate add <mint> <min amount>, e.g. /gate add DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263 1000.",
  "gate.error.addHowRole":
    "Use /gate add <mint> <min amount> <role>, e.g. /gate add DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263 1000 @Holders.",
  "gate.error.noRoleHere":
    "Here the gate is the group itself: /gate add <mint> <min amount>, without a role.",
  "gate.error.badMint":
    "“{mint}” isn't a Solana address: give the token's mint address (base58, 32–44 characters).",
  "gate.error.mintNotFound":
    "There is no account at {mint} on Solana: check the mint address. Nothing was saved.",
  "gate.error.notAMint":
    "{mint} isn't a token mint (it may be a wallet or a token account): give the token's mint address. Nothing was saved.",
  "gate.error.rpcDown":
    "I couldn't reach the Solana network just now, so nothing was saved. Try again in a minute.",
  "gate.error.platformDown":
    "Discord didn't answer when I checked the role, so nothing was saved. Try again in a minute.",
  "gate.error.amount.invalid":
    "“{amount}” isn't an amount: write digits with at most one decimal point, e.g. 1000 or 0.5.",
  "gate.error.amount.negative": "The minimum can't be negative.",
  "gate.error.amount.grouped": "Write “{amount}” without separators, e.g. 1000000 or 1.5.",
  "gate.error.amount.tooPrecise": "{mint} has {decimals} decimals: “{amount}” has more.",
  "gate.error.amount.tooLarge": "“{amount}” is more than any wallet can hold of this token.",
  "gate.error.amount.zero": "The minimum must be more than zero.",
  "gate.error.badRole": "“{role}” isn't a role: mention it (@Holders) or give its id.",
  "gate.error.unknownRole": "This server has no role with the id {role}.",
  "gate.error.tooMany": "This community has {limit} gates already: remove one first (/gate remove <number>).",
  "gate.error.exists": "That gate is already set: #{id}. Remove it first to change its amount.",
  "gate.error.badId": "“{id}” isn't a gate number: /gate list shows them, e.g. /gate remove 3.",
  "gate.error.notFound": "There is no gate #{id} here: /gate list shows this community's gates.",
  "gate.error.groupsOnly": "Token gates are for groups and servers: set them there, not in a private chat.",
  "gate.error.unavailable": "Token gates aren't available here.",
  "gate.invite.link":
    "Join-request link for this group: {url}\nShare it instead of the usual invite link. When someone uses it, I let in holders ({gates}) at once and send everyone else a private link to verify a wallet; requests not verified within {minutes} minutes are declined.",
  "gate.invite.name": "Token holders",
  "gate.error.telegramDown": "Telegram didn't answer, so no link was made. Try again in a minute.",
  "gate.error.inviteNoGate":
    "This group has no token gate yet: add one first with /gate add <mint> <min amount>.",
  "gate.error.inviteTelegramOnly":
    "/gate invite is for Telegram groups, where people join through a link; on Discord, holders get the role with /verify.",
  "verify.error.groupsOnly": "Use /verify in the group or server whose gates you want to pass.",
  "verify.none": "This community has no token gates.",
  "verify.noWallet": "You haven't linked a wallet here yet: use /wallet link, then /verify again.",
  "verify.wallets": "Your linked wallets here ({count}): {wallets}.",
  "verify.status.qualifies": "✅ Gate #{id} ({target}): you hold {held}; {needed} needed.",
  "verify.status.qualifiesAtLeast": "✅ Gate #{id} ({target}): you hold at least {held}; {needed} needed.",
  "verify.status.short": "❌ Gate #{id} ({target}): you hold {held}; {needed} needed.",
  "verify.status.unknown": "⏳ Gate #{id} ({target}): I couldn't read the chain just now; {needed} needed.",
  "verify.effect.granted": "Role given.",
  "verify.effect.removed": "Role taken away.",
  "verify.effect.grace": "You keep access until {until}; hold enough again by then to keep it.",
  "verify.effect.later": "The chat platform didn't answer; I'll try again shortly.",
  "verify.effect.adminFix":
    "I can't change this role: an admin needs to fix my permissions (/gate audit says how).",
  "verify.effect.notInCommunity": "You're not a member here.",
  "verify.retrying": "Nothing was taken away: I'll check again in a few minutes.",

  "value.on": "on",
  "value.off": "off",
  // More words admins may type for on and off, comma-separated. "value.on" and "value.off" count too,
  // as do true/false and 1/0; every language's words are taken whatever the community's language.
  "value.onWords": "yes, enable, enabled",
  "value.offWords": "no, disable, disabled",

  "setting.allowed.switch": "on | off",
  "setting.allowed.days": "{min}-{max} days",
  "setting.allowed.hours": "{min}-{max} hours",
  "setting.allowed.seconds": "{min}-{max} seconds",
  "setting.allowed.perMinute": "{min}-{max} commands per minute",
  "setting.allowed.languages": "{languages}",
  "setting.allowed.tokenBudget": "0 (no budget) to {max} model tokens per day",
  "setting.allowed.models": "{models}",
  "setting.allowed.layouts": "{layouts} (several separated by commas, e.g. classic,panels)",
  "setting.allowed.tags": "up to {max} template tags separated by commas (e.g. pump,hodl), or - for none",
  "setting.allowed.watermark": "a text of at most {max} characters, or off",
} as const;

export type MessageId = keyof typeof en;
export type Messages = { readonly [K in MessageId]: string };

export default {
  code: "en",
  discordLocales: ["en-US", "en-GB"],
  telegramLanguageCode: "en",
  messages: en,
} satisfies LanguagePack;
