import type { StreamExecutionEnvironment } from '@eddy/api';
export const job = (env: StreamExecutionEnvironment) => {
  env.fromSequence(0, 10).print();
};
