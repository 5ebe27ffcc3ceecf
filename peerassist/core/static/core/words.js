// Words as the server counts them (assists.rules.word_count, writeups.rules.markdown_words):
// Python's \w is a Unicode letter, number or underscore, and a word may carry inner
// apostrophes or hyphens ("don't", "follow-up"). tests/js/word_count_cases.json holds cases
// counted by the Python function; tests/js/words.test.js checks this one against them.

const WORD = /[\p{L}\p{N}_]+(?:['’-][\p{L}\p{N}_]+)*/gu;

export function wordCount(...texts) {
  return texts.reduce((total, text) => total + (String(text || "").match(WORD) || []).length, 0);
}
