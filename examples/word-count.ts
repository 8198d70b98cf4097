/**
 * Word count, the "hello world" of stream processing (Flink's WordCount example).
 *
 *   eddy local examples/word-count.ts --workers 2 --parallelism 2
 *
 * A bounded, deterministic job: the lines below come from one non-parallel collection source,
 * are split into lowercase words, partitioned by word (keyBy) and counted with a running reduce.
 * As in Flink, `reduce` emits the updated count for every word it sees, so the last line printed
 * for a word carries its final count. Lines are prefixed `n> ` with the printing subtask (1-based)
 * when the sink runs with parallelism > 1; the order between subtasks varies from run to run, the
 * order of the counts of one word never does.
 */
import type { Collector, StreamExecutionEnvironment } from '@eddy/api';

/** Hamlet, Act III, Scene 1 (William Shakespeare, c. 1600; public domain). */
const HAMLET = [
  'To be, or not to be, that is the question:',
  'Whether \'tis nobler in the mind to suffer',
  'The slings and arrows of outrageous fortune,',
  'Or to take arms against a sea of troubles',
  'And by opposing end them. To die—to sleep,',
  'No more; and by a sleep to say we end',
  'The heart-ache and the thousand natural shocks',
  'That flesh is heir to: \'tis a consummation',
  'Devoutly to be wish\'d. To die, to sleep;',
  'To sleep, perchance to dream—ay, there\'s the rub:',
  'For in that sleep of death what dreams may come,',
  'When we have shuffled off this mortal coil,',
  'Must give us pause—there\'s the respect',
  'That makes calamity of so long life.',
  'For who would bear the whips and scorns of time,',
  'Th\'oppressor\'s wrong, the proud man\'s contumely,',
  'The pangs of dispriz\'d love, the law\'s delay,',
  'The insolence of office, and the spurns',
  'That patient merit of th\'unworthy takes,',
  'When he himself might his quietus make',
  'With a bare bodkin? Who would fardels bear,',
  'To grunt and sweat under a weary life,',
  'But that the dread of something after death,',
  'The undiscover\'d country, from whose bourn',
  'No traveller returns, puzzles the will,',
  'And makes us rather bear those ills we have',
  'Than fly to others that we know not of?',
  'Thus conscience does make cowards of us all,',
  'And thus the native hue of resolution',
  'Is sicklied o\'er with the pale cast of thought,',
  'And enterprises of great pitch and moment',
  'With this regard their currents turn awry',
  'And lose the name of action.',
];

/** A word and how often it was seen so far. */
type WordCount = [word: string, count: number];

/**
 * Splits a line into lowercase words: punctuation is stripped, apostrophes inside a word are
 * kept ("'tis" → "tis", "there's" → "there's"), dashes separate words ("heart-ache" → "heart", "ache").
 */
function tokenize(line: string, out: Collector<WordCount>): void {
  for (const raw of line.toLowerCase().split(/[^a-z']+/)) {
    const word = raw.replace(/^'+|'+$/g, '');
    if (word !== '') out.collect([word, 1]);
  }
}

export default (env: StreamExecutionEnvironment, _args: string[]): void => {
  env.setJobName('word-count');
  env
    .fromCollection(HAMLET)
    .name('Hamlet')
    .uid('lines')
    .flatMap(tokenize)
    .name('Tokenizer')
    .uid('tokenizer')
    .keyBy(([word]) => word)
    .reduce(([word, a], [, b]) => [word, a + b])
    .name('Count')
    .uid('count')
    .map(([word, count]) => `(${word},${count})`)
    .name('Format')
    .print();
};
