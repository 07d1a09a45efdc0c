import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MediaError } from '@mediaflow/domain';
import { resolutionBases } from '@mediaflow/domain/node';

/** The text reader's worker script, relative to the package root (see its header). */
export const OCR_WORKER_FILE = 'worker/ocr-worker.mjs';

/**
 * The English model inside `@tesseract.js-data/eng`: `4.0.0_best_int` is the LSTM-only model
 * tesseract.js itself picks for its LSTM engine (2.9 MB; `4.0.0` adds the legacy engine's data).
 */
export const ENGLISH_MODEL_DIR = '4.0.0_best_int';

/** Where everything the OCR engine loads comes from, all on disk. */
export interface OcrFiles {
  /** The worker script (tesseract.js's own, behind the no-network guard). */
  workerPath: string;
  /** The directory holding `eng.traineddata.gz`. */
  langPath: string;
  /** tesseract.js-core's directory (its WASM builds; Node loads them with `require`). */
  corePath: string;
}

/** `@mediaflow/tagging`'s package.json, from the first base that resolves it. */
function taggingPackage(bases: readonly string[]): string | undefined {
  for (const base of bases) {
    try {
      return createRequire(base).resolve('@mediaflow/tagging/package.json');
    } catch {
      // Not resolvable from this base; try the next one.
    }
  }
  return undefined;
}

/**
 * The files the on-device text reader runs on, resolved from `@mediaflow/tagging` (found as
 * `onDeviceWorkerPath` finds it): its worker script, the English model of `@tesseract.js-data/eng`
 * and `tesseract.js-core`, each checked to exist. Nothing is fetched at run time.
 *
 * @throws MediaError (`internal`) when one of them cannot be found.
 */
export function ocrFiles(bases: readonly string[] = resolutionBases()): OcrFiles {
  const packageJson = taggingPackage(bases);
  if (packageJson === undefined) throw new MediaError('internal', 'the OCR files cannot be found: @mediaflow/tagging is not resolvable', { details: { bases } });
  const fromTagging = createRequire(packageJson);
  const find = (what: string, locate: () => string): string => {
    let path: string | undefined;
    try {
      path = locate();
    } catch (cause) {
      throw new MediaError('internal', `the OCR engine's ${what} cannot be found`, { cause, details: { from: packageJson } });
    }
    if (!existsSync(path)) throw new MediaError('internal', `the OCR engine's ${what} is missing at ${path}`);
    return path;
  };
  const workerPath = find('worker script', () => join(dirname(packageJson), OCR_WORKER_FILE));
  const langPath = find('English model', () => join(dirname(fromTagging.resolve('@tesseract.js-data/eng/package.json')), ENGLISH_MODEL_DIR));
  find('English model file', () => join(langPath, 'eng.traineddata.gz'));
  const corePath = find('WASM core', () => dirname(createRequire(fromTagging.resolve('tesseract.js')).resolve('tesseract.js-core/package.json')));
  return { workerPath, langPath, corePath };
}
