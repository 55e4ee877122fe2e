// The words /imagine refuses by default (the `image_blocklist` setting, on unless an admin turns it
// off). A picture posted in a public meme group cannot be taken back the way a bad caption can be
// laughed off, and open image models draw whatever they are asked: so ideas and model-written
// prompts naming sexual content, sexualised minors, gore or hate are refused before anything is
// drawn. Kept short and unambiguous on purpose: every entry is matched as a whole word (or phrase),
// ignoring case and accents, and a word with an innocent everyday meaning ("cock" the bird, "kid")
// would refuse harmless memes. English and Spanish, the languages the bot speaks. Written without
// accents: matching strips them from both sides.

const list = (words: string) => words.split(",").map((word) => word.trim());

/** Sexual content and nudity. */
const SEXUAL = list(
  "nude, nudes, nudity, naked, porn, porno, pornographic, pornography, nsfw, hentai, sex, sexual, sexy, " +
    "erotic, erotica, xxx, topless, genitals, penis, vagina, boobs, tits, nipples, orgasm, fetish, bdsm, " +
    "blowjob, onlyfans, stripper, lewd, desnudo, desnuda, desnudos, desnudas, desnudez, sexo, erotico, " +
    "tetas, pene, pezones",
);

/** Sexualised minors: never, in any wording. */
const MINORS = list(
  "loli, lolicon, shota, shotacon, jailbait, underage, preteen, pedo, pedophile, paedophile, pedophilia, " +
    "child porn, menor de edad, menores de edad, pedofilo",
);

/** Graphic violence. */
const GORE = list(
  "gore, gory, decapitated, decapitation, beheaded, beheading, dismembered, dismemberment, disembowel, " +
    "disemboweled, mutilated, mutilation, entrails, snuff, decapitado, decapitada, desmembrado, " +
    "desmembrada, mutilado, mutilada, visceras",
);

/** Hate symbols and slurs. */
const HATE = list(
  "nazi, nazis, swastika, esvastica, kkk, heil hitler, white power, hitler, nigger, niggers, nigga, " +
    "niggas, faggot, faggots, fag, fags, kike, kikes, spic, spics, chink, chinks, wetback, wetbacks, " +
    "tranny, trannies, raghead, ragheads, towelhead, towelheads, gook, gooks, retard, retards, maricon, " +
    "maricones, sudaca, sudacas, negrata, negratas",
);

export const DEFAULT_IMAGE_BLOCKLIST: readonly string[] = Object.freeze([
  ...new Set([...SEXUAL, ...MINORS, ...GORE, ...HATE]),
]);
