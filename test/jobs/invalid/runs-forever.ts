import type { StreamExecutionEnvironment } from '@eddy/api';
export default (env: StreamExecutionEnvironment) => {
  env.fromSequence(0, 10).print();
  for (;;) {
    // never returns: the coordinator must stop evaluating it
  }
};
