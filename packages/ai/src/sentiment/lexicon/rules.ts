// The small closed word classes VADER's rules act on. Lower case; apostrophes both as typed
// ("don't") and dropped ("dont"), as chats drop them. Space-separated lists read better than
// hundred-line arrays.
const words = (list: string): ReadonlySet<string> => Object.freeze(new Set(list.trim().split(/\s+/)));

/** Words that flip (and dampen) the sentiment of the words up to three after them. */
export const NEGATIONS = words(`
  not no never none nobody nothing nowhere neither nor without cannot cant can't dont don't doesnt
  doesn't didnt didn't isnt isn't arent aren't wasnt wasn't werent weren't wont won't wouldnt wouldn't
  shouldnt shouldn't couldnt couldn't hasnt hasn't havent haven't hadnt hadn't aint ain't mustnt
  mustn't neednt needn't shant shan't nope rarely seldom hardly
`);

/** How much an intensifier or a dampener moves the next word's valence (VADER's constant). */
export const BOOST = 0.293;

/** Intensifiers: the next word's valence grows by BOOST in its own direction. */
export const INTENSIFIERS = words(`
  absolutely amazingly awfully completely considerably deeply enormously entirely especially
  exceptionally extremely fully greatly hella highly hugely incredibly insanely intensely massively
  majorly most more mega particularly purely quite really remarkably so soo sooo super substantially
  thoroughly totally tremendously truly uber unbelievably unusually utterly very wildly fucking fuckin
  freaking freakin frickin damn bloody
`);

/** Dampeners: the next word's valence shrinks by BOOST. */
export const DAMPENERS = words(`
  almost barely kinda kindof sorta sortof less little marginally partly partially scarcely slightly
  somewhat occasionally mildly
`);

/** Words that turn a sentence: what comes before weighs half, what comes after half as much again. */
export const CONTRASTS = words(`but however`);
