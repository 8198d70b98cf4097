// node:test reporter that counts passed and failed tests (suites excluded) and prints one line.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    const type = event.data?.details?.type;
    if (event.type === 'test:pass' && type !== 'suite' && !event.data.skip && !event.data.todo) passed++;
    if (event.type === 'test:fail' && type !== 'suite') failed++;
  }
  yield `${passed} passed, ${failed} failed\n`;
}
