/** A pino destination that keeps each written line, so tests can read exactly what would reach stdout. */
export function createMemoryDestination() {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
    /** Every line parsed as JSON. */
    records(): Array<Record<string, unknown>> {
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text(): string {
      return lines.join("");
    },
  };
}
