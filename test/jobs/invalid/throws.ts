import type { StreamExecutionEnvironment } from '@eddy/api';
export default (env: StreamExecutionEnvironment) => {
  env.fromSequence(0, 10).print();
  throw new Error('configuration file missing');
};
