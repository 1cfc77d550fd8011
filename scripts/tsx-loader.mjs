// The TypeScript loader for the test suite (.taprc: node-arg --import=./scripts/tsx-loader.mjs).
// tsx (esbuild) transpiles each file on first import and caches the result on disk, so a test
// process no longer spends seconds in the TypeScript compiler as it did under tap's ts-node loader.
//
// tsx leaves the original text out of its inline source maps unless NODE_V8_COVERAGE is set. tap
// takes coverage through the inspector instead, and c8 then reads the empty sourcesContent as the
// file's text: every src/ file would show in the coverage report as one covered line. The hook
// registered after tsx (so it sees tsx's output) puts the file's text into the map.
import 'tsx';
import { register } from 'node:module';

register('./tsx-sources-content.mjs', import.meta.url);
