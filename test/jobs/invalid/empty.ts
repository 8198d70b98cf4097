import type { StreamExecutionEnvironment } from '@eddy/api';
export default (_env: StreamExecutionEnvironment) => {};
