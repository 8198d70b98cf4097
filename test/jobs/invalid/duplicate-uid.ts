import type { StreamExecutionEnvironment } from '@eddy/api';
export default (env: StreamExecutionEnvironment) => {
  env.fromSequence(0, 10).uid('numbers').map((n) => n).uid('numbers').print();
};
