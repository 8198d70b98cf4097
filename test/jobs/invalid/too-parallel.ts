import type { StreamExecutionEnvironment } from '@eddy/api';
export default (env: StreamExecutionEnvironment) => {
  env.setMaxParallelism(8);
  env.fromSequence(0, 10).map((n) => n).setParallelism(16).print();
};
