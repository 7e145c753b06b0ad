/**
 * Tool names a mistyped one probably meant, best first (at most three): names that contain what
 * was typed (people type the start of a long name), then names within a few typos of it.
 */
export function closeMatches(typed: string, names: readonly string[]): string[] {
  const wanted = typed.toLowerCase();
  const scored: Array<{ name: string; score: number }> = [];
  for (const name of names) {
    const candidate = name.toLowerCase();
    if (candidate.includes(wanted) || (candidate.length >= 3 && wanted.includes(candidate))) {
      scored.push({ name, score: 0 });
      continue;
    }
    const distance = editDistance(wanted, candidate);
    // Allow roughly one typo per three characters, and always two, so short names still match.
    if (distance <= Math.max(2, Math.floor(candidate.length / 3))) scored.push({ name, score: distance });
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, 3)
    .map(({ name }) => name);
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previousRow = Array.from({ length: b.length + 1 }, (_, column) => column);
  for (let row = 1; row <= a.length; row++) {
    const currentRow = [row];
    for (let column = 1; column <= b.length; column++) {
      const substitution = (previousRow[column - 1] ?? 0) + (a[row - 1] === b[column - 1] ? 0 : 1);
      const deletion = (previousRow[column] ?? 0) + 1;
      const insertion = (currentRow[column - 1] ?? 0) + 1;
      currentRow.push(Math.min(substitution, deletion, insertion));
    }
    previousRow = currentRow;
  }
  return previousRow[b.length] ?? 0;
}
