// heic-decode ships no types. The pipeline calls it from its worker (plain JavaScript); the tests
// call it directly as the reference for the worker's pixels. Only that call is declared.
declare module 'heic-decode' {
  interface DecodedImage {
    width: number;
    height: number;
    data: Uint8ClampedArray;
  }
  function decode(input: { buffer: Uint8Array | ArrayBuffer }): Promise<DecodedImage>;
  export default decode;
}
