// A node:test reporter that records every passing/failing test with its file as JSON lines, so
// tools/readme.ts can build the README's feature table from the suite's real results.

interface TestEvent {
  type: string;
  data: { name: string; nesting: number; file?: string; skip?: unknown; todo?: unknown };
}

export default async function* reporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const e of source) {
    if (e.type !== "test:pass" && e.type !== "test:fail") continue;
    const { name, nesting, file, skip, todo } = e.data;
    const status = e.type === "test:fail" ? "fail" : skip !== undefined || todo !== undefined ? "skip" : "pass";
    yield JSON.stringify({ status, file: file ?? "", name, nesting }) + "\n";
  }
}
