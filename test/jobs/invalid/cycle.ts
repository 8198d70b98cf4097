import type { StreamExecutionEnvironment } from '@eddy/api';
// Builds a cycle through the transformation's inputs (Flink exposes getTransformation() too).
export default (env: StreamExecutionEnvironment) => {
  const a = env.fromSequence(0, 10).map((n) => n).name('a');
  const b = a.map((n) => n).name('b');
  const c = b.map((n) => n).name('c');
  c.print();
  a.getTransformation().inputs.push({ transformation: c.getTransformation(), partitioning: { kind: 'default' } });
};
