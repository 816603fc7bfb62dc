/**
 * The order of the contenders in repetition `round`: A B C, then B C A, then C A B… Every
 * contender runs once per round (interleaved, so slow drifts of a shared machine hit all of them)
 * and no one is always first (after a fresh upstream) or always last.
 */
export function rotation<T>(items: readonly T[], round: number): T[] {
  if (items.length === 0) return [];
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
