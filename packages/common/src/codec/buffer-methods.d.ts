// Node's Buffer has fast UTF-8 methods that @types/node does not declare.
declare module 'buffer' {
  interface Buffer {
    utf8Write(s: string, offset?: number, length?: number): number;
    utf8Slice(start: number, end: number): string;
  }
}
export {};
