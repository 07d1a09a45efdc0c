import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { ENGLISH_MODEL_DIR, OCR_WORKER_FILE, ocrFiles } from './paths.js';
import { engineOptions } from './reader.js';

describe('the OCR engine\u2019s files', () => {
  it('are all installed files on disk: the guarded worker, the English model, the WASM core', () => {
    const files = ocrFiles();
    for (const path of Object.values(files)) {
      expect(isAbsolute(path)).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
    expect(files.workerPath.endsWith(OCR_WORKER_FILE)).toBe(true);
    expect(files.langPath.endsWith(ENGLISH_MODEL_DIR)).toBe(true);
    expect(existsSync(join(files.langPath, 'eng.traineddata.gz'))).toBe(true);
    expect(existsSync(join(files.corePath, 'tesseract-core-simd-lstm.wasm'))).toBe(true);
    // The worker switches the network off before tesseract's own worker script loads.
    const worker = readFileSync(files.workerPath, 'utf8');
    expect(worker.indexOf('globalThis.fetch =')).toBeGreaterThan(0);
    expect(worker.indexOf('globalThis.fetch =')).toBeLessThan(worker.indexOf("require('tesseract.js/src/worker-script/node/index.js')"));
  });

  it('start the engine with no URL anywhere and nothing cached', () => {
    const options = engineOptions(ocrFiles(), '/tmp/mediaflow-ocr-x');
    expect(options).toMatchObject({ cacheMethod: 'none', cachePath: '/tmp/mediaflow-ocr-x', gzip: true });
    for (const key of ['workerPath', 'langPath', 'corePath'] as const) expect(options[key]).not.toMatch(/^[a-z]+:\/\//i);
  });

  it('say what is missing when the package cannot be found', () => {
    expect(() => ocrFiles(['/nowhere/at/all/package.json'])).toThrow(MediaError);
  });
});
